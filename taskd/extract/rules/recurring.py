"""Recurrence phrases -> RRULE parts (RFC 5545), merged into `Found.rule`.

- "every day", "daily", "each two days", "every other week", "every 3 months", "every 2 hours",
  "every 30 minutes", "weekly", "monthly", "quarterly" (MONTHLY;INTERVAL=3), "semiannually"
  (MONTHLY;INTERVAL=6), "annually", "biweekly"/"fortnightly" (WEEKLY;INTERVAL=2).
- weekdays: "every Monday", "on Mondays", "Tuesdays and Thursdays", "every weekday"
  (BYDAY=MO,TU,WE,TH,FR), "weekends" (BYDAY=SA,SU), "every weekday except Friday".
- month days: "on the 15th of every month" (BYMONTHDAY=15), "on the 1st and 15th of each month",
  "the last day of the month" (BYMONTHDAY=-1), "first Monday of the month" (BYDAY=1MO),
  "every 2nd and 4th Tuesday" (BYDAY=2TU,4TU), "last weekday of the month"
  (BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1), "first business day of every quarter"
  (BYMONTH=1,4,7,10 with BYSETPOS=1).
- "every year on June 14", "every Dec 25" (YEARLY;BYMONTH=6;BYMONTHDAY=14).
- "once a day", "twice a day" (09:00 and 21:00 unless times are given), "three times a day"
  (08:00, 14:00, 20:00), "twice a week" (Monday and Thursday), "three times a week" (Mon/Wed/Fri).
- "every hour between 9 and 5": the window is ranges.py's.
Bounds: "for 5 times"/", 3 times" -> COUNT; "for 4 weeks" -> COUNT when the unit is the rule's
own, else UNTIL; "for the next 30 days" -> UNTIL; "until <date>" -> UNTIL (see `assemble`).
"""

from __future__ import annotations

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules import minute_anchors, recur_days, recur_every
from taskd.extract.rules.amounts import DURATION
from taskd.extract.rules.amounts import parse as parse_duration
from taskd.extract.rules.lexicon import (
    MONTH_WORDS,
    NUM,
    ORDINAL_TOKENS,
    WEEKDAY_NAMES,
    WEEKDAY_WORDS,
    WEEKDAYS,
    cardinal,
)
from taskd.extract.rules.scan import Found, Scan

_COUNT = lazy(rf"(?:,\s?|\b)(?:for\s)?(?P<n>{NUM})\s(?:times|occurrences|sessions)\b(?!\s(?:a|per)\s)")
_FOR_SPAN = lazy(
    rf"\bfor\s(?:the\s)?(?P<next>next\s|following\s)?(?P<d>{DURATION})(?![\w])")


_EVERY_WORDS = frozenset({"every", "each", "any", "all"})
# The words a _WEEKDAYS match can open with; with their prefixes, because Scan.finditer (which
# this replaces) also tried the places where a prefix such as "sund" is written.
_WEEKDAYS_OPENERS = _EVERY_WORDS | {"on"} | set(WEEKDAY_NAMES) | {f"{name}s" for name in WEEKDAY_NAMES}
_WEEKDAYS_LEADS = frozenset(
    word[:n] for word in _WEEKDAYS_OPENERS for n in range(1, len(word) + 1)
    if word[:n].startswith(("every", "each", "any", "all", "on", "mon", "tue", "wed", "thu", "fri", "sat",
                            "sun")))
# The words a _FREQ_WORD match can open with ("bi" of "bi-weekly", "week" of "week days").
_FREQ_LEADS = frozenset({"on", "every", "each", "daily", "nightly", "weekly", "bi", "biweekly",
                         "fortnightly", "monthly", "bimonthly", "quarterly", "semiannually", "semiannual",
                         "biannually", "yearly", "annually", "annual", "hourly", "week", "weekdays",
                         "weekends"})
_UNIT_WORDS = frozenset({"minute", "min", "hour", "hr", "day", "night", "week", "fortnight",
                         "month", "year", "quarter", "weekday", "business", "working", "work",
                         "workday", "weekend"})
_UNIT_TRIGGERS = _UNIT_WORDS | frozenset(w + "s" for w in _UNIT_WORDS)
_PER_WORDS = frozenset({"once", "one", "twice", "thrice", "times"})
_PER_UNIT_WORDS = frozenset(recur_every.PER_FREQ) | frozenset(recur_every.PER_UNITS)
_FREQ_WORDS = frozenset(recur_every.WORDS) | {"biweekly", "bimonthly"}
_NTH_WORDS = frozenset({"month", "quarter", "every", "each"}) | MONTH_WORDS
_NTH_WHAT = WEEKDAY_WORDS | {"weekday", "day"}  # what _NTH counts: a weekday, a (business) day
_ORDINALS = ORDINAL_TOKENS | {"last"}
_PLURAL_DAYPARTS = frozenset({"mornings", "afternoons", "evenings", "nights"})
_EXCEPT_WORDS = frozenset({"except", "but", "excluding", "other", "apart"})  # one opens every _EXCEPT


