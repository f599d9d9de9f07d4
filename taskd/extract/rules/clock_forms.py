"""Clock-time forms beyond the common atoms of `times`, and times that do not exist.

- 24-hour with h: "16h00", "13h30", "19h" (not "in 1h30", "for 2h": those are durations).
- Military after "at"/"around": "at 1030", "at 730 in the evening" (7:30, settled by the daypart).
- British "half three": 3:30, either half of the day, whichever comes next.
- A time that cannot be ("at 25:00", "at 13pm", "9:75") is an error naming it: a default time
  with the number left in the title would be a silently wrong reminder.
- Which half of the day an open hour means once the day is known (`later_reading`): "call mom at
  7 today" said at 10:00 is 19:00, and "half three" said at 10:00 is 15:30.
"""

from __future__ import annotations

from datetime import date, time

from taskd.errors import BadInput
from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules.lexicon import NOUN_AFTER, NUM_WORD, cardinal
from taskd.extract.rules.scan import BLANK, Found, Scan, TimeHit

# Words after which a number with h is a duration, never a clock time ("in 1h30", "for 19h").
_DURATION_LEADS = frozenset({"in", "for", "within", "every", "each", "after", "another", "than",
                             "over", "next", "takes", "take", "lasts", "last", "+", "and", "or",
                             "about", "almost", "nearly", "under", "least", "extra"})
_DURATION_TAILS = lazy(r"\s?(?:later|from\b|ago\b|long\b|before\b|after\b|left\b|more\b|"
                             r"earlier\b|\d+\s?[a-z])")
_TIME_LEADS = frozenset({"at", "around", "by", "from", "until", "till", "before", "circa", "to",
                         "approximately", "approx", "@"})
_H_FORM = lazy(r"(?<![\w.:,/])(?P<h>\d{1,2})h(?P<m>\d\d)?(?![\w:])")
_MILITARY = lazy(
    r"(?<![\w.:,/$])(?P<hm>\d{3,4})(?:\s?(?:hrs|hours|h)\b)?(?![\w:/%\-]|[.,]\w|\s?(?:am|pm)\b|"
    r"\s(?:minutes?|mins?|days?|weeks?|months?|years?|times|people|dollars|euros)\b)")
_MILITARY_LEADS = frozenset({"at", "around", "circa", "approximately", "approx"})
_WAYS = frozenset({"after", "before", "from"})
# A clock time glued to a numeric date: "05/31/2024.14:15", "2024-05-31t14:15", "5/31/2024-2:15pm".
_GLUED_CLOCK = lazy(r"(?<=\d)[.:\-t](?P<h>\d{1,2}):(?P<m>\d\d)(?::(?P<s>\d\d))?(?![\d:])"
                          r"(?:\s?(?P<ap>am|pm)\b)?")
_DATE_BEFORE = lazy(r"(?<![\d/.\-])(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})$")
_HALF_HOUR = lazy(
    rf"\bhalf\s(?P<h>\d{{1,2}}|{NUM_WORD})(?![\w:]|\.\w)(?!\s(?:hours?|hrs?|weeks?|months?|"
    r"years?|minutes?|mins?|of|dozen|past|after|times)\b)(?P<to>\s(?:to|day|an?)\b)?")


# "two hours after 19h30", "90 minutes before 0730": after a duration and after/before, a time.
_AFTER_DURATION = lazy(r"(?:hours?|hrs?|\dh|minutes?|mins?|\dm)\s(?:after|before|from)\s$")


def _after_duration(text: str, start: int) -> bool:
    return _AFTER_DURATION.search(text, max(0, start - 16), start) is not None


def _word_before(text: str, start: int) -> str:
    head = text[:start].rstrip(" ,")
    space = head.rfind(" ")
    return head[space + 1:]


def _leads_time(text: str, start: int) -> bool:
    return _word_before(text, start) in _TIME_LEADS


def no_such_time(text: str, start: int, shown: str, explicit: bool) -> None:
    """Raise for a time that does not exist when the words say it is a time: a preposition of
    time before it, or am/pm after it (`explicit`)."""
    if explicit or _leads_time(text, start):
        raise BadInput(f"there is no {shown}")


def _take(scan: Scan, found: Found, start: int, end: int, hit: TimeHit) -> None:
    text = scan.text
    if text.endswith((" the ", " a ", " an ", " my ", " our "), 0, start) and NOUN_AFTER.match(text, end):
        return  # "catch the 13h30 train": the task's words
    word = _word_before(text, start)
    if word in _TIME_LEADS and text[:start].rstrip(" ").endswith(word):
        start = text.rfind(word, 0, start)
    hit.start = start
    found.times.append(hit)
    scan.consume(start, end)


