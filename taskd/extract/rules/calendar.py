"""Calendar arithmetic on local dates: weekdays, month days, holidays.

Weekday words (the week starts on Monday):
- "Friday", "on Friday", "this Friday": the next Friday, today included when the time asked for
  is still ahead today (with no time at all, the usual time, 09:00 unless learned, decides).
- "next Friday", "following Friday": the Friday of NEXT week (Monday-based). On a Thursday,
  "next Friday" is eight days away; on a Sunday, "next Monday" is tomorrow.
- "coming Friday", "upcoming Friday": the next Friday strictly after today.
- "Friday 13th", "Monday the 21st": the next date that is both.

These run for most sentences with a date, so they count days and months with integers (and
positional timedeltas) instead of calendar.monthrange and relativedelta, several times cheaper.
"""

from __future__ import annotations

from datetime import date, timedelta

from taskd.errors import BadInput
from taskd.extract.rules.lexicon import MONTHS

_MONTH_NAMES = {v: k.capitalize() for k, v in MONTHS.items()}
# Days in each month of a common year (index 0 unused); February gains one in leap years.
_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# STEPS[n] is timedelta(n), made once: adding a timedelta costs a fraction of making one.
STEPS = tuple(timedelta(n) for n in range(15))


def month_name(month: int) -> str:
    return _MONTH_NAMES[month]


def days_in(year: int, month: int) -> int:
    """calendar.monthrange(year, month)[1] for a month known to be 1-12."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month]


_DAY_ABBR = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
# " 27 Nov" for each day and month, made once ("next Friday" states its date in an assumption).
_DAY_MONTH_TEXT = {(day, month): f" {day:02d} {name[:3]}" for month, name in _MONTH_NAMES.items()
                   for day in range(1, 32)}


_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekday_name(weekday: int) -> str:
    """"Friday" for 4, the same in every locale."""
    return _WEEKDAY_NAMES[weekday]


def short_date(day: date) -> str:
    """"Fri 27 Nov", the same in every locale (strftime's %a and %b follow LC_TIME)."""
    return _DAY_ABBR[day.weekday()] + _DAY_MONTH_TEXT[day.day, day.month]


def valid(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= days_in(year, month)


def check_day(month: int, day: int, shown: str) -> None:
    """Raise BadInput for a month/day that no year has (Feb 30, April 31)."""
    if not 1 <= month <= 12 or not 1 <= day <= (29 if month == 2 else _MONTH_DAYS[month]):
        raise BadInput(f"{shown} is not a real date")


def make(year: int, month: int, day: int, shown: str) -> date:
    if not valid(year, month, day):
        raise BadInput(f"{shown} is not a real date")
    return date(year, month, day)


def next_month_day(today: date, month: int, day: int, shown: str) -> date:
    """The next (month, day) on or after today; Feb 29 waits for a leap year."""
    check_day(month, day, shown)
    first = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    if month == 2 and day == 29:
        for year in range(first, today.year + 9):
            if days_in(year, 2) == 29:
                return date(year, 2, 29)
        raise BadInput(f"{shown} is not a real date")
    return date(first, month, day)


def next_day_of_month(today: date, day: int, shown: str) -> date:
    """The next date with this day of the month, this month included."""
    if not 1 <= day <= 31:
        raise BadInput(f"{shown} is not a real day of the month")
    year, month = today.year, today.month
    if day >= today.day and (day <= 28 or day <= days_in(year, month)):
        return date(year, month, day)
    for _ in range(23):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if day <= days_in(year, month):
            return date(year, month, day)
    raise BadInput(f"{shown} is not a real day of the month")


def next_weekday(today: date, weekday: int, include_today: bool = True) -> date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and not include_today:
        ahead = 7
    return today + STEPS[ahead]


def weekday_of_next_week(today: date, weekday: int, weeks: int = 1) -> date:
    ahead = 7 * weeks + weekday - today.weekday()
    return today + (STEPS[ahead] if 0 <= ahead < 15 else timedelta(ahead))


def weekday_in_week_of(anchor: date, weekday: int) -> date:
    """The given weekday inside the Monday-based week that contains `anchor`."""
    return anchor + timedelta(weekday - anchor.weekday())


def next_weekday_and_day(today: date, weekday: int, day: int, shown: str) -> date:
    """The next date that is both this weekday and this day of the month ("Mon 13th")."""
    year, month = today.year, today.month
    for _ in range(12 * 30):
        if 1 <= day <= days_in(year, month):
            candidate = date(year, month, day)
            if candidate >= today and candidate.weekday() == weekday:
                return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise BadInput(f"{shown} never happens")


def last_day_of_month(day: date) -> date:
    return date(day.year, day.month, days_in(day.year, day.month))


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """n-th (1-based, -1 = last) weekday of a month."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = last_day_of_month(date(year, month, 1))
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def easter(year: int) -> date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month = (h + el - 7 * m + 114) // 31
    day = (h + el - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _fixed(month: int, day: int):  # type: ignore[no-untyped-def]
    return lambda year: date(year, month, day)


def _nth(month: int, weekday: int, n: int):  # type: ignore[no-untyped-def]
    return lambda year: nth_weekday(year, month, weekday, n)


HOLIDAYS = {
    "christmas eve": _fixed(12, 24),
    "christmas day": _fixed(12, 25),
    "christmas": _fixed(12, 25),
    "xmas": _fixed(12, 25),
    "boxing day": _fixed(12, 26),
    "new year's eve": _fixed(12, 31),
    "new years eve": _fixed(12, 31),
    "new year's day": _fixed(1, 1),
    "new years day": _fixed(1, 1),
    "new year day": _fixed(1, 1),
    "new year's": _fixed(1, 1),
    "new year": _fixed(1, 1),
    "valentine's day": _fixed(2, 14),
    "valentines day": _fixed(2, 14),
    "valentine's": _fixed(2, 14),
    "saint patrick day": _fixed(3, 17),
    "saint patrick": _fixed(3, 17),
    "halloween": _fixed(10, 31),
    "independence day": _fixed(7, 4),
    "international workers' day": _fixed(5, 1),
    "international workers day": _fixed(5, 1),
    "workers' day": _fixed(5, 1),
    "may day": _fixed(5, 1),
    "easter sunday": easter,
    "easter monday": lambda year: easter(year) + timedelta(days=1),
    "good friday": lambda year: easter(year) - timedelta(days=2),
    "easter": easter,
    "martin luther king day": _nth(1, 0, 3),
    "martin luther king jr. day": _nth(1, 0, 3),
    "mlk day": _nth(1, 0, 3),
    "memorial day": _nth(5, 0, -1),
    "labor day": _nth(9, 0, 1),
    "labour day": _nth(9, 0, 1),
    "thanksgiving day": _nth(11, 3, 4),
    "thanksgiving": _nth(11, 3, 4),
    "mother's day": _nth(5, 6, 2),
    "mothers day": _nth(5, 6, 2),
    "father's day": _nth(6, 6, 3),
    "fathers day": _nth(6, 6, 3),
}


def holiday(name: str, today: date, year: int | None, skip: int = 0) -> date:
    """The holiday in `year`, or its next occurrence on or after today (`skip` more ahead)."""
    rule = HOLIDAYS[name]
    if year is not None:
        return rule(year)  # type: ignore[no-any-return]
    candidate: date = rule(today.year)
    if candidate < today:
        candidate = rule(today.year + 1)
    for _ in range(skip):
        candidate = rule(candidate.year + 1)
    return candidate
