"""Channels by name, built from config.toml [channels.*]. `console` and `desktop` always exist."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from taskd.deliver.base import Channel, DeliveryError

if TYPE_CHECKING:
    from taskd.settings import Settings
    from taskd.store.tables import Task

TYPES = ("console", "desktop", "webhook", "email", "command")


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


def names_for(task: Task, settings: Settings) -> list[str]:
    """The task's own channels when it names some, else the configured defaults."""
    if task.channels_json:
        try:
            names = json.loads(task.channels_json)
            if isinstance(names, list) and names:
                return [str(n) for n in names]
        except ValueError:
            pass
    return list(settings.default_channels) or ["console"]
