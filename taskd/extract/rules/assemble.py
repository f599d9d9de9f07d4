"""Found pieces -> a Schedule: settle am/pm, pick the date, fold dates and times into the RRULE.

Choices made here (each is also written into the draft's assumptions when it applies):
- A bare hour with no am/pm and no daypart: 1-5 is read as afternoon ("at 3" = 15:00), 6-12 as
  morning ("at 9" = 09:00). With "evening"/"tonight"/"afternoon" it is afternoon, except that
  "tonight at 1" to "4" stays after midnight.
- "midnight" is 00:00 of the day after the named day (today when none is named).
- A date with no time whose usual time (default 09:00) has already passed today moves to the next
  daypart still ahead (afternoon, evening, night); when none is, the reminder fires now.
- "twice a day" = 09:00 and 21:00; "three times a day" = 08:00, 14:00, 20:00; four = every 4h from 8.
- A weekday next to another date reference ("in 3 days on Friday", "Monday two weeks from now")
  is that weekday inside the (Monday-based) week of the other date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from taskd.extract.rules import bounds
from taskd.extract.rules import calendar as cal
from taskd.extract.rules.clock_forms import later_reading
from taskd.extract.rules.scan import DateHit, Found
from taskd.resolve.dayparts import DEFAULT_TIMES, TimePref, choose, shifted

_PM_DAYPARTS = ("afternoon", "evening", "tonight", "night")
_PRIORITY = ["full", "monthdate", "special", "anchored", "monthday", "week", "relative", "weekday"]
_PER_DAY_HOURS = {2: [9, 21], 3: [8, 14, 20], 4: [8, 12, 16, 20], 5: [8, 11, 14, 17, 20],
                  6: [8, 10, 12, 14, 16, 18]}
_FALLBACK_DAYPARTS = ("afternoon", "evening", "night")
_SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")
_UNIT_FREQ = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
_SPAN_DAYS = {"day": 1, "week": 7}
_PATTERN_PARTS = frozenset(("BYDAY", "BYMONTHDAY", "BYMONTH", "BYYEARDAY", "BYHOUR"))
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# The schedules built here are plain dicts of Schedule fields: the Draft that holds them validates
# them (one pydantic call for the whole draft, measured faster than building a Schedule first).
Clock = tuple[int, int, int]  # a time with am/pm settled: hour, minute, second


def _settle_times(found: Found, daypart: str | None) -> list[Clock]:
    settled: list[Clock] = []
    for hit in found.times:
        hour = hit.hour
        if hit.ambiguous and 1 <= hour <= 12:
            if daypart in _PM_DAYPARTS:
                if hour < 12 and not (daypart in ("tonight", "night") and hour <= 4):
                    hour += 12
            elif hour == 12 and hit.minute and daypart == "morning":
                hour = 0  # "12:30 in the morning", "ten to one in the morning": after midnight
            elif daypart is None and hit.bare_hour and 1 <= hour <= 5:
                hour += 12
                found.assumptions.append(f"\"{hit.hour}\" = {hour}:00 (afternoon)")
        settled.append((hour, hit.minute, hit.second))
    return settled


# f"{n:02d}" measured 0.25 µs a number, this lookup a tenth of that. A number past 59 raises
# KeyError here instead of failing the time's validation later: the same "could not read" error.
_TWO_DIGITS = {n: f"{n:02d}" for n in range(60)}


def _clock(hour: int, minute: int, second: int) -> str:
    return f"{_TWO_DIGITS[hour]}:{_TWO_DIGITS[minute]}:{_TWO_DIGITS[second]}" if second else \
        f"{_TWO_DIGITS[hour]}:{_TWO_DIGITS[minute]}"


_DEFAULT_CLOCKS = {key: choose(key, None).as_time for key in DEFAULT_TIMES}
_RANK = {kind: rank for rank, kind in enumerate(_PRIORITY)}


def _pref_time(key: str, prefs: Mapping[str, TimePref] | None) -> time:
    if prefs and key in prefs:
        return choose(key, prefs).as_time
    return _DEFAULT_CLOCKS[key]  # parsed once: this runs for most sentences


def _rank(hit: DateHit) -> tuple[int, int]:
    return _RANK.get(hit.kind, 99), hit.start


def _pick_date(found: Found, on_hits: list[DateHit]) -> date | None:
    """The day that `on_hits` (at least one) name: the most specific one, with a plain weekday
    ("Friday") placed inside the week of another date reference."""
    plain: list[DateHit] = []
    others: list[DateHit] = []
    for hit in on_hits:
        (plain if hit.kind == "weekday" and hit.plain_weekday else others).append(hit)
    if others:
        base = others[0] if len(others) == 1 else min(others, key=_rank)
        if plain and base.kind in ("anchored", "week"):
            return cal.weekday_in_week_of(base.day, plain[0].weekday or 0)
        return base.day
    offset = found.offset
    if plain and offset and not (offset.get("hours") or offset.get("minutes") or offset.get("seconds")):
        anchor = found.today + relativedelta(**offset)  # type: ignore[arg-type]
        found.offset = None
        return cal.weekday_in_week_of(anchor, plain[0].weekday or 0)
    if found.week_shift is not None:
        weekday = plain[0].weekday if plain else None
        if weekday is None:
            weekday = next((h.weekday for h in on_hits if h.kind == "weekday"), None)
        return cal.weekday_of_next_week(found.today, weekday if weekday is not None else 0,
                                        found.week_shift) if found.week_shift or weekday is None \
            else cal.weekday_in_week_of(found.today, weekday)
    return plain[0].day if plain else None


def _rule_schedule(found: Found, times: list[Clock], dayparts: list[str],
                   prefs: Mapping[str, TimePref] | None) -> dict[str, Any]:
    assert found.rule is not None
    rule = dict(found.rule)
    start: date | None = None
    for hit in found.dates:
        if hit.role == "start":
            start = hit.day
        elif hit.role == "until":
            found.until = hit.day
        elif hit.kind == "weekday" and rule["FREQ"] in ("DAILY", "WEEKLY") and \
                hit.weekday is not None and (hit.plain_weekday or "BYDAY" not in rule):
            days = [d for d in rule.get("BYDAY", "").split(",") if d]
            code = _DAY_CODES[hit.weekday]
            rule["BYDAY"] = ",".join([*days, code] if code not in days else days)
            rule["FREQ"] = "WEEKLY"
        elif hit.kind == "monthday" and rule["FREQ"] == "MONTHLY" and hit.monthday:
            rule["BYMONTHDAY"] = str(hit.monthday)
            if found.quarterly and rule.get("INTERVAL") == "3" and "BYMONTH" not in rule:
                del rule["INTERVAL"]
                rule["BYMONTH"] = "1,4,7,10"
        elif hit.kind in ("monthdate", "full") and rule["FREQ"] == "YEARLY" and hit.month and \
                hit.monthday and "BYMONTH" not in rule:
            rule["BYMONTH"], rule["BYMONTHDAY"] = str(hit.month), str(hit.monthday)
        else:
            start = hit.day
    clock: str | None = None
    daypart: str | None = None
    if len(times) > 1:
        minutes = sorted({t[1] for t in times})
        rule["BYHOUR"] = ",".join(map(str, sorted({t[0] for t in times})))
        rule["BYMINUTE"] = ",".join(map(str, minutes))
        if len(minutes) > 1:
            found.assumptions.append("times with different minutes repeat at each combination")
    elif times:
        clock = _clock(*times[0])
    elif len(dayparts) > 1:
        hours = sorted({_pref_time(d, prefs) for d in dayparts})
        rule["BYHOUR"] = ",".join(str(t.hour) for t in hours)
        rule["BYMINUTE"] = ",".join(sorted({str(t.minute) for t in hours}))
    elif dayparts:
        daypart = dayparts[0]
    elif found.per_day and found.per_day > 1 and rule["FREQ"] == "DAILY":
        hours_list = _PER_DAY_HOURS.get(found.per_day, _PER_DAY_HOURS[6])
        rule["BYHOUR"] = ",".join(map(str, hours_list))
        rule["BYMINUTE"] = "0"
        found.assumptions.append(f"{found.per_day} times a day = at "
                                 + ", ".join(f"{h:02d}:00" for h in hours_list))
    if found.window_start and clock is None:
        clock = f"{found.window_start[0]:02d}:{found.window_start[1]:02d}"
    if found.midnight and len(times) == 1 and start is not None:
        start += timedelta(days=1)
    if found.count:
        rule["COUNT"] = str(found.count)
    elif found.span:
        unit, amount, upcoming = found.span
        if not upcoming and _UNIT_FREQ[unit] == rule["FREQ"] and "," not in rule.get("BYDAY", ""):
            rule["COUNT"] = str(amount)
        else:
            first = start or _first_occurrence(found, rule, clock, daypart, prefs) or found.today
            # Days and weeks as a timedelta: the same day, at a tenth of relativedelta's cost.
            span = timedelta(days=amount * _SPAN_DAYS[unit]) if unit in _SPAN_DAYS else \
                relativedelta(**{unit + "s": amount})
            found.until = first + span - timedelta(days=1)
    until = found.until
    bounds.check_until(found, start)
    if until and "COUNT" not in rule:
        # As f"{until:%Y%m%d}" writes it, without strftime's 3 µs.
        rule["UNTIL"] = f"{until.year}{_TWO_DIGITS[until.month]}{_TWO_DIGITS[until.day]}T235959"
    if start is None and "INTERVAL" in rule and int(rule["INTERVAL"]) > 1 and \
            rule["FREQ"] not in _SUB_DAILY:
        start = _first_occurrence(found, rule, clock, daypart, prefs)
    return {"date": start.isoformat() if start else None, "time": clock,
            "rrule": ";".join(map("=".join, rule.items())), "daypart": daypart,
            "time_source": "explicit" if clock or "BYHOUR" in rule else
            "daypart" if daypart else "default"}


def _first_occurrence(found: Found, rule: dict[str, str], clock: str | None,
                      daypart: str | None, prefs: Mapping[str, TimePref] | None) -> date | None:
    """Where "every other week on Tuesday" starts: the pattern's next fire, so that the interval
    counts from there (not from the current week, which may hold no fire at all)."""
    when = time.fromisoformat(clock) if clock else _pref_time(daypart or "default_time", prefs)
    if _PATTERN_PARTS.isdisjoint(rule):
        # "every 3 days", "quarterly": from the next time the clock reaches `when`
        return found.today if when > found.now.time() else found.today + timedelta(days=1)
    parts = {k: v for k, v in rule.items() if k not in ("INTERVAL", "COUNT", "UNTIL")}
    if "BYHOUR" not in parts:
        parts.update(BYHOUR=str(when.hour), BYMINUTE=str(when.minute), BYSECOND=str(when.second))
    body = ";".join(f"{k}={v}" for k, v in parts.items())
    try:
        nxt = rrulestr(body, dtstart=found.now.replace(microsecond=0))
        first = nxt.after(found.now)  # type: ignore[union-attr]
    except (ValueError, TypeError):
        return None
    return first.date() if first else None


def _date_only_today(found: Found, prefs: Mapping[str, TimePref] | None) -> dict[str, Any]:
    """Today with no time: the usual time if still ahead, else the next daypart ahead, else now."""
    now = found.now.time()
    if _pref_time("default_time", prefs) > now:
        return {"date": found.today.isoformat(), "time_source": "default"}
    for part in _FALLBACK_DAYPARTS:
        if _pref_time(part, prefs) > now:
            found.assumptions.append(f"today's usual time has passed: this {part}")
            return {"date": found.today.isoformat(), "daypart": part, "time_source": "daypart"}
    found.assumptions.append("today's usual times have passed: now")
    return {"offset": {}, "time_source": "explicit"}


def two_times(found: Found) -> str | None:
    """The question for a one-time text that names two different clock times ("at 9 tomorrow to
    call the plumber, and also at 5pm to check"), or a day and an offset from now ("tomorrow in
    an hour"): one task cannot fire at both."""
    if found.rule is not None:
        return None
    offset = found.offset
    if offset and not found.offset_from_time and any(
            offset.get(unit) for unit in _SUB_DAY_SECONDS) and any(
            hit.role == "on" for hit in found.dates):
        return ("This names a day and a time from now for one task: which one should it be? "
                "(Say the day with a clock time, or only the time from now.)")
    if len(found.times) < 2:
        return None
    shown = sorted(dict.fromkeys(_clock(*t) for t in _settle_times(found, found.dayparts[0]
                                                                  if found.dayparts else None)))
    if len(shown) < 2:
        return None
    return (f"This names {len(shown)} times ({' and '.join(shown)}) for one task: which one should "
            "it be? (Add one task per time to get both.)")


_SUB_DAY_SECONDS = {"hours": 3600, "minutes": 60, "seconds": 1}


def _shift_clock(found: Found, times: list[Clock]) -> list[Clock]:
    """"15 minutes from 1pm": the clock time moved by a sub-day offset (a longer one stays a
    calendar offset, which keeps the time: "2 days from 5pm" is in two days at 17:00)."""
    offset = found.offset or {}
    if not set(offset) <= set(_SUB_DAY_SECONDS):
        return times
    hour, minute, second = times[0]
    total = hour * 3600 + minute * 60 + second + sum(
        amount * _SUB_DAY_SECONDS[unit] for unit, amount in offset.items())
    days, rest = divmod(total, 86400)
    found.offset = {"days": days} if days else None
    found.assumptions.append(f"{_clock(hour, minute, second)} moved by the offset")
    return [(rest // 3600, rest % 3600 // 60, rest % 60), *times[1:]]


def build_schedule(found: Found, prefs: Mapping[str, TimePref] | None) -> dict[str, Any] | None:
    # Written for speed (this runs for every sentence): cheap tests first, the common sentence (no
    # day named, one time or none) skips the helpers.
    dayparts = found.dayparts
    if len(dayparts) > 1:
        dayparts = list(dict.fromkeys(dayparts))
    daypart = dayparts[0] if dayparts else None
    hits = found.times
    if len(hits) == 1 and not hits[0].ambiguous:  # the common case: nothing to settle
        times = [(hits[0].hour, hits[0].minute, hits[0].second)]
    else:
        times = _settle_times(found, daypart) if hits else []
    if found.offset_from_time and times and found.offset:
        times = _shift_clock(found, times)
    if found.rule is None and found.weak_rule and not (
            found.dates or times or dayparts or found.offset or found.now_word):
        found.rule = found.weak_rule
    if found.rule is not None:
        return _rule_schedule(found, times, dayparts, prefs)
    on_hits = found.dates  # one date, said as the day, is the common case: no list built for it
    if on_hits and (len(on_hits) > 1 or on_hits[0].role != "on"):
        on_hits = [h for h in on_hits if h.role == "on"]
    if len(on_hits) == 1 and not (on_hits[0].kind == "weekday" and on_hits[0].plain_weekday):
        day = on_hits[0].day  # what _pick_date returns for one hit
    elif on_hits:
        day = _pick_date(found, on_hits)
    elif found.week_shift is not None:  # "next week" and no weekday: that week's Monday
        day = cal.weekday_of_next_week(found.today, 0, found.week_shift)
    else:
        day = None
    offset = found.offset
    if offset is not None:
        calendar_only = not (offset.get("hours") or offset.get("minutes") or offset.get("seconds"))
        if calendar_only and day is None and (times or daypart):
            day = found.today + relativedelta(**offset)  # type: ignore[arg-type]
        elif day is None or not calendar_only:
            return {"offset": dict(offset), "time_source": "explicit"}
        elif found.offset_from_time:  # "an hour after 23:30 tomorrow": past midnight of that day
            day += relativedelta(**offset)  # type: ignore[arg-type]
    if times and daypart == "end_of_day":
        daypart = None
    if day is not None:
        # Only when nothing fixes the date: "Friday 7/6" said on Friday 6 July stays today.
        if len(on_hits) == 1 and on_hits[0].rolls and on_hits[0].day == day == found.today:
            # With no time, the daypart's or the usual time decides: "Friday" said on Friday at
            # 14:00 is next week.
            fire = time(*times[0]) if times else _pref_time(daypart or "default_time", prefs)
            if fire <= found.now.time() and not (found.midnight and fire == time(0)):
                # "Friday at 9" on a Friday at 10, "on the 15th at 9" on the 15th: the next one.
                day = day + timedelta(days=7) if on_hits[0].kind == "weekday" else \
                    cal.next_day_of_month(day + timedelta(days=1), day.day, f"the {day.day}th")
        if times and daypart in ("tonight", "night") and times[0][0] < 5 and day != found.today:
            day += timedelta(days=1)
        if found.midnight and times and times[0][0] == 0 and times[0][1] == 0:
            if found.midnight_word and day != found.today and daypart not in ("tonight", "night"):
                # "at midnight on 12th August": the night before the 12th or the one after it
                # (24 hours apart, and both said): ask rather than pick one
                found.question = (f"“midnight” on {cal.short_date(day)} could be the start of "
                                  f"that day or its end (the night into "
                                  f"{cal.short_date(day + timedelta(days=1))}): which one? "
                                  "(Say 00:00 or 23:59.)")
                return None
            day += timedelta(days=1)
    elif found.midnight and times:
        day = found.today + timedelta(days=1)
    elif daypart == "tonight" and not times:
        day = found.today
    if times and len(hits) == 1 and hits[0].ambiguous and daypart is None and (hits[0].nearest or any(
            h.kind == "relative" and h.day == found.today for h in on_hits)):
        times = [(later_reading(found, day, hits[0].nearest, *times[0][:2]), *times[0][1:])]
    if times:
        return {"date": day.isoformat() if day else None, "time": _clock(*times[0]),
                "time_source": "explicit"}
    if daypart:
        return {"date": day.isoformat() if day else None, "daypart": daypart, "time_source": "daypart",
                **({"time": shifted(daypart, found.daypart_shift, prefs)} if found.daypart_shift else {})}
    if day is None:
        if found.weak_today:
            return _date_only_today(found, prefs)
        if found.now_word:
            return {"offset": {}, "time_source": "explicit"}
        return None
    if day == found.today:
        return _date_only_today(found, prefs)
    return {"date": day.isoformat(), "time_source": "default"}
