"""What a channel is, and the errors it may raise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from taskd.errors import TaskdError

if TYPE_CHECKING:
    from taskd.fire.message import Message


class DeliveryError(TaskdError):
    """A channel could not deliver. `retry` False means trying again cannot help (a 400, bad
    config): the retry loop stops at once instead of hammering the receiver."""

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


class Skipped(TaskdError):
    """The channel does not apply on this machine (no desktop session): not an error, noted once."""


class Channel(Protocol):
    name: str
    retries: int  # attempts after the first
    backoff: float  # seconds before the first retry; doubles each time

    def send(self, message: Message) -> str:
        """Deliver; return a short detail for the record. Raise DeliveryError or Skipped."""
        ...


def option(config: dict[str, Any], key: str, default: Any, kind: type) -> Any:
    value = config.get(key, default)
    if value is None or isinstance(value, kind) or (kind is float and isinstance(value, int)):
        return value
    raise DeliveryError(f"channel option {key!r} must be {kind.__name__}", retry=False)
