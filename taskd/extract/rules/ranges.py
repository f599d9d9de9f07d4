"""Clock-time ranges: one construction, read once.

"from 9 to 5", "from 9am till 5pm", "between 2 and 4pm", "9-5", "9am–5pm", "9:30 to 17:00",
"from noon until 2", "from 9 in the morning to 5 in the afternoon": two clock times (any atom of
`times`, or a bare hour) joined by a range word. It runs right after the recurrence phrases, so
that it knows whether an interval runs inside it, and before the clock, date and bare-hour
passes, which would read its ends as two times, "9-5" as a date, or "to 5" alone and leave the
rest in the title.

- With a sub-daily interval ("every hour", "every 30 minutes", "hourly") the range is the window
  the interval runs in: the fires are the interval's steps from the range's start to its end.
- Otherwise one reminder "between 2 and 4pm" is ambiguous (at the start? the end? throughout?):
  the extractor asks, naming the range (`Found.clock_range`). Never both ends, never one silently.

"9-5" with two bare numbers is also a numeric date: it is a range only when a day or a
recurrence is said elsewhere ("every weekday 9-5", "tomorrow 9-5") and no "on"/"the" leads it.
"""

from __future__ import annotations

import copy
from datetime import date

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules import minute_steps, times
from taskd.extract.rules.lexicon import MONTH_WORDS, NUM_WORD, WEEKDAY_NAMES, WEEKDAY_WORDS, cardinal
from taskd.extract.rules.scan import BLANK, Found, Scan, TimeHit

# Where a range can open: a range word, or the first end itself (a digit, an hour word, noon).
_START = lazy(rf"\b(?:(?P<op>from|between)\s)?(?=\d|(?:noon|midday|midnight|{NUM_WORD})\b)")
# The words joining the ends; "and" only after "between" ("at 9 and 21" is a list of times).
_SEP = lazy(r"\s?-\s?|\s(?P<w>to|till|until|through|and)\s")
# A bare hour as an end ("9" of "9-5"), which `times.BARE` refuses before a dash.
_HOUR = lazy(rf"(?<![\w$:./\-])(?P<h>\d{{1,2}}|{NUM_WORD})(?:[.:](?P<m>\d\d))?(?:\so'clock)?"
                   r"(?![\w:/%]|[./]\d)")
# After an end, what makes its number a count, a duration or a date, not an hour.
_NOT_AN_HOUR = lazy(
    r"\s?(?:st|nd|rd|th|minutes?|mins?|hours?|hrs?|h|days?|weeks?|months?|years?|times|people|"
    r"persons|of|percent|x|" + "|".join(sorted(MONTH_WORDS)) + r")\b")
_DAYPART = lazy(r"\s(?:in\sthe\s(?P<am>morning)|in\sthe\s(?:afternoon|evening)|at\snight)\b")
# Words before a single time: "at 10 to 5" is 16:50, "by 9-5" is no range.
_SINGLE_TIME = frozenset({"at", "around", "about", "by", "before", "after", "circa", "approx",
                          "approximately", "on", "the", "of", "until", "till", "to"})
_DAY_WORDS = WEEKDAY_WORDS | {"today", "tomorrow", "tonight", "weekday", "weekdays", "weekend",
                              "weekends"}
_SUB_DAILY = ("HOURLY", "MINUTELY")
_TRIGGERS = frozenset({"to", "till", "until", "through", "between"})
_GLUED = frozenset("-/.:$")  # before a number that goes on from another one
_DATE_GOES_ON = lazy(r"[-/.]\d")
# "quarter to 5" is 4:45, never a range
_MINUTE_IDIOMS = frozenset({"quarter", "a quarter", "half", "three quarters"})


def find_clock_ranges(scan: Scan, found: Found) -> None:
    """Read every clock range; the first settles the window or the question."""
    text = scan.text
    if not (scan.has_digit or "noon" in scan.words or "midday" in scan.words or
            "midnight" in scan.words) or ("-" not in text and scan.words.isdisjoint(_TRIGGERS)):
        return
    for start in _START.finditer(text):
        if start.group("op") is None and (text[start.start() - 1:start.start()] in _GLUED or
                                          _word_before(text, start.start()) in _SINGLE_TIME):
            continue  # "2027-08-07" holds no range, "at 10 to 5" is 16:50
        got = _range_at(scan, found, start.end(), start.group("op"))
        if got is None or not scan.free(start.start(), got[2]):
            continue
        low, high, end, date_like = got
        if date_like and not _day_said(scan, found, start.start(), low, high):
            continue  # "call bob 9-5": a date, as it always was
        scan.consume(start.start(), end)
        _settle(found, low, high, start.group("op") or "from")
        return


def _word_before(text: str, at: int) -> str:
    return text[:at].rstrip().rpartition(" ")[2]


