"""Calendar days: "Dec 24", "24 December 2026", "12/25", "2026-12-01", "the 15th", "Friday",
"next Friday", "Mon 13th", "tomorrow", "the day after tomorrow", "next week", "this weekend",
"end of the month", holidays ("Easter 2018", "Christmas"), and anchored spans ("2 weeks from
January 15", "3 days after Christmas", "a week from Monday").

Numeric dates are month-first (12/25) unless the extractor is built with day_first=True; a first
number above 12 is always read day-first (22/04), and so is d.m.yyyy (1.3.2027). "on the 15th"
said on the 15th after its time is next month's (`assemble`). Weekday words: see `calendar`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from taskd.extract.rules import calendar as cal
from taskd.extract.rules.lexicon import (
    DAY,
    MONTH,
    MONTH_WORDS,
    NUMBER_WORDS,
    ORD,
    ORDINAL_TOKENS,
    QTY,
    UNIT,
    UNITS,
    WEEKDAY,
    WEEKDAY_NAMES,
    YEAR,
    day_number,
    month_number,
    ordinal,
    quantity,
    weekday_number,
    year_number,
)
from taskd.extract.rules.scan import DateHit, Found, Scan, lead_start

_NOT_AFTER_DAY = (r"(?![\w:]|\s?(?:am|pm|a\.m|p\.m)\b|\s(?:minutes?|mins?|hours?|hrs?|days?|"
                  r"weeks?|months?|years?|times|people|percent)\b|[./-]\d)")
_YEAR_TAIL = rf"(?:(?:,\s?|\s|\s?[/.-]\s?)(?:in\s|of\s)?(?P<y>{YEAR}))?(?![\w])"
_ISO = re.compile(r"(?<![\d.])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)|"
                  r"(?<![\d.])(?P<y2>\d{4})/(?P<m2>\d{1,2})/(?P<d2>\d{1,2})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])"
                      r"(?!\d)")
_NUMERIC = re.compile(
    r"(?<![\d$/.:,])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?"
    r"(?![\d/:%]|\.\d|-\d)")
_TRIPLE = re.compile(r"(?<![\w/-])(?P<p1>[a-z]+\.?|\d{1,4})(?P<sep>[/-])(?P<p2>[a-z]+|\d{1,4})"
                     r"(?P=sep)(?P<p3>[a-z]+|\d{1,4})(?![\w/])")
_MONTH_DAY = re.compile(
    rf"(?<![\w])(?P<next>next\s)?(?P<m>{MONTH})(?:,?\s|\s?[/-]\s?)(?:the\s)?(?P<d>{DAY})"
    rf"{_NOT_AFTER_DAY}{_YEAR_TAIL}")
_DAY_MONTH = re.compile(
    rf"(?<![\w$.,])(?<!\d:)(?<!\$\s)(?P<next>next\s)?(?:the\s)?(?P<d>{DAY})(?:\sday)?(?:\sof\s|\s?[/-]\s?|\s)"
    rf"(?P<m>{MONTH})(?![\w]){_YEAR_TAIL}")
_WEEKDAY_DAY = re.compile(
    rf"(?<![\w])(?:on\s)?(?P<wd>{WEEKDAY}),?\s(?:the\s)?(?P<d>{ORD}|\d{{1,2}}){_NOT_AFTER_DAY}")
_THE_NTH = re.compile(
    rf"(?<![\w])(?:(?:on|by|for|around|before|until|till)\s(?:the\s)?|the\s)(?P<d>{ORD})"
    r"(?:\sday)?(?:\sof\s(?:the\s)?(?P<w>this|next|coming|following)\smonth|"
    r"\s(?P<w2>this|next)\smonth)?(?![\w])(?!\s(?:of|week|time|floor|century|row|place|grade|"
    r"anniversary|birthday|edition|attempt)\b)")
_RELATIVE = re.compile(
    r"\b(?:(?:the\s)?day\safter\stomorrow|overmorrow|tomorrow|today|otd|on\sthis\sday|"
    r"(?:the\s)?day\safter(?!\s\w+\s(?:from|after)))\b")
_WEAK_TODAY = re.compile(r"\b(?:(?:for|of)\sthe\sday|my\sday)\b")
_WEEKDAY_ONLY = re.compile(
    r"(?<![\w])(?P<mod>(?:this\s(?:coming\s|upcoming\s)?|next\s|coming\s|upcoming\s|"
    r"(?:the\s)?following\s|last\s|past\s|previous\s)?)(?P<wd>monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|mon|tues?|weds?|thu|thurs?|fri|(?:sat|sun)(?=\.|\s(?:at\s|\d|\x1f))|"
    r"(?<=next\s|this\s)(?:sat|sun)|^(?:sat|sun)(?=\s)|(?P<cap>(?<=\bon\s)(?:sat|sun)|(?:sat|sun)"
    r"(?=[.!?]?$)))\.?"
    r"(?P<post>,?\s(?:of\s)?(?:next|the\sfollowing|following|this|the\scoming)\sweek)?(?![\w'])")
_WEEK_WORDS = re.compile(
    r"\b(?:(?P<shift>next|this|the\sfollowing|following|the\scoming|coming)\s(?P<unit>week|"
    r"weekend|month|year)|(?:(?:at|by|around|on|for|towards?)\s)?(?:the\s)?(?P<end>end|beginning|"
    r"start)\sof\s(?:the\s|this\s|next\s)?(?P<eunit>week|month|year)|(?:on\s|at\s|over\s)?"
    r"the\sweekend)\b")
# "the last day of this month" is one date; "the last day of the month" recurs (recurring.py).
_LAST_DAY_OF = re.compile(
    r"\b(?:(?:on|by|for|around)\s)?(?:the\s)?last\sday\sof\s(?:the\s)?(?P<w>this|next|coming|"
    r"following)\smonth\b")
_HOLIDAY = re.compile(
    r"\b(?:(?:on|for|at|by)\s)?(?P<mod>(?:the\s)?(?:next|following|coming|this)\s)?"
    r"(?P<h>" + "|".join(re.escape(h) for h in sorted(cal.HOLIDAYS, key=len, reverse=True))
    + r")(?:\s(?P<y>\d{4}))?\b")
_NTH_WEEK = re.compile(rf"\b(?:the\s)?(?P<n>{ORD}|last)\sweek\sof\s(?P<m>{MONTH})(?!\w)")
_NTH_WEEKDAY_OF = re.compile(
    rf"\b(?:on\s)?(?:the\s)?(?P<n>{ORD}|last)\s(?P<wd>{WEEKDAY})\s(?:of|in)\s(?P<m>{MONTH})(?!\w)")
_ANCHOR = re.compile(
    rf"(?<![\w.])(?P<q>{QTY})\s(?P<u>{UNIT})(?:\s(?:and\s)?(?P<q2>{QTY})\s(?P<u2>{UNIT}))?"
    rf"(?:\s(?:and\s)?(?P<q3>{QTY})\s(?P<u3>{UNIT}))?\s(?P<dir>from|after|before)\s(?:the\s)?$")
_ROLE_START = re.compile(r"\b(?:starting|start|beginning|begin|from|as\sof|effective|commencing)"
                         r"(?:\s(?:on|from|at))?\s$")
_ROLE_UNTIL = re.compile(r"\b(?:until|till|through|to|ending|ends|up\sto)(?:\s(?:on|the))?\s$")
_ANCHOR_ENDS = ("from ", "after ", "before ", "from the ", "after the ", "before the ")
_LEAD_WORDS = frozenset({"on", "by", "for", "this", "sometime", "due", "around"})
# How the words that can open a match of each pattern begin (Scan.finditer tries it there only).
_WEEKDAY_STARTS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTH_STARTS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAY_DAY_LEADS = ("on", *_WEEKDAY_STARTS)
_WEEKDAY_ONLY_LEADS = ("this", "next", "coming", "upcoming", "the", "following", "last", "past",
                       "previous", *_WEEKDAY_STARTS)
_THE_NTH_LEADS = ("on", "by", "for", "around", "before", "until", "till", "the")
_RELATIVE_LEADS = ("the", "day", "overmorrow", "tomorrow", "today", "otd", "on")
_MONTH_DAY_LEADS = ("next", *_MONTH_STARTS)


class DateReader:
    def __init__(self, scan: Scan, found: Found, day_first: bool) -> None:
        self.scan, self.found, self.day_first = scan, found, day_first
        self.today = found.today

    # -- bookkeeping -------------------------------------------------------------------------
    def add(self, start: int, end: int, day: date, kind: str, **extra: object) -> DateHit:
        scan, found = self.scan, self.found
        head = scan.text[:start]
        role = "on"
        if found.rule is not None:
            for pattern, name in ((_ROLE_START, "start"), (_ROLE_UNTIL, "until")):
                match = pattern.search(head)
                if match:
                    role, start = name, match.start()
                    break
        head = scan.text[:start]
        # "2 weeks from ...": only worth the (slow, end-anchored) search when the word is there.
        anchor = _ANCHOR.search(head) if role == "on" and head.endswith(_ANCHOR_ENDS) else None
        if anchor:
            day = self._shift(day, anchor)
            start = anchor.start()
            kind = "anchored"
        start = lead_start(scan.text, start, _LEAD_WORDS)
        hit = DateHit(day, start, kind, role, **extra)  # type: ignore[arg-type]
        found.dates.append(hit)
        scan.consume(start, end)
        return hit

    def _shift(self, day: date, anchor: re.Match[str]) -> date:
        sign = -1 if anchor.group("dir") == "before" else 1
        delta = relativedelta()
        for q, u in (("q", "u"), ("q2", "u2"), ("q3", "u3")):
            if anchor.group(q) is None:
                continue
            amount = quantity(anchor.group(q)) or 0
            field, scale = UNITS[anchor.group(u)]
            if field in ("days", "weeks", "months", "years"):
                delta += relativedelta(**{field: int(amount * scale)})
        return day + delta if sign > 0 else day - delta

    def month_day(self, month: int, day: int, year: int | None, shown: str,
                  skip_this_year: bool = False) -> date:
        if year is not None:
            return cal.make(year, month, day, shown)
        result = cal.next_month_day(self.today, month, day, shown)
        if skip_this_year and result.year == self.today.year and result == self.today:
            result = cal.next_month_day(self.today + timedelta(days=1), month, day, shown)
        return result

    # -- recognizers -------------------------------------------------------------------------
    def iso(self) -> None:
        for pattern in (_ISO, _COMPACT):
            for match in pattern.finditer(self.scan.text):
                if not self.scan.free(*match.span()):
                    continue
                y = match.group("y") or match.group("y2")
                m = match.group("m") or match.group("m2")
                d = match.group("d") or match.group("d2")
                day = cal.make(int(y), int(m), int(d), match.group(0))
                self.add(*match.span(), day, "full")

    def triples(self) -> None:
        for match in _TRIPLE.finditer(self.scan.text):
            parts = [match.group("p1"), match.group("p2"), match.group("p3")]
            months = [month_number(p) for p in parts]
            if sum(m is not None for m in months) != 1 or not self.scan.free(*match.span()):
                continue
            month = next(m for m in months if m is not None)
            numbers = [p for p in parts if p.isdigit()]
            years = [int(p) for p in numbers if len(p) == 4]
            days = [int(p) for p in numbers if len(p) <= 2]
            if len(years) != 1 or len(days) != 1:
                continue
            self.add(*match.span(), cal.make(years[0], month, days[0], match.group(0)), "full")

    def numeric(self) -> None:
        for match in _NUMERIC.finditer(self.scan.text):
            if not self.scan.free(*match.span()):
                continue
            a, b = int(match.group("a")), int(match.group("b"))
            # d.m.yyyy is the European form (1.3.2027 is 1 March); month-first writers use
            # slashes. Without a year ("5.12") the setting decides.
            day_first = self.day_first or (match.group("sep") == "." and
                                           len(match.group("y") or "") == 4)
            month, day = (b, a) if day_first else (a, b)
            if month > 12 and day <= 12:
                month, day = day, month
            if not 1 <= month <= 12 or not 1 <= day <= 31:
                continue
            if match.group("sep") == "." and match.group("y") is None and self.scan.text[
                    match.end():match.end() + 1].isalnum():
                continue
            year = None
            if match.group("y"):
                year = int(match.group("y"))
                year += 2000 if year < 100 else 0
            shown = match.group(0)
            self.add(*match.span(), self.month_day(month, day, year, shown), "monthdate",
                     month=month, monthday=day)

    def named(self) -> None:
        for pattern in (_MONTH_DAY, _DAY_MONTH):
            matches = self.scan.finditer(pattern, _MONTH_DAY_LEADS) if pattern is _MONTH_DAY \
                else pattern.finditer(self.scan.text)
            for match in matches:
                if not self.scan.free(*match.span()):
                    continue
                month = month_number(match.group("m"))
                day = day_number(match.group("d"))
                if month is None or day is None:
                    continue
                if month in (3, 5) and not re.match(r"\d|" + ORD, match.group("d")) and \
                        match.group("m").startswith(("may", "mar")) and pattern is _DAY_MONTH:
                    continue  # "one may ..." is not May 1st
                year = year_number(match.group("y")) if match.group("y") else None
                shown = f"{cal.month_name(month)} {day}"
                cal.check_day(month, day, shown)
                value = self.month_day(month, day, year, shown, bool(match.group("next")))
                self.add(*match.span(), value, "full" if year else "monthdate", month=month,
                         monthday=day)

    def nth_weekday_of(self) -> None:
        for match in _NTH_WEEKDAY_OF.finditer(self.scan.text):
            if not self.scan.free(*match.span()):
                continue
            n = -1 if match.group("n") == "last" else ordinal(match.group("n"))
            wd, month = weekday_number(match.group("wd")), month_number(match.group("m"))
            if n is None or wd is None or month is None or not -1 <= n <= 5 or n == 0:
                continue
            year = self.today.year
            day = cal.nth_weekday(year, month, wd, n)
            if day < self.today or day.month != month:
                day = cal.nth_weekday(year + 1, month, wd, n)
            self.add(*match.span(), day, "special")

    def weekday_day(self) -> None:
        for match in self.scan.finditer(_WEEKDAY_DAY, _WEEKDAY_DAY_LEADS):
            if not self.scan.free(*match.span()):
                continue
            wd = weekday_number(match.group("wd"))
            day = day_number(match.group("d"))
            if wd is None or day is None or not 1 <= day <= 31:
                continue
            value = cal.next_weekday_and_day(self.today, wd, day, match.group(0))
            self.add(*match.span(), value, "special")

    def nth_of_month(self) -> None:
        for match in self.scan.finditer(_THE_NTH, _THE_NTH_LEADS):
            if not self.scan.free(*match.span()):
                continue
            day = ordinal(match.group("d"))
            if day is None or not 1 <= day <= 31:
                continue
            which = match.group("w") or match.group("w2")
            if which and which != "this":
                start = (self.today.replace(day=1) + relativedelta(months=1))
                value = cal.make(start.year, start.month, day, match.group(0))
            elif which == "this":
                value = cal.make(self.today.year, self.today.month, day, match.group(0))
            else:
                value = cal.next_day_of_month(self.today, day, match.group(0))
            self.add(*match.span(), value, "monthday", monthday=day, rolls=not which)

    def relative_words(self) -> None:
        for match in self.scan.finditer(_RELATIVE, _RELATIVE_LEADS):
            if not self.scan.free(*match.span()):
                continue
            word = match.group(0)
            if "after tomorrow" in word or word == "overmorrow":
                shift = 2
            elif word == "tomorrow" or word.endswith("day after"):
                shift = 1
            else:
                shift = 0
            self.add(*match.span(), self.today + timedelta(days=shift), "relative")
        if _WEAK_TODAY.search(self.scan.text):
            self.found.weak_today = True

    def weekdays(self) -> None:
        for match in self.scan.finditer(_WEEKDAY_ONLY, _WEEKDAY_ONLY_LEADS):
            if not self.scan.free(*match.span()):
                continue
            mod = match.group("mod").strip()
            if match.group("cap") and match.group("cap").capitalize() not in self.scan.raw_words:
                continue  # "on sun cream", "sit in the sun": only "on Sat", "... Sun" are days
            wd = weekday_number(match.group("wd"))
            if wd is None or mod in ("last", "past", "previous"):
                continue
            if match.group("post") and "this" not in match.group("post"):
                value = cal.weekday_of_next_week(self.today, wd)
                plain = False
            elif mod in ("next", "following", "the following"):
                value = cal.weekday_of_next_week(self.today, wd)
                plain = False
                self.found.assumptions.append(
                    f"next {match.group('wd').capitalize()} = {cal.short_date(value)} (next week)")
            elif mod in ("coming", "upcoming", "this coming", "this upcoming"):
                value = cal.next_weekday(self.today, wd, include_today=False)
                plain = False
            else:
                value = cal.next_weekday(self.today, wd)
                plain = mod == ""
            self.add(*match.span(), value, "weekday", weekday=wd, plain_weekday=plain,
                     rolls=mod in ("", "this"))

    def last_day_of(self) -> None:
        for match in _LAST_DAY_OF.finditer(self.scan.text):
            if not self.scan.free(*match.span()):
                continue
            value = cal.last_day_of_month(self.today)
            if match.group("w") != "this":
                value = cal.last_day_of_month(value + timedelta(days=1))
            self.add(*match.span(), value, "special")

    def week_words(self) -> None:
        for match in _WEEK_WORDS.finditer(self.scan.text):
            if not self.scan.free(*match.span()):
                continue
            today = self.today
            shift = (match.group("shift") or "").replace("the ", "")
            unit = match.group("unit")
            if match.group("end") or match.group("eunit"):
                eunit, edge = match.group("eunit"), match.group("end")
                if eunit == "week":
                    value = cal.next_weekday(today, 4) if edge == "end" else \
                        cal.weekday_of_next_week(today, 0)
                elif eunit == "month":
                    value = cal.last_day_of_month(today) if edge == "end" else \
                        (today.replace(day=1) + relativedelta(months=1))
                else:
                    value = date(today.year, 12, 31) if edge == "end" else \
                        date(today.year + 1, 1, 1)
                if "next" in match.group(0):
                    value = {"week": value + timedelta(weeks=1),
                             "month": cal.last_day_of_month(value + relativedelta(months=1)),
                             "year": value.replace(year=value.year + 1)}[eunit] \
                        if edge == "end" else value
                self.add(*match.span(), value, "special")
            elif unit in ("week", "month", "year"):
                weeks = 0 if shift == "this" else 1
                if unit == "week":
                    self.found.week_shift = weeks
                    self.scan.consume(*match.span())
                    continue
                if unit == "month":
                    value = today.replace(day=1) + relativedelta(months=weeks)
                else:
                    value = date(today.year + weeks, 1, 1)
                if value < today:
                    value = today
                self.add(*match.span(), value, "special")
            else:  # weekend
                if shift in ("next", "following"):
                    value = cal.weekday_of_next_week(today, 5)
                elif today.weekday() == 6:
                    value = today
                else:
                    value = cal.next_weekday(today, 5)
                self.add(*match.span(), value, "special")

    def nth_week(self) -> None:
        for match in _NTH_WEEK.finditer(self.scan.text):
            if not self.scan.free(*match.span()):
                continue
            n = ordinal(match.group("n"))
            month = month_number(match.group("m"))
            if n is None or month is None or not 1 <= n <= 5:
                continue
            first = cal.next_month_day(self.today.replace(day=1), month, 1, match.group(0))
            if first < self.today.replace(day=1):
                first = first.replace(year=first.year + 1)
            self.add(*match.span(), first + timedelta(weeks=n - 1), "week")

    def holidays(self) -> None:
        if any(not h.plain_weekday for h in self.found.dates):
            return
        for match in _HOLIDAY.finditer(self.scan.text):
            if not self.scan.free(*match.span()):
                continue
            year = int(match.group("y")) if match.group("y") else None
            value = cal.holiday(match.group("h"), self.today, year)
            self.add(*match.span(), value, "special")
            return


_WEEKDAY_WORDS = frozenset(WEEKDAY_NAMES)
# A holiday can only match when every word of its name is in the text; each name is filed under
# its longest word, so a sentence is checked against the few names that word starts.
_HOLIDAY_NEEDS: dict[str, list[frozenset[str]]] = {}
for _name in cal.HOLIDAYS:
    _needs = frozenset(re.findall(r"[a-z]+", _name))
    _HOLIDAY_NEEDS.setdefault(max(sorted(_needs), key=len), []).append(_needs)
_HOLIDAY_KEYS = frozenset(_HOLIDAY_NEEDS)
_RELATIVE_WORDS = frozenset({"today", "tomorrow", "otd", "overmorrow", "day"})
_WEEK_WORDS_SET = frozenset({"week", "weekend", "month", "year"})
_WEEK_SHIFTS = frozenset({"next", "this", "following", "coming", "end", "beginning", "start"})
_RELATIVE_DAYS = frozenset({"today", "tomorrow", "otd", "overmorrow"})
# "the day after", "on this day", "for the day", "of the day", "my day"
_DAY_COMPANIONS = frozenset({"after", "this", "for", "of", "my"})
_NTH_LEADS = frozenset({"the", "on", "by", "for", "around", "before", "until", "till"})
_ORDINALS = ORDINAL_TOKENS | {"last"}
_DIGIT_SEP_DIGIT = re.compile(r"\d[/.\-]\d")


def _holiday_possible(words: frozenset[str]) -> bool:
    return any(need <= words for key in _HOLIDAY_KEYS & words for need in _HOLIDAY_NEEDS[key])


def find_dates(scan: Scan, found: Found, day_first: bool) -> None:
    """Each recognizer runs only when the words it needs are in the text (Scan.words): most
    sentences name one kind of date, and a regex that cannot match still costs a scan."""
    reader = DateReader(scan, found, day_first)
    words, text = scan.words, scan.text
    months = not words.isdisjoint(MONTH_WORDS)
    weekdays = not words.isdisjoint(_WEEKDAY_WORDS)
    ordinals = not words.isdisjoint(_ORDINALS)
    if scan.has_digit:
        if scan.longest_number >= 4:
            reader.iso()
        if ("/" in text or "." in text or "-" in text) and _DIGIT_SEP_DIGIT.search(text):
            reader.numeric()
    if months:
        if "/" in text or "-" in text:
            reader.triples()
        if weekdays and ordinals:
            reader.nth_weekday_of()
        if scan.has_digit or ordinals or not words.isdisjoint(NUMBER_WORDS):
            reader.named()
    if weekdays and (scan.has_digit or ordinals):
        reader.weekday_day()
    if ordinals and not words.isdisjoint(_NTH_LEADS):
        reader.nth_of_month()
    if months and "week" in words:
        reader.nth_week()
    if not words.isdisjoint(_RELATIVE_DAYS) or ("day" in words and not words.isdisjoint(
            _DAY_COMPANIONS)):
        reader.relative_words()
    if "month" in words and "last" in words:
        reader.last_day_of()
    if not words.isdisjoint(_WEEK_WORDS_SET) and ("weekend" in words or not words.isdisjoint(
            _WEEK_SHIFTS)):
        reader.week_words()
    if weekdays:
        reader.weekdays()
    if _holiday_possible(words):
        reader.holidays()
