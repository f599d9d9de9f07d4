"""The offline extractor: a deterministic, regex-and-lexicon grammar for one-line reminders.

`RulesExtractor().extract(text, now=..., tz=...)` reads the text in passes, each consuming the words
it understood (see `scan`): an explicit zone, recurrence phrases, clock times, calendar days, bare
hours ("at 9"), daypart words, relative offsets, "now", and recurrence bounds. What is left is the
title. `assemble` turns the pieces into a `Schedule`; `taskd.resolve` does the calendar arithmetic.

Nothing here imports dateparser: measured on the eval sentences it adds nothing the grammar
misses while costing tens of milliseconds a sentence and finding dates in words like "me".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from taskd.draft import Draft, trusted_draft
from taskd.errors import BadInput, TaskdError
from taskd.extract.rules import (
    assemble,
    bare_hours,
    bounds,
    dates,
    daypart_words,
    days,
    doubt,
    ranges,
    recurring,
    relative,
    times,
    wording,
    zones,
)
from taskd.extract.rules.scan import Found, Scan
from taskd.resolve.zones import get_zone

if TYPE_CHECKING:
    from taskd.resolve.dayparts import TimePref

__all__ = ["RulesExtractor", "day_first_from_locale"]

# Territories that write numeric dates month first.
_MONTH_FIRST = {"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "VI", "UM", "BZ", "CA"}


def day_first_from_locale(environ: Mapping[str, str] | None = None) -> bool:
    """Day-first numeric dates unless the locale's territory writes month first (en_US, C)."""
    env = os.environ if environ is None else environ
    value = env.get("LC_ALL") or env.get("LC_TIME") or env.get("LANG") or ""
    base = value.split(".")[0]
    if "_" not in base:
        return False
    return base.split("_")[1].upper()[:2] not in _MONTH_FIRST


# A title can only hold doubt evidence (see `doubt`) with a digit or one of these words.
_DOUBT_WORDS = frozenset({"second", "seconds", "sec", "secs", "minute", "minutes", "min", "mins",
                          "hour", "hours", "hr", "hrs", "day", "days", "week", "weeks", "wk", "wks",
                          "month", "months", "year", "years", "yr", "yrs", "fortnight", "fortnights",
                          "until", "till", "untill", "yesterday", "tomorrow", "tonight", "clock",
                          "pm", "ago", "sat", "sun"})


class RulesExtractor:
    """Offline extraction. `day_first` reads 05/04 as 5 April; default from the locale."""

    name = "rules"

    def __init__(self, day_first: bool | None = None) -> None:
        self.day_first = day_first_from_locale() if day_first is None else day_first

    def extract(self, text: str, *, now: datetime, tz: str,
                prefs: Mapping[str, TimePref] | None = None) -> Draft:
        if now.tzinfo is None:
            raise BadInput("extract() needs an aware `now`")
        # The grammar runs here, not in a helper this wraps: one Python call less per sentence,
        # and the `try` costs nothing until something raises.
        try:
            scan = Scan(text)
            # The naive local wall clock: combine() costs a fifth of replace(tzinfo=None) on 3.11.
            aware = now.astimezone(get_zone(tz))
            today = aware.date()
            found = Found(datetime.combine(today, aware.time()), today)
            zones.find_zone(scan, found, text)
            if found.tz:
                aware = now.astimezone(get_zone(found.tz))
                found.today = today = aware.date()
                found.now = datetime.combine(today, aware.time())
            days.find_weekday_days(scan, found)
            recurring.find_recurrence(scan, found)
            # Before times, dates and bare hours, which would read its ends one by one.
            ranges.find_clock_ranges(scan, found)
            # Before times and dates: "in 1.5 hours" is no date 1.5, "in 1h30" no clock time.
            relative.find_offsets(scan, found)
            times.find_explicit_times(scan, found)
            days.find_weekday_dates(scan, found)
            dates.find_dates(scan, found, self.day_first)
            days.find_late_days(scan, found)
            bare_hours.find_bare_times(scan, found)
            daypart_words.find_dayparts(scan, found)
            bounds.find_until_year(scan, found)
            bounds.find_past_day(scan, found)
            recurring.find_bounds(scan, found)
            relative.find_offset_from_time(scan, found)
            relative.find_now(scan, found)
            relative.find_bare_duration(scan, found)
            recurring.apply_exceptions(found)
            schedule = assemble.build_schedule(found, prefs) if found.question is None and \
                found.clock_range is None else None
            words = wording.plain_words(scan.text)
            kind = wording.kind_of(words, scan.original, scan.words)
            message = wording.capitalize(wording.recase(words, text))[:4000] if words else None
            title = wording.shorten(message) if message else None
            # Time words left in the title: the phrase was read in part or not at all. Ask, naming
            # them, rather than schedule what may be a wrong time; the title keeps them, so that
            # the hybrid sees which words of the model's time phrase the rules missed.
            unread = (doubt.unread(words) or doubt.unit_after_gap(scan.text)) if words and (
                scan.has_digit or not scan.words.isdisjoint(_DOUBT_WORDS)) else None
            if unread is not None:
                schedule = None
            if found.clock_range is not None and found.question is None:
                found.question = wording.range_question(found.clock_range, title, kind)
            two = assemble.two_times(found) if schedule is not None else None
            if two is not None:
                # One line, two times, one task: never drop one of them without a word.
                return trusted_draft(title, kind, message, None, found.tz, two, [])
            # No task words ("every Friday at 6pm"): the draft says so with a null title; showing a
            # placeholder is the CLI's business, and `edit` then keeps the task's own title.
            question = None if schedule is not None else found.question or wording.question_for(
                doubt.without(title, unread) if unread and title else title, kind, unread)
            return trusted_draft(title, kind, message, schedule, found.tz, question,
                                 list(dict.fromkeys(found.assumptions)) if found.assumptions else [])
        except TaskdError:
            raise
        except (ValueError, OverflowError, KeyError, IndexError) as exc:
            raise BadInput(f"could not read the date or time in {text[:60]!r}") from exc