def _day_said(scan: Scan, found: Found, at: int, low: TimeHit, high: TimeHit) -> bool:
    """Whether a day or a recurrence is named, so that two bare numbers are hours, not a date.
    "Friday 7-6" said in a year where 6 July (or 7 June) is a Friday names that date."""
    before = _word_before(scan.text, at)
    if before in WEEKDAY_NAMES and _falls_on(low.hour, high.hour, WEEKDAY_NAMES[before], found.today):
        return False
    return before not in _SINGLE_TIME and (
        found.rule is not None or bool(found.dates) or not scan.words.isdisjoint(_DAY_WORDS))


def _falls_on(a: int, b: int, weekday: int, today: date) -> bool:
    for year in (today.year, today.year + 1):
        for month, day in ((a, b), (b, a)):
            try:
                when = date(year, month, day)
            except ValueError:
                continue
            if when >= today and when.weekday() == weekday:
                return True
    return False


def _range_at(scan: Scan, found: Found, pos: int,
              opener: str | None) -> tuple[TimeHit, TimeHit, int, bool] | None:
    """(start, end, where the range ends, whether it may be a numeric date: "9-5")."""
    first = _end_at(scan, found, pos, opener is not None)
    if first is None:
        return None
    sep = _SEP.match(scan.text, first[1])
    if sep is None or (sep.group("w") == "and" and opener != "between"):
        return None
    second = _end_at(scan, found, sep.end(), True, sep.group("w") is None)
    if second is None or _DATE_GOES_ON.match(scan.text, second[1]):
        return None  # "9-5-2027", "9-5/6": a date
    date_like = opener is None and sep.group("w") is None and not (first[2] or second[2])
    return first[0], second[0], second[1], date_like


def _end_at(scan: Scan, found: Found, pos: int, led: bool,
            after_dash: bool = False) -> tuple[TimeHit, int, bool] | None:
    """One end: (its time, where it ends, whether it is more than a bare hour). `led`: a range
    word or the first end comes before it."""
    text = scan.text
    if BLANK in text[pos:pos + 2]:
        return None
    view = scan
    if after_dash and text[pos - 1] == "-":  # the atoms refuse a digit after a dash (dates)
        view = copy.copy(scan)
        view.text = text = text[:pos - 1] + " " + text[pos:]
    spoken = times.MINUTES_PAST_OR_TO.match(text, pos)
    # "ten to five" is 4:50 unless a range word leads it; "10 to 5" is a range either way
    words = spoken is None or spoken.group("mins") in _MINUTE_IDIOMS or spoken.group("dir") not in (
        "to", "till") or (not led and not spoken.group("mins")[0].isdecimal())
    midnight = found.midnight, found.midnight_word  # an end at midnight is no day change
    got = times.atom_at(view, found, pos, words)
    found.midnight, found.midnight_word = midnight
    # Digits alone ("9" of "9-5") may be a numeric date's; "9pm", "9:30", "9 o'clock" may not.
    strong = got is not None and not text[pos:got[1]].isdecimal()
    if got is None or (got[0].bare_hour and text[got[1]:got[1] + 1] == "-"):
        bare = _HOUR.match(text, pos)
        if bare is None:
            return None
        hour = cardinal(bare.group("h"))
        minute = int(bare.group("m")) if bare.group("m") else 0
        if hour is None or hour > 24 or minute > 59:
            return None
        got = TimeHit(hour % 24, minute, 0, 1 <= hour <= 12, bare.group("m") is None), bare.end()
        strong = bare.group("m") is not None and ":" in bare.group()
    hit, end = got
    if _NOT_AN_HOUR.match(text, end):
        return None
    part = _DAYPART.match(text, end)
    if part is not None and hit.ambiguous:
        if not part.group("am") and hit.hour < 12:
            hit.hour += 12
        hit.ambiguous, end, strong = False, part.end(), True
    return hit, end, strong


def _clock(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _ends(low: TimeHit, high: TimeHit) -> tuple[int, int]:
    """The range in minutes of the day, each open end in the half of the day that makes it a span
    of at most 12 hours: "2 and 4pm" is 14-16, "9 to 5" 9-17, "9am to 5" 9-17."""
    start, end = low.hour * 60 + low.minute, high.hour * 60 + high.minute
    if high.hour == 0 and high.minute == 0:
        end = 24 * 60  # "until midnight": the day's end
    if low.ambiguous and high.ambiguous and 1 <= low.hour <= 5:
        start += 12 * 60  # as a bare hour reads: "from 2 to 4" is the afternoon
    if low.ambiguous and not high.ambiguous and low.hour < 12 and start + 12 * 60 < end:
        start += 12 * 60
    if high.ambiguous and high.hour < 12 and end <= start:
        end += 12 * 60
    return start, end


def _settle(found: Found, low: TimeHit, high: TimeHit, opener: str) -> None:
    start, end = _ends(low, high)
    joint = "and" if opener == "between" else "to"
    words = f"{opener} {_clock(start)} {joint} {_clock(end)}"
    rule = found.rule
    if rule is None or rule["FREQ"] not in _SUB_DAILY or not 0 < end - start <= 24 * 60:
        found.clock_range = words
        return
    # The steps from start to end each day, in the one rule that says exactly those fires
    # (taskd.extract.rules.minute_steps), or a question when none can.
    minute_steps.set_window(found, rule, (start // 60, start % 60), (end // 60, end % 60))
