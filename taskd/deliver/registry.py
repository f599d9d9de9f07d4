"""Channels by name, built from config.toml [channels.*]. `console` and `desktop` always exist.

Each channel takes at most `concurrency` sends at a time (option `concurrency`; defaults by type
below): a burst of due runs goes out in parallel without opening a thousand connections to one
webhook or one SMTP server. The engine's delivery pool is sized from these limits.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any

from taskd.deliver.base import Channel, DeliveryError

if TYPE_CHECKING:
    from taskd.learn.channel import ChannelPref, Route
    from taskd.settings import Settings
    from taskd.store.tables import Task

TYPES = ("console", "desktop", "webhook", "email", "command")
# Sends in flight per channel. A webhook receiver handles many requests at once; an SMTP server
# often limits connections per client; a command is a process each; notify-send and stdout
# gain nothing from parallelism.
CONCURRENCY = {"webhook": 16, "email": 4, "command": 4, "console": 1, "desktop": 2}
MAX_POOL = 64


class Bounded:
    """A channel behind a semaphore: at most `concurrency` sends at once."""

    def __init__(self, inner: Channel, concurrency: int) -> None:
        self.inner = inner
        self.name = inner.name
        self.retries = inner.retries
        self.backoff = inner.backoff
        self.concurrency = concurrency
        # The semaphore is a queue of tokens: SimpleQueue blocks and wakes in C, where
        # threading.BoundedSemaphore runs a Condition in Python on every send of a burst.
        self._slots: SimpleQueue[None] = SimpleQueue()
        for _ in range(concurrency):
            self._slots.put(None)

    def send(self, message: Any) -> str:
        self._slots.get()
        try:
            return self.inner.send(message)
        finally:
            self._slots.put(None)

    def __getattr__(self, name: str) -> Any:  # the wrapped channel's own options (url, to...)
        return getattr(self.inner, name)


def _concurrency(kind: str, config: Mapping[str, Any]) -> int | str:
    value = config.get("concurrency", CONCURRENCY.get(kind, 1))
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_POOL:
        return f"channel option 'concurrency' must be a whole number from 1 to {MAX_POOL}"
    return value


def pool_size(channels: Mapping[str, Any]) -> int:
    """Delivery threads: enough for every channel's limit at once, within MAX_POOL."""
    total = sum(getattr(c, "concurrency", 1) for c in channels.values())
    return max(4, min(MAX_POOL, total))


class BrokenChannel:
    """A configured channel whose config is wrong: every send fails with the reason, no retries."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        self.retries = 0
        self.backoff = 0.0

    def send(self, message: Any) -> str:
        raise DeliveryError(self.reason, retry=False)


def build_one(name: str, config: Mapping[str, Any]) -> Channel:
    kind = str(config.get("type", name))
    limit = _concurrency(kind, config)
    if isinstance(limit, str):
        return BrokenChannel(name, f"channel {name}: {limit}")
    channel = _build_one(name, config)
    return channel if isinstance(channel, BrokenChannel) else Bounded(channel, limit)


def _build_one(name: str, config: Mapping[str, Any]) -> Channel:
    from taskd.deliver.command import CommandChannel
    from taskd.deliver.console import ConsoleChannel
    from taskd.deliver.desktop import DesktopChannel
    from taskd.deliver.smtp import EmailChannel
    from taskd.deliver.webhook import WebhookChannel

    kind = config.get("type", name)
    conf = dict(config)
    try:
        if kind == "console":
            return ConsoleChannel(name)
        if kind == "desktop":
            return DesktopChannel(name)
        if kind == "webhook":
            return WebhookChannel(name, conf)
        if kind == "email":
            return EmailChannel(name, conf)
        if kind == "command":
            return CommandChannel(name, conf)
    except DeliveryError as exc:
        return BrokenChannel(name, exc.message)
    return BrokenChannel(name, f"channel {name}: unknown type {kind!r} (one of {', '.join(TYPES)})")


def build(settings: Settings) -> dict[str, Channel]:
    channels: dict[str, Channel] = {"console": build_one("console", {}),
                                    "desktop": build_one("desktop", {})}
    for name, config in settings.channels.items():
        if not isinstance(config, dict):
            channels[name] = BrokenChannel(name, f"[channels.{name}] must be a table")
            continue
        channels[name] = build_one(name, config)
    return channels


def routes_for(task: Task, settings: Settings, available: Collection[str],
               pref: ChannelPref | None = None) -> Route:
    """The task's own channels when it names some, else the channel preference in force (with the
    defaults behind it), else the configured defaults (taskd.learn.channel decides and says why)."""
    from taskd.learn.channel import route

    return route(task.channels_json, settings.default_channels, available, pref)


def names_for(task: Task, settings: Settings) -> list[str]:
    """The task's own channels when it names some, else the configured defaults."""
    from taskd.learn.channel import own_channels

    return own_channels(task.channels_json) or list(settings.default_channels) or ["console"]
