"""Reading untrusted import records: each field checked for its type, errors named by where they are.

A malformed file is one BadInput line ("task 3 (uid …): 'first_at' is not an ISO-8601 instant"),
raised before anything is written.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from taskd.errors import BadInput

MAX_TEXT = 100_000


MAX_TITLE = 500
_UID = re.compile(r"[A-Za-z0-9._:@-]{1,64}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_line(text: str) -> str:
    """A title from a file, made one plain line: control characters and runs of white space
    become one space (a newline in a Taskwarrior description must not break a table row)."""
    plain = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    return " ".join(plain.split())[:MAX_TITLE]


class Fields:
    """One record (a JSON object) and the words that say where it is in the file."""

    def __init__(self, record: Any, where: str) -> None:
        if not isinstance(record, dict):
            raise BadInput(f"{where}: expected a JSON object, got {type(record).__name__}")
        self.record = record
        self.where = where

    def fail(self, message: str) -> BadInput:
        return BadInput(f"{self.where}: {message}")

    def has(self, name: str) -> bool:
        return self.record.get(name) is not None

    def text(self, name: str, *, required: bool = True, default: str | None = None) -> str | None:
        value = self.record.get(name)
        if value is None:
            if required and default is None:
                raise self.fail(f"{name!r} is missing")
            return default
        if not isinstance(value, str):
            raise self.fail(f"{name!r} must be a string")
        if len(value) > MAX_TEXT:
            raise self.fail(f"{name!r} is longer than {MAX_TEXT} characters")
        if _SURROGATE.search(value):  # JSON can spell a lone surrogate; no database can store one
            raise self.fail(f"{name!r} is not valid Unicode text (a lone surrogate)")
        return value

    def need_text(self, name: str, default: str | None = None) -> str:
        value = self.text(name, default=default)
        assert value is not None
        return value

    def uid(self, name: str) -> str:
        value = self.need_text(name)
        if not _UID.fullmatch(value):
            raise self.fail(f"{name!r} must be 1-64 letters, digits or ._:@-: {value[:80]!r}")
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.record.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{name!r} must be an integer")
        return value

    def number(self, name: str, default: float) -> float:
        value = self.record.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{name!r} must be a number")
        return float(value)

    def boolean(self, name: str, default: bool | None = None) -> bool | None:
        value = self.record.get(name, default)
        if value is not None and not isinstance(value, bool):
            raise self.fail(f"{name!r} must be true or false")
        return value

    def instant(self, name: str, *, required: bool = False) -> datetime | None:
        value = self.text(name, required=required)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(f"{name!r} is not an ISO-8601 instant: {value!r}") from None
        if moment.tzinfo is None:
            raise self.fail(f"{name!r} needs a UTC offset: {value!r}")
        return moment

    def need_instant(self, name: str) -> datetime:
        moment = self.instant(name, required=True)
        assert moment is not None
        return moment

    def items(self, name: str) -> list[Any]:
        value = self.record.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"{name!r} must be a list")
        return value
