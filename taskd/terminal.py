"""What may reach a terminal: the characters that steer one, and how text is made safe to show.

A terminal obeys ESC sequences (C0), their 8-bit forms (C1, U+0080–U+009F), and reorders text at
bidi overrides (U+202A–U+202E, U+2066–U+2069; "Trojan Source"). Text a user or a model supplied is
rejected or cleaned of them where it comes in (`taskd.extract.clean_text`, the draft model);
`shown` is the second line of defence for what an older version already stored.

Kept free of imports: the CLI loads it on every command.
"""

from __future__ import annotations

import re

# Everything that steers a terminal, except the white space that `str.split` collapses (tab, line
# feed, carriage return, NEL U+0085): those become one space where text comes in. Lone surrogates
# (bytes of argv that are not UTF-8) belong here too: no terminal encoding can print them.
STEERING = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_STEERING = re.compile(f"[{STEERING}]")
_LINE_BREAK = re.compile("[\t\n\r\x85\u2028\u2029]")

REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def has_steering(text: str) -> bool:
    """True when `text` holds a character that steers a terminal (line breaks do not count)."""
    return not text.isprintable() and _STEERING.search(text) is not None


def without_steering(text: str) -> str:
    """`text` with every steering character removed: for model output, which cannot be asked again."""
    return text if text.isprintable() else _STEERING.sub("", text)


def shown(text: str, *, block: bool = False) -> str:
    """`text` as it may be printed: each steering character becomes U+FFFD, so that nothing stored
    can move the cursor, retitle the window or reorder text; unless `block`, line breaks become
    spaces (a table cell or an error is one line)."""
    if text.isprintable():  # typed text nearly always is: one C call, no regex
        return text
    text = _STEERING.sub(REPLACEMENT, text)
    return text if block else _LINE_BREAK.sub(" ", text)
