"""One text in one known language -> a Draft: the pieces, dateparser for dates, the rest a title.

dateparser is told the one language (auto-detection measured 46 ms a sentence) and reads what is
left once the small recognisers have taken clock times, day words, weekdays, dayparts, offsets and
recurrence: dates with month names or numbers ("el 24 de diciembre", "am 24. Dezember") and the
relative phrases the tables do not know. It runs on the naive local wall clock; the resolver
places the result in the zone, so DST rules are the resolver's, as for English.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from dateutil.relativedelta import relativedelta

from taskd.draft import Draft, Schedule
from taskd.errors import BadInput
from taskd.extract.foreign import pieces
from taskd.extract.foreign.languages import LANGUAGES, Language
from taskd.resolve.zones import get_zone, wall

_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = " ,.;:!?-–"
_PM_DAYPARTS = ("afternoon", "evening", "tonight")


def _dateparser_date(lang: Language, words: pieces.Words, base: datetime,
                     tz: str) -> tuple[date | None, dict[str, int] | None]:
    """A calendar date or an offset that dateparser finds in what the pieces left."""
    rest = words.rest()
    if not pieces.patterns(lang.code).time_vocabulary.search(rest):
        return None, None  # nothing date-like left: spare the 3-20 ms
    import dateparser.search

    settings: dict[str, Any] = {"RELATIVE_BASE": base, "TIMEZONE": tz,
                                "RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DATES_FROM": "future"}
    found = dateparser.search.search_dates(" ".join(rest.split()), languages=[lang.code],
                                           settings=settings) or []
    for phrase, when in found:
        span = re.search(r"\s+".join(re.escape(w) for w in phrase.lower().split()), rest)
        if span is None or not pieces.patterns(lang.code).time_vocabulary.search(span.group(0)):
            continue  # a "date" made of words that name no time
        words.take(span.start(), span.end())
        if any(unit in span.group(0) for unit in lang.units):
            delta = relativedelta(when, base)
            fields = {name: getattr(delta, name) for name in
                      ("years", "months", "days", "hours", "minutes", "seconds")}
            if any(v < 0 for v in fields.values()):
                raise BadInput("that time has passed")
            return None, {k: v for k, v in fields.items() if v}
        numbers = [int(n) for n in re.findall(r"\d+", span.group(0))]
        if numbers and when.day not in numbers:
            # dateparser read a number as something else ("el 35 de diciembre" as 2 Dec 2035):
            # leave the words unread, so the reading is a question, not a guess.
            words.untake(span.start(), span.end())
            continue
        return when.date(), None
    return None, None


def _title(text: str, words: pieces.Words, lang: Language) -> str | None:
    kept = "".join(c if not t else " " for c, t in zip(text, words.taken, strict=True))
    kept = _SPACE.sub(" ", kept).strip(_EDGE_PUNCT)
    low = kept.lower()
    for filler in sorted(lang.fillers, key=len, reverse=True):
        end = "" if filler.endswith("'") else r"(?![\w’-])"
        for match in re.finditer(rf"(?<![\w'’-]){re.escape(filler)}{end}", low):
            kept = kept[:match.start()] + " " * (match.end() - match.start()) + kept[match.end():]
        low = kept.lower()
    tokens = kept.split()
    while tokens and tokens[0].lower().strip(_EDGE_PUNCT) in lang.glue | {""}:
        tokens.pop(0)
    while tokens and tokens[-1].lower().strip(_EDGE_PUNCT) in lang.glue | {""}:
        tokens.pop()
    title = " ".join(tokens).strip(_EDGE_PUNCT)
    title = re.sub(r"\s+([,.;:])", r"\1", title)
    return (title[:1].upper() + title[1:])[:200] if title else None


def read(text: str, code: str, *, now: datetime, tz: str) -> Draft | None:
    """The reading of `text` in language `code`; None when it names no time at all."""
    lang = LANGUAGES[code]
    low = text.lower()
    if len(low) != len(text):
        return None  # a lower-casing that changes lengths would misplace every span
    words = pieces.Words(low)
    local = wall(now, get_zone(tz)).replace(second=0, microsecond=0, tzinfo=None)
    today = local.date()
    try:
        rule = pieces.recurrence(lang, words)
        offset = pieces.relative(lang, words)
        clock = pieces.clock_time(lang, words)
        part = pieces.daypart(lang, words)
        days = pieces.day_offset(lang, words)
        day_of_week = pieces.weekday(lang, words)
        found_date, found_offset = _dateparser_date(lang, words, local, tz)
    except pieces.NoSuchTime as exc:
        raise BadInput(str(exc)) from None
    offset = offset or found_offset
    title = _title(text, words, lang)
    notes = [f"read as {lang.name}"]
    left = pieces.leftover_time_words(lang, words)
    when_words = [rule, offset, clock, part, days, day_of_week, found_date]
    if all(w is None for w in when_words):
        return None
    daypart = part[0] if part else None
    if clock and daypart in _PM_DAYPARTS and 1 <= int(clock[:2]) < 12:
        clock = f"{int(clock[:2]) + 12:02d}{clock[2:]}"  # "heute Abend um 8 Uhr" is 20:00
    if part and part[1] and days is None:
        days = 0
    day: date | None = None
    if days is not None:
        day = date.fromordinal(today.toordinal() + days)
    if day_of_week is not None:
        clock_at = time.fromisoformat(clock) if clock else None
        later = clock_at is not None and clock_at > local.time()
        weekday_day = pieces.next_weekday(today, day_of_week, later)
        if day is not None and day != weekday_day:
            left.append("two different days")
        day = weekday_day
    if found_date is not None:
        if day is not None and day != found_date:
            left.append("two different days")
        day = found_date
    if left or (offset and (rule or clock or day or part)):
        said = ", ".join(dict.fromkeys(left)) or "the time"
        return Draft(title=title, kind="reminder", message=title, schedule=None,
                     question=f"I did not understand all of the time ({said}); when should it be?",
                     assumptions=notes)
    source = "explicit" if clock or offset else ("daypart" if daypart else "default")
    schedule = Schedule(date=day.isoformat() if day and not offset else None, time=clock,
                        offset=offset, rrule=rule, daypart=daypart, time_source=source)
    return Draft(title=title, kind="reminder", message=title, schedule=schedule, question=None,
                 assumptions=notes)
