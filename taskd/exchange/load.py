"""Which file is this: a taskd export or a Taskwarrior `task export`? Then import it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from taskd.errors import BadInput
from taskd.exchange import FORMAT
from taskd.exchange.report import ImportReport

if TYPE_CHECKING:
    from sqlmodel import Session

MAX_BYTES = 64 * 1024 * 1024


def read_document(text: str) -> Any:
    """JSON, or JSON Lines (older Taskwarrior exports print one object a line)."""
    if len(text) > MAX_BYTES:
        raise BadInput(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        return json.loads(text)
    except RecursionError:  # "[[[[…": no export nests anywhere near this deep
        raise BadInput("not an export: the JSON is nested too deeply") from None
    except ValueError as first_error:
        lines = [line.strip().rstrip(",") for line in text.splitlines() if line.strip()]
        try:
            records = [json.loads(line) for line in lines]
        except (ValueError, RecursionError):
            raise BadInput(f"not JSON: {first_error}") from None
        if records and all(isinstance(r, dict) for r in records):
            return records
        raise BadInput(f"not JSON: {first_error}") from None


def kind_of(document: Any) -> str:
    if isinstance(document, dict) and document.get("format") == FORMAT:
        return "taskd"
    if isinstance(document, list) and all(isinstance(r, dict) and "description" in r for r in document):
        return "taskwarrior"
    if isinstance(document, dict) and "description" in document:
        return "taskwarrior"
    raise BadInput("not a taskd export nor a Taskwarrior `task export` file")


def import_text(db: Session, text: str, *, tz: str, now: datetime) -> ImportReport:
    """Import a file's text in the caller's transaction; BadInput (nothing written) when it is bad."""
    document = read_document(text)
    if kind_of(document) == "taskd":
        from taskd.exchange.import_json import import_taskd

        return import_taskd(db, document, now)
    from taskd.exchange.taskwarrior import import_taskwarrior

    records = document if isinstance(document, list) else [document]
    return import_taskwarrior(db, records, tz, now)