_PLURAL_WEEKDAYS = frozenset(f"{name}s" for name in WEEKDAYS)
# A sentence without one of these words has no recurrence phrase.
_TRIGGERS = _EVERY_WORDS | _ORDINALS | WEEKDAY_WORDS | _PER_WORDS | _FREQ_WORDS | {"week"}
# Every word the checks below ask about: the sentence's words are narrowed to these once, so that
# each check looks through a few words instead of the whole sentence.
_ASKED = _TRIGGERS | MONTH_WORDS | _UNIT_TRIGGERS | _NTH_WORDS | _NTH_WHAT | _PLURAL_DAYPARTS | \
    _PER_UNIT_WORDS | _EXCEPT_WORDS | _WEEKDAYS_LEADS | _FREQ_LEADS | \
    {"month", "days", "ends", "quarter"}


def find_recurrence(scan: Scan, found: Found) -> None:
    words = scan.words & _ASKED
    if words.isdisjoint(_TRIGGERS):
        return
    skipped = recur_days.take_exceptions(scan) if not words.isdisjoint(_EXCEPT_WORDS) else None
    every_words = words & _EVERY_WORDS
    if every_words:
        if not words.isdisjoint(MONTH_WORDS):
            recur_days.every_date(scan, found)
        if scan.has_digit and not every_words.isdisjoint(("every", "each")):
            recur_every.every_duration(scan, found)
        if not words.isdisjoint(_UNIT_TRIGGERS):
            recur_every.every_unit(scan, found, every_words)
    if not words.isdisjoint(_ORDINALS):
        if not words.isdisjoint(_NTH_WORDS) and not words.isdisjoint(_NTH_WHAT):
            recur_days.nth(scan, found)
        if "month" in words:
            recur_days.monthdays(scan, found)
    weekdays = words & WEEKDAY_WORDS
    # A weekday recurs only as "every Monday", "Mondays", "Tuesdays and Thursdays", "Monday
    # mornings": one singular weekday word and nothing else is a date (dates.py).
    if weekdays and (every_words or len(weekdays) > 1 or not weekdays.isdisjoint(_PLURAL_WEEKDAYS)
                     or not words.isdisjoint(_PLURAL_DAYPARTS)):
        recur_days.weekdays(scan, found, words & _WEEKDAYS_LEADS)
    if not words.isdisjoint(_PER_WORDS) and not words.isdisjoint(_PER_UNIT_WORDS):
        recur_every.per(scan, found)
    if not words.isdisjoint(_FREQ_WORDS) or ("week" in words and ("days" in words or "ends" in words)) \
            or (every_words and "quarter" in words):
        # Scan.words (which `words` narrows) holds every word a match can open with: the pattern
        # opens at a word boundary, and nothing consumed so far started or ended inside a word.
        recur_every.freq_words(scan, found, words & _FREQ_LEADS)
    found.skipped = skipped  # applied once every recognizer ran ("every morning" is a daypart's)
    rule = found.rule
    if rule["FREQ"] == "HOURLY" if rule is not None else "hour" in words:
        minute_anchors.find_anchor(scan, found)  # before the window (taskd.extract.rules.ranges)


def apply_exceptions(found: Found) -> None:
    """"except weekends", "but not Friday": the days taken out of the rule, or a question."""
    if found.skipped is None:
        return
    if found.rule is None:
        found.question = f"I did not understand “{found.skipped[1]}”: when should it be?"
    else:
        recur_days.except_days(found, found.rule, *found.skipped)


def find_bounds(scan: Scan, found: Found) -> None:
    """COUNT and 'for N days' spans; only meaningful once a rule exists."""
    if found.rule is None:
        return
    text = scan.text
    # Each pattern needs one of these words; checked first because both are slow to run.
    if "times" in text or "occurrences" in text or "sessions" in text:
        for match in _COUNT.finditer(text):
            if scan.free(*match.span()):
                n = cardinal(match.group(1))
                if n and n > 0:
                    found.count = n
                    scan.consume(*match.span())
    text = scan.text
    if "for" in text:
        for match in _FOR_SPAN.finditer(text):
            if scan.free(*match.span()):
                fields = parse_duration(match.group("d"))
                if fields is None or len(fields) != 1:
                    continue
                field, amount = next(iter(fields.items()))
                if field in ("days", "weeks", "months", "years"):
                    found.span = (field[:-1], amount, match.group("next") is not None)
                    scan.consume(*match.span())
