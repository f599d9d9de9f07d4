"""The console channel: one line on stdout, which systemd puts in the journal."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from taskd.terminal import shown

if TYPE_CHECKING:
    from taskd.fire.message import Message


class ConsoleChannel:
    def __init__(self, name: str = "console") -> None:
        self.name = name
        self.retries = 0
        self.backoff = 0.0

    def send(self, message: Message) -> str:
        # A model's answer or an old row may hold terminal escapes: the journal or a terminal
        # shows them, never obeys them.
        sys.stdout.write(shown(message.line()) + "\n")
        sys.stdout.flush()
        return "printed"