def _h_forms(scan: Scan, found: Found) -> None:
    for match in list(_H_FORM.finditer(scan.text)):
        start, end = match.span()
        text = scan.text
        if BLANK in text[start:end] or (_word_before(text, start) in _DURATION_LEADS and not
                                        _after_duration(text, start)) or \
                (_DURATION_TAILS.match(text, end) and not _leads_time(text, start)):
            continue  # "1h30 later" is a duration, "at 20h30 28 december" a time
        hour, minute = int(match.group("h")), int(match.group("m") or 0)
        if match.group("m") is None and not ((_leads_time(text, start) and hour < 24) or 13 <= hour <= 23):
            continue  # "3h", "24h" with nothing saying it is a time are more likely amounts of hours
        if hour > 24 or minute > 59 or (hour == 24 and minute):
            no_such_time(text, start, match.group(), match.group("m") is not None)
            continue
        if hour == 24:
            found.midnight = True
            hour = 0
        _take(scan, found, start, end, TimeHit(hour, minute))


def _military(scan: Scan, found: Found) -> None:
    for match in list(_MILITARY.finditer(scan.text)):
        start, end = match.span()
        text = scan.text
        if BLANK in text[start:end] or (_word_before(text, start) not in _MILITARY_LEADS and
                                        not _after_duration(text, start)):
            continue
        digits = match.group("hm")
        hour, minute = int(digits[:-2]), int(digits[-2:])
        if hour > 23 or minute > 59:
            raise BadInput(f"there is no {digits[:-2]}:{digits[-2:]}")
        _take(scan, found, start, end, TimeHit(hour, minute, 0, 1 <= hour <= 12))


def _half_hours(scan: Scan, found: Found) -> None:
    for match in list(_HALF_HOUR.finditer(scan.text)):
        start, end = match.span()
        if BLANK in scan.text[start:end]:
            continue
        hour = cardinal(match.group("h"))
        if hour is None or not 1 <= hour <= 12:
            continue
        if match.group("to"):  # "half 8 to 9" is no time; "at half eight to review it" is 8:30,
            # and "at half seven day after tomorrow", "at half one a week from today" 1:30
            if not _leads_time(scan.text, start):
                continue
            end = match.start("to")
        hit = TimeHit(hour % 12, 30, 0, True)
        hit.nearest = True
        _take(scan, found, start, end, hit)


def find_glued_clock(scan: Scan, found: Found) -> None:
    """Before the common atoms, which would leave the separator ("t") in the title."""
    for match in list(_GLUED_CLOCK.finditer(scan.text)):
        start, end = match.span()
        text = scan.text
        if BLANK in text[start:end] or _DATE_BEFORE.search(text, 0, start) is None:
            continue
        hour, minute, ap = int(match.group("h")), int(match.group("m")), match.group("ap")
        second = int(match.group("s") or 0)
        if ap:
            if not 1 <= hour <= 12:
                raise BadInput(f"there is no {hour}{ap}")
            hour = (hour % 12) + (12 if ap == "pm" else 0)
        if hour > 23 or minute > 59 or second > 59:
            raise BadInput(f"there is no {match.group('h')}:{match.group('m')}")
        hit = TimeHit(hour, minute, second)
        hit.start = start
        found.times.append(hit)
        scan.consume(start, end)  # the date before it stays for the day recognizers


def find_clock_forms(scan: Scan, found: Found) -> None:
    """Run after the common atoms (`times.find_explicit_times`), on what they left."""
    if not scan.has_digit and "half" not in scan.words:
        return
    if scan.has_digit:
        if "h" in scan.words or "h" in scan.text:
            _h_forms(scan, found)
        if scan.longest_number >= 3 and not scan.words.isdisjoint(_MILITARY_LEADS | _WAYS):
            _military(scan, found)
    if "half" in scan.words:
        _half_hours(scan, found)


def later_reading(found: Found, day: date | None, nearest: bool, hour: int, minute: int) -> int:
    """The hour an open time (no am/pm) means once the day is known: on today, when its morning
    reading has passed and its evening one has not, the evening one ("call mom at 7 today" at
    10:00 is 19:00; "half three" at 10:00 is 15:30). On another day "half three" is read as a
    bare hour is: 1-6 in the afternoon."""
    if hour >= 12:
        return hour
    if day is not None and day != found.today:
        return hour + 12 if nearest and 1 <= hour <= 6 else hour
    now = found.now.time()
    if time(hour, minute) <= now < time(hour + 12, minute):
        found.assumptions.append(f"{hour}:{minute:02d} has passed today: {hour + 12}:{minute:02d}")
        return hour + 12
    return hour
