"""The minute of the hour an hourly rule fires at: "every hour on the half hour", "hourly on the
hour", "every 2 hours at quarter past", "at :15", "at xx:45", "10 minutes past each hour", "a
quarter to the hour", "at the 20th minute" -> BYMINUTE on the HOURLY rule.

Hourly rules expand on elapsed time from their start (taskd.resolve.recurrence), so the anchor also
sets the start: a clock time today at that minute, whose hour puts the next such minute after now
on the rule's grid (every 2 hours from the next :30). A clock time that is no anchor ("every hour
starting at 9:15", "at half past 9") is left to the time readers: an anchor is never followed by
an hour.
"""

from __future__ import annotations

import re

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules.lexicon import NUM_WORD, cardinal
from taskd.extract.rules.scan import BLANK, Found, Scan

_HOUR = r"(?:the|each|every|an|every\ssingle)\shour\b"
_REL = r"(?P<rel>past|after|to|before|till|til)"
# What may not follow a "past"/"to" anchor: an hour, which makes it a clock time ("half past 9").
_NO_HOUR = rf"(?!\s(?:\d|(?:{NUM_WORD}|noon|midnight)\b))"
_ANCHOR = lazy(
    rf"\b(?:(?P<at>at|on)\s)?(?:"
    rf"(?:the\s)?(?:(?P<half>half[\s-]?)?hour|top\sof\sthe\shour)(?P<sure>)"
    rf"|(?:(?:a\s)?(?P<q>half|quarter)|(?P<n>\d{{1,2}}|{NUM_WORD})(?:\s(?:minutes?|mins?))?)"
    rf"\s{_REL}(?:\s(?P<hour>{_HOUR}))?{_NO_HOUR}"
    rf"|(?:xx)?:(?P<mm>\d\d)(?P<colon>)\b"
    rf"|(?:the\s)?(?P<ord>\d{{1,2}})(?:st|nd|rd|th)\sminute(?:\s(?:of|past)\s{_HOUR})?(?P<sure2>)"
    rf"|minute\s(?P<min>\d{{1,2}})(?:\s(?:of|past)\s{_HOUR})?(?P<sure3>)"
    r")")
_TRIGGERS = ("hour", "past", "after", "to", "before", "till", "til", ":", "minute")


def _minute(match: re.Match[str], text: str) -> int | None:
    """The anchor's minute, or None when the words are no anchor here."""
    at = match.group("at")
    if match.group("sure") is not None:
        # "on the hour", "on the half hour", "at the top of the hour"; a bare "hour" is no anchor
        if at is None or (match.group(0).endswith(" hour") and "the" not in match.group(0)):
            return None
        return 30 if match.group("half") else 0
    if match.group("colon") is not None:
        return int(match.group("mm")) if at == "at" else None
    if match.group("sure2") is not None or match.group("sure3") is not None:
        return int(match.group("ord") or match.group("min"))
    rel = match.group("rel")
    # "at 10 past", "10 minutes past the hour", "15 past" right before the consumed "every hour"
    if at != "at" and not match.group("hour") and \
            not text.startswith(BLANK, match.end() + 1):
        return None
    if match.group("q"):
        amount = 30 if match.group("q") == "half" else 15
        if amount == 30 and rel not in ("past", "after"):
            return None
    else:
        amount = cardinal(match.group("n")) or 0
        if not 0 < amount < 60:
            return None
    return amount if rel in ("past", "after") else 60 - amount


_OWN_HOUR = lazy(r"\b(?:each|every)\shour\b")


def find_anchor(scan: Scan, found: Found) -> None:
    """Put the first minute anchor found into the HOURLY `found.rule`; with no rule yet, an
    anchor that says its own hour ("at the 15th minute of every hour") makes one."""
    text = scan.text
    if not any(word in text for word in _TRIGGERS):
        return
    for match in _ANCHOR.finditer(text):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        minute = _minute(match, text)
        if minute is None or not 0 <= minute < 60:
            continue
        rule = found.rule
        if rule is None:
            if not _OWN_HOUR.search(match.group(0)):
                continue
            found.rule = rule = {"FREQ": "HOURLY"}
        if "BYMINUTE" in rule and rule["BYMINUTE"] != str(minute):
            return
        rule["BYMINUTE"] = str(minute)
        found.window_start = (_first_hour(found, int(rule.get("INTERVAL", "1")), minute), minute)
        scan.consume(start, end)
        return


def _first_hour(found: Found, interval: int, minute: int) -> int:
    """The hour today whose elapsed-time grid of `interval` hours holds the next `minute` after
    now (a DST change earlier today may move that fire by an hour; the minute stays)."""
    now = found.now
    hours = now.hour + (now.minute >= minute)  # the next such minute: this hour's or the next's
    return hours % interval
