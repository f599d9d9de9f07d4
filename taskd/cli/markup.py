"""The few rich-style tags taskd's one-line messages use ([bold], [dim], [green]…), printed
without importing rich: `taskd add` is a one-line answer, and rich's import costs more than the
thin client's whole request. Tables still go through rich (taskd.cli.render).

The syntax is rich's own, so a line renders the same either way: `[style]…[/style]` or `[/]`,
a backslash before `[` makes it literal, and `escape` is rich.markup.escape's rule. Only the
styles listed here are tags; any other bracketed text prints as written.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TextIO

# SGR codes (ECMA-48). Colours are dropped under NO_COLOR (no-color.org); bold and dim stay.
STYLES = {"bold": "1", "dim": "2", "italic": "3", "underline": "4"}
COLOURS = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "magenta": "35",
           "cyan": "36"}
_TAG = re.compile(r"(\\*)\[([a-z#/@][^\[]*?)]")
_ESCAPE = re.compile(r"(\\*)(\[[a-z#/@][^\[]*?])")


def escape(text: str) -> str:
    """Text that prints as written inside markup: rich.markup.escape's rule, and backslashes at
    the end doubled (a tag may follow, and would read them as escapes; rich doubles only one)."""
    text = _ESCAPE.sub(lambda m: f"{m.group(1)}{m.group(1)}\\{m.group(2)}", text)
    trailing = len(text) - len(text.rstrip("\\"))
    return text + "\\" * trailing


def _codes(tag: str, colour: bool) -> list[str] | None:
    """The SGR codes of a tag's words, or None when it is not a style tag taskd writes."""
    codes = []
    for word in tag.split():
        if word in STYLES:
            codes.append(STYLES[word])
        elif word in COLOURS:
            if colour:
                codes.append(COLOURS[word])
        else:
            return None
    return codes


def render(markup: str, *, ansi: bool, colour: bool = True) -> str:
    """The line as it prints: styles as SGR sequences when `ansi`, else plain text."""
    out: list[str] = []
    stack: list[list[str]] = []
    last = 0
    for match in _TAG.finditer(markup):
        slashes, tag = match.group(1), match.group(2)
        out.append(markup[last:match.start()])
        last = match.end()
        out.append("\\" * (len(slashes) // 2))
        if len(slashes) % 2:  # escaped: the bracket is text
            out.append(f"[{tag}]")
            continue
        if tag.startswith("/"):
            if stack and (tag == "/" or _codes(tag[1:], colour) is not None):
                stack.pop()
                if ansi:
                    out.append("\x1b[0m" + "".join(f"\x1b[{';'.join(c)}m" for c in stack if c))
                continue
            out.append(f"[{tag}]")
            continue
        codes = _codes(tag, colour)
        if codes is None:
            out.append(f"[{tag}]")
            continue
        stack.append(codes)
        if ansi and codes:
            out.append(f"\x1b[{';'.join(codes)}m")
    out.append(markup[last:])
    if ansi and any(stack):
        out.append("\x1b[0m")
    return "".join(out)


def styled(stream: TextIO | None = None) -> tuple[bool, bool]:
    """(ansi, colour) for a stream, as rich decides them: a terminal that is not dumb, or
    FORCE_COLOR; colour unless NO_COLOR."""
    stream = stream or sys.stdout
    env = os.environ
    if env.get("FORCE_COLOR"):
        ansi = True
    else:
        isatty = getattr(stream, "isatty", None)
        ansi = bool(isatty and isatty()) and env.get("TERM", "").lower() not in ("dumb", "unknown")
    return ansi, not env.get("NO_COLOR")
