"""The fires of a sub-daily rule inside a daily window ("every 30 minutes between 9 and 11") as
RRULE parts whose fires are exactly X, X+step, ... up to Y (Y included when it falls on the step).

Sub-daily rules expand on elapsed time from the window's start and filter on BYHOUR/BYMINUTE
(taskd.resolve.recurrence). That keeps the short form (FREQ=MINUTELY;INTERVAL=15;BYHOUR=9,10;
BYMINUTE=0,15,30,45) when its hour × minute grid holds exactly the wanted fires and the step
divides the hour (so neither the next day nor a DST change, which moves the elapsed grid by an
hour, shifts the fires). Otherwise ("every 30 minutes from 9 to 11", whose grid would add 11:30;
"every 2 hours", "every 90 minutes", whose grid a DST change would move off the hours) the
window is a DAILY rule, which dateutil expands on the wall clock: the fires' hours and minutes,
and when their grid holds more, BYSETPOS picking the wanted ones out of each day's sorted set
(RFC 5545 3.3.10).
"""

from __future__ import annotations

from taskd.extract.rules.scan import Found

_DAY = 24 * 60
_STEP_MINUTES = {"HOURLY": 60, "MINUTELY": 1}
_MAX_SETPOS = 366  # dateutil's (and RFC 5545's) bound on one BYSETPOS value


def _step(rule: dict[str, str]) -> int:
    return _STEP_MINUTES[rule["FREQ"]] * int(rule.get("INTERVAL", "1"))


def window_parts(rule: dict[str, str], start: tuple[int, int],
                 end: tuple[int, int]) -> dict[str, str] | None:
    """The rule's parts for fires from `start` to `end` (hour, minute) each day, or None when
    no rule can say exactly that (the window holds no fire, or too many for BYSETPOS)."""
    step = _step(rule)
    first, last = start[0] * 60 + start[1], end[0] * 60 + end[1]
    fires = list(range(first, min(last, _DAY - 1) + 1, step))
    if not fires:
        return None
    hours = sorted({t // 60 for t in fires})
    minutes = sorted({t % 60 for t in fires})
    parts = {k: v for k, v in rule.items() if k not in ("BYHOUR", "BYMINUTE", "BYSETPOS")}
    parts["BYHOUR"] = ",".join(map(str, hours))
    parts["BYMINUTE"] = ",".join(map(str, minutes))
    hour_set, minute_set, wanted = set(hours), set(minutes), set(fires)
    grid = [t for t in range(_DAY) if t // 60 in hour_set and t % 60 in minute_set]
    if 60 % step == 0 and {t for t in grid if (t - first) % step == 0} == wanted:
        return parts
    parts["FREQ"] = "DAILY"
    parts.pop("INTERVAL", None)
    if len(grid) == len(fires):
        return parts
    positions = [n for n, t in enumerate(grid, 1) if t in wanted]
    if len(grid) > 2 * _MAX_SETPOS or any(n > _MAX_SETPOS and n - len(grid) - 1 < -_MAX_SETPOS
                                          for n in positions):
        return None
    parts["BYSETPOS"] = ",".join(str(n if n <= _MAX_SETPOS else n - len(grid) - 1)
                                 for n in positions)
    return parts


def set_window(found: Found, rule: dict[str, str], start: tuple[int, int],
               end: tuple[int, int]) -> None:
    """Fold the window into `rule` (which is `found.rule`), or ask when no rule says it exactly.
    An hourly rule's minute anchor ("every hour at :15 between 9 and 5") moves the window's first
    fire to the first such minute inside it."""
    anchor = rule.get("BYMINUTE")
    if rule["FREQ"] == "HOURLY" and anchor is not None and anchor.isdigit():
        minute = int(anchor)
        start = (start[0] + (minute < start[1]), minute)
    parts = window_parts(rule, start, end) if start <= end else None
    if parts is None:
        found.question = (f"I cannot make one rule that fires every {_step(rule)} minutes from "
                          f"{start[0] % 24:02d}:{start[1]:02d} to {end[0]:02d}:{end[1]:02d}: "
                          "which times should it be?")
        return
    rule.clear()
    rule.update(parts)
    found.window_start = start
