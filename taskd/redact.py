"""Secrets in database URLs: a DSN's password is never printed (status, logs, errors).

Kept light (no SQLAlchemy): the CLI and the service's logs use it.
"""

from __future__ import annotations

import logging
import re

MASK = "***"
# The userinfo of a URL, as SQLAlchemy reads it: user up to ":", password up to the first "@".
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][\w+.-]*://[^:/@\s]*:)(?P<secret>[^@\s]*)(?=@)")
# libpq's forms: `?password=...` in a URL, `password=...` in a key=value DSN.
_KEY_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<secret>'(?:[^'\\]|\\.)*'|[^\s&;]+)",
                           re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with the password of every database URL or DSN in it replaced by ***."""
    if ":" not in text and "=" not in text:
        return text
    text = _URL_PASSWORD.sub(lambda m: m["head"] + (MASK if m["secret"] else ""), text)
    return _KEY_PASSWORD.sub(lambda m: m["head"] + MASK, text)


class RedactingFormatter(logging.Formatter):
    """Log lines (tracebacks included) with every DSN password masked: a driver's exception may
    quote the URL it was given."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
