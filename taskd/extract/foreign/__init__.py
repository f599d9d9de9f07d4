"""Reminders written in another language than English, read offline.

The English grammar reads a text first. When its reading is not complete (it asked, or left
words in the title) and the words are clearly of one language taskd knows (`detect`), `reader`
reads the text in that language: small recognisers for clock times, day words, weekdays, dayparts
and recurrence (`pieces`), and dateparser, told that one language, for dates and "in N units"
(never auto-detection: measured at 46 ms a sentence). The result is a normal Draft that the normal
resolver turns into times, so DST and past-time rules stay the same. dateparser is imported only
here, only for such a text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from taskd.extract.foreign.detect import MARKERS, language_of

if TYPE_CHECKING:
    from taskd.draft import Draft
    from taskd.resolve.dayparts import TimePref

__all__ = ["language_of", "reread"]


def reread(text: str, draft: Draft | None, *, now: datetime, tz: str,
           prefs: Mapping[str, TimePref] | None = None) -> Draft | None:
    """A reading of `text` in its own language when the English `draft` (None: the English
    grammar failed) left words it did not read and they are of a known language; else None."""
    if draft is not None and draft.schedule is not None and not draft.question:
        left = draft.message or draft.title
        if not left or " " not in left or MARKERS.isdisjoint(left.lower().split()):
            # The English grammar read all but a word, or left only words of no other language
            # (a set test in C: English extraction must not get slower for this).
            return None
    lang = language_of(text)
    if lang is None:
        return None
    from taskd.extract.foreign.reader import read

    return read(text, lang, now=now, tz=tz)
