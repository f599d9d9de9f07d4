"""Schedules in words, for previews: "every Sunday at 18:00", "every weekday at 08:00"."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

from taskd.resolve.recurrence import split_rule

_DAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
         "SA": "Saturday", "SU": "Sunday"}
_ORD = {"1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth", "-1": "last",
        "-2": "second-to-last"}
_UNIT = {"YEARLY": "year", "MONTHLY": "month", "WEEKLY": "week", "DAILY": "day",
         "HOURLY": "hour", "MINUTELY": "minute", "SECONDLY": "second"}
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


def _ordinal(n: int) -> str:
    if n < 0:
        return "last" if n == -1 else f"{_ORD.get(str(n), str(n))}"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _grid(parts: dict[str, str]) -> list[int]:
    """The day's fire minutes (from midnight) of BYHOUR x BYMINUTE, BYSETPOS applied."""
    hours = sorted(int(h) for h in parts["BYHOUR"].split(","))
    minutes = sorted(int(m) for m in parts.get("BYMINUTE", "0").split(","))
    grid = [h * 60 + m for h in hours for m in minutes]
    if "BYSETPOS" in parts:
        picked = {int(n) - 1 if int(n) > 0 else len(grid) + int(n) for n in parts["BYSETPOS"].split(",")}
        grid = [t for n, t in enumerate(grid) if n in picked]
    return grid


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _steps(grid: list[int], step: int | None = None) -> str | None:
    """" every 30 minutes from 09:00 to 11:00" when `grid` is evenly spaced (by `step` if given)."""
    if len(grid) < 2 or (step is None and len(grid) < 3):
        return None
    gaps = {b - a for a, b in pairwise(grid)}
    if len(gaps) != 1 or (step is not None and gaps != {step}):
        return None
    gap = gaps.pop()
    every = "every minute" if gap == 1 else f"every {gap} minutes" if gap % 60 else \
        "every hour" if gap == 60 else \
        f"every {gap // 60} hours"
    return f"{every if step is None else ''} from {_hhmm(grid[0])} to {_hhmm(grid[-1])}"


def _sub_daily_times(parts: dict[str, str], freq: str, interval: int) -> str:
    """Where a sub-daily rule's BY parts hold it: its window, or the minute of the hour. The
    elapsed-time grid is taken to start at the window's first fire, as the rules taskd makes do."""
    if "BYHOUR" in parts:
        grid = _grid(parts)
        step = {"HOURLY": 60, "MINUTELY": 1, "SECONDLY": 0}[freq] * interval
        if step:
            grid = [t for t in grid if (t - grid[0]) % step == 0]
        return (_steps(grid, step) if step else None) or \
            " at " + ", ".join(_hhmm(t) for t in grid)
    if "BYMINUTE" in parts and freq == "HOURLY":
        return " at " + ", ".join(f":{int(m):02d}" for m in parts["BYMINUTE"].split(","))
    return ""


def _times(parts: dict[str, str]) -> str:
    if "BYHOUR" not in parts:
        return ""
    if "BYSETPOS" in parts:
        grid = _grid(parts)
        spaced = _steps(grid)
        if spaced:
            return ", " + spaced.lstrip()
        clocks = [_hhmm(t) for t in grid]
    else:
        hours = [int(h) for h in parts["BYHOUR"].split(",")]
        minutes = [int(m) for m in parts.get("BYMINUTE", "0").split(",")]
        clocks = [f"{h:02d}:{m:02d}" for h in hours for m in minutes]
    if len(clocks) > 1:
        return " at " + ", ".join(clocks[:-1]) + " and " + clocks[-1]
    return " at " + clocks[0]


def _days(value: str) -> str:
    days = value.split(",")
    plain = [d for d in days if d in _DAYS]
    if len(plain) == len(days):
        if set(days) == {"MO", "TU", "WE", "TH", "FR"}:
            return "weekday"
        if set(days) == {"SA", "SU"}:
            return "weekend day"
        names = [_DAYS[d] for d in days]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    named = []
    for d in days:
        nth, day = d[:-2], d[-2:]
        named.append(f"{_ORD.get(nth.lstrip('+'), nth)} {_DAYS[day]}")
    return " and ".join(named)


def describe_rule(rule: str) -> str:
    parts = split_rule(rule)
    freq = parts.get("FREQ", "")
    interval = int(parts.get("INTERVAL", "1"))
    unit = _UNIT.get(freq, freq.lower())
    every = "every" if interval == 1 else ("every other" if interval == 2 else f"every {interval}")
    plural = "s" if interval > 2 else ""
    text: str
    if "BYSETPOS" in parts and "BYDAY" in parts and not (freq == "DAILY" and "BYHOUR" in parts):
        pos = _ORD.get(parts["BYSETPOS"], parts["BYSETPOS"])
        text = f"the {pos} {_days(parts['BYDAY'])} of {every} {unit}{plural}"
    elif "BYDAY" in parts and freq in ("WEEKLY", "DAILY"):
        text = f"{every} {_days(parts['BYDAY'])}" if interval <= 2 else \
            f"every {interval} weeks on {_days(parts['BYDAY'])}"
    elif "BYDAY" in parts:
        text = f"the {_days(parts['BYDAY'])} of {every} {unit}{plural}"
    elif "BYMONTHDAY" in parts and freq == "YEARLY" and "BYMONTH" in parts:
        month = _MONTHS[int(parts["BYMONTH"].split(",")[0]) - 1]
        text = f"{every} {unit}{plural} on {month} {int(parts['BYMONTHDAY'].split(',')[0])}"
    elif "BYMONTHDAY" in parts:
        days = [_ordinal(int(d)) for d in parts["BYMONTHDAY"].split(",")]
        label = " and ".join("last day" if d == "last" else d for d in days)
        text = f"the {label} of {every} {unit}{plural}"
    else:
        text = f"{every} {unit}{plural}" if interval <= 2 else f"every {interval} {unit}s"
    text += _times(parts) if freq not in ("HOURLY", "MINUTELY", "SECONDLY") else \
        _sub_daily_times(parts, freq, interval)
    if "COUNT" in parts:
        text += f", {parts['COUNT']} times"
    if "UNTIL" in parts:
        until = datetime.strptime(parts["UNTIL"][:8], "%Y%m%d")
        text += f", until {until:%a %d %b %Y}"
    return text


def describe_once(first: datetime) -> str:
    return f"once, {first:%a %d %b %Y} at {first:%H:%M}"
