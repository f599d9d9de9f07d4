"""The console channel: one line on stdout, which systemd puts in the journal."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from taskd.fire.message import Message


class ConsoleChannel:
    def __init__(self, name: str = "console") -> None:
        self.name = name
        self.retries = 0
        self.backoff = 0.0

    def send(self, message: Message) -> str:
        sys.stdout.write(message.line() + "\n")
        sys.stdout.flush()
        return "printed"
