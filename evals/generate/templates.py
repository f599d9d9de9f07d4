"""The templates. Each draws structured parameters, renders them in one of several
phrasings, and returns a case built by core.one_time / core.recurring from the parameters."""
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from . import timecalc as tc
from . import vocab as V
from .core import Ctx, Reject, compose, hms, one_time, recurring

WKD = "MO,TU,WE,TH,FR"


@dataclass(frozen=True)
class Template:
    name: str
    category: str
    build: Callable[[Ctx], dict]


TEMPLATES: list[Template] = []


def template(name: str, category: str):
    def deco(fn):
        TEMPLATES.append(Template(name, category, fn))
        return fn
    return deco


# ------------------------------------------------------------------ clock phrases
def h12(h: int) -> int:
    return 12 if h % 12 == 0 else h % 12


def ampm(h: int) -> str:
    return "am" if h < 12 else "pm"


def digit_clock(ctx: Ctx, h: int, m: int, midnight: bool = False) -> str:
    """'5pm', '5:30 pm', '17:30', 'noon' — unambiguous digit forms. 'midnight' only where
    asked for: next to a day ("every Monday at midnight") it is ambiguous."""
    opts = []
    sp = " " if ctx.chance(0.3) else ""
    ap = ampm(h).upper() if ctx.chance(0.1) else ampm(h)
    if m == 0:
        opts.append(f"{h12(h)}{sp}{ap}")
    else:
        opts.append(f"{h12(h)}:{m:02d}{sp}{ap}")
    opts.append(f"{h:02d}:{m:02d}")
    if (h, m) == (12, 0):
        opts += ["noon", "noon"]
    if (h, m) == (0, 0):
        opts = ["midnight", "00:00"] if midnight else ["00:00"]
    return ctx.choice(opts)


def dayword(h: int) -> str:
    if 5 <= h < 12:
        return "in the morning"
    if 12 < h < 18:
        return "in the afternoon"
    if 18 <= h <= 22:
        return "in the evening"
    return ""


def word_clock(ctx: Ctx, h: int, m: int) -> str | None:
    """'half past four pm', 'quarter to seven in the evening', "eight o'clock in the morning",
    '8a', '5p' — or None when (h, m) has no word form here."""
    if (h, m) == (12, 0):
        return "noon"
    if (h, m) == (0, 0):
        return None
    if h in (0, 12):
        return None
    opts = []
    dw = dayword(h)
    qual = [ampm(h)] + ([dw] if dw else [])
    q = ctx.choice(qual)
    if m == 0:
        opts.append(f"{V.number_words(h12(h))} o'clock {q}")
        opts.append(f"{h12(h)}{ampm(h)[0]}")
        opts.append(f"{h12(h)} {dw}" if dw else f"{h12(h)}{ampm(h)[0]}")
    elif m == 30:
        opts.append(f"half past {V.number_words(h12(h))} {q}")
        opts.append(f"half past {h12(h)} {q}")
    elif m == 15:
        opts.append(f"quarter past {V.number_words(h12(h))} {q}")
    elif m == 45 and h not in (11, 23):
        nh = h + 1
        # the qualifier belongs to the hour named ("quarter to seven in the evening" = 18:45)
        dq = ctx.choice([ampm(nh)] + ([dayword(nh)] if dayword(nh) and dayword(nh) == dw else []))
        opts.append(f"quarter to {V.number_words(h12(nh))} {dq}")
    else:
        return None
    return ctx.choice(opts)


def any_clock(ctx: Ctx, h: int, m: int, words: float = 0.25, midnight: bool = False) -> str:
    if ctx.chance(words):
        w = word_clock(ctx, h, m)
        if w:
            return w
    return digit_clock(ctx, h, m, midnight)


def at(ctx: Ctx, h: int, m: int, words: float = 0.25, midnight: bool = False) -> str:
    return "at " + any_clock(ctx, h, m, words, midnight)


def month_day(ctx: Ctx, d: date, year: bool) -> str:
    mon = ctx.choice([V.MONTHS[d.month - 1], V.MONTHS[d.month - 1], V.MONTHABBR[d.month - 1]])
    day = ctx.choice([str(d.day), V.ordinal_suffix(d.day)])
    forms = [f"on {mon} {day}", f"{mon} {day}", f"on the {V.ordinal_suffix(d.day)} of {V.MONTHS[d.month - 1]}",
             f"on {d.day} {V.MONTHS[d.month - 1]}"]
    s = ctx.choice(forms)
    if year:
        s += ctx.choice([f", {d.year}", f" {d.year}"])
    return s


def day_name(ctx: Ctx, wd: int, abbr: float = 0.2) -> str:
    if ctx.chance(abbr):
        return ctx.choice(V.DAYABBR[wd])
    return V.DAYNAMES[wd]


def days_list(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def num(ctx: Ctx, n: int, words: float = 0.3) -> str:
    return V.number_words(n) if ctx.chance(words) and n < 100 else str(n)


# ================================================================== one-time templates
@template("abs_month_day_time", "gen-absolute")
def _abs_mdt(ctx: Ctx):
    d = ctx.now.date() + timedelta(days=ctx.rng.randrange(1, 300))
    h, m = ctx.hm()
    with_year = ctx.chance(0.35)
    calc = ({"op": "date", "date": d.isoformat(), "h": h, "m": m} if with_year
            else {"op": "nextdate", "month": d.month, "day": d.day, "h": h, "m": m})
    return one_time(ctx, compose(ctx, f"{month_day(ctx, d, with_year)} {at(ctx, h, m)}"), calc)


@template("abs_date_only", "gen-absolute")
def _abs_do(ctx: Ctx):
    d = ctx.now.date() + timedelta(days=ctx.rng.randrange(1, 360))
    with_year = ctx.chance(0.3)
    calc = ({"op": "date", "date": d.isoformat()} if with_year
            else {"op": "nextdate", "month": d.month, "day": d.day})
    return one_time(ctx, compose(ctx, month_day(ctx, d, with_year)), calc, date_only=True)


@template("abs_iso", "gen-absolute")
def _abs_iso(ctx: Ctx):
    d = ctx.now.date() + timedelta(days=ctx.rng.randrange(1, 500))
    h, m = ctx.hm()
    form = ctx.rng.randrange(3)
    if form == 0:
        s = f"{d.isoformat()} {h:02d}:{m:02d}"
    elif form == 1:
        s = f"on {d.isoformat()} {at(ctx, h, m, 0)}"
    else:
        s = f"on {d.isoformat()}"
        return one_time(ctx, compose(ctx, s), {"op": "date", "date": d.isoformat()}, date_only=True)
    return one_time(ctx, compose(ctx, s), {"op": "date", "date": d.isoformat(), "h": h, "m": m})


@template("numeric_us_date", "gen-numeric-date")
def _num_us(ctx: Ctx):
    d = ctx.now.date() + timedelta(days=ctx.rng.randrange(1, 330))
    h, m = ctx.hm()
    with_year = ctx.chance(0.4)
    s = f"{d.month}/{d.day}" + (f"/{d.year}" if with_year else "")
    calc = ({"op": "date", "date": d.isoformat()} if with_year
            else {"op": "nextdate", "month": d.month, "day": d.day})
    if ctx.chance(0.3):
        return one_time(ctx, compose(ctx, f"on {s}"), calc, date_only=True)
    calc.update(h=h, m=m)
    return one_time(ctx, compose(ctx, f"on {s} {at(ctx, h, m)}"), calc)


@template("monthday_ordinal", "gen-ordinal")
def _ordinal(ctx: Ctx):
    day = ctx.rng.randrange(1, 32)
    word = ctx.chance(0.5)
    o = V.ordinal_words(day) if word else V.ordinal_suffix(day)
    if ctx.chance(0.4):
        return one_time(ctx, compose(ctx, f"on the {o}"), {"op": "monthday", "day": day}, date_only=True)
    h, m = ctx.hm()
    return one_time(ctx, compose(ctx, f"on the {o} {at(ctx, h, m)}"), {"op": "monthday", "day": day, "h": h, "m": m})


@template("time_only", "gen-time-only")
def _time_only(ctx: Ctx):
    h, m = ctx.hm()
    return one_time(ctx, compose(ctx, at(ctx, h, m, 0, midnight=True)), {"op": "time", "h": h, "m": m})


@template("time_words", "gen-time-words")
def _time_words(ctx: Ctx):
    h, m = ctx.hm()
    if ctx.chance(0.15):
        h, m = ctx.choice([(12, 0), (0, 0)])
    if ctx.chance(0.2) and 1 <= h <= 11 and m == 0:
        # a bare hour: only where the 24-hour reading and the next-12-hour reading agree
        now = ctx.now
        a = tc.next_clock(now, ctx.z, time(h))
        b = tc.next_clock(now, ctx.z, time(h + 12))
        if not tc.instant(a, ctx.z) < tc.instant(b, ctx.z):
            raise Reject("bare hour ambiguous here")
        s = f"at {h}"
    else:
        w = word_clock(ctx, h, m) if (h, m) != (0, 0) else "midnight"
        if w is None:
            raise Reject("no word form")
        s = "at " + w
    return one_time(ctx, compose(ctx, s), {"op": "time", "h": h, "m": m})


def _rel_unit(ctx: Ctx, unit: str, n: int, words: float) -> str:
    if n == 1:
        art = "an" if unit == "hour" else "a"
        return ctx.choice([f"{art} {unit}", f"1 {unit}", f"one {unit}"])
    return f"{num(ctx, n, words)} {unit}s"


@template("rel_minutes_hours", "gen-relative")
def _rel_mh(ctx: Ctx):
    unit = ctx.choice(["minute", "minute", "hour", "second"])
    n = {"minute": ctx.rng.randrange(1, 240), "hour": ctx.rng.randrange(1, 49),
         "second": ctx.rng.choice([5, 10, 30, 45, 90])}[unit]
    sec = n * {"minute": 60, "hour": 3600, "second": 1}[unit]
    phr = _rel_unit(ctx, unit, n, 0)
    if unit == "minute" and n > 1 and ctx.chance(0.2):
        phr = f"{n} " + ctx.choice(["mins", "min"])
    if unit == "hour" and n > 1 and ctx.chance(0.15):
        phr = f"{n} hrs"
    return one_time(ctx, compose(ctx, f"in {phr}"), {"op": "elapsed", "sec": sec})


@template("rel_number_words", "gen-relative-words")
def _rel_words(ctx: Ctx):
    k = ctx.rng.randrange(6)
    if k == 0:
        phr, sec = "half an hour", 1800
    elif k == 1:
        phr, sec = "an hour and a half", 5400
    elif k in (2, 3):
        n = ctx.rng.randrange(2, 60)
        phr, sec = f"{V.number_words(n, hyphen=ctx.chance(0.7))} minutes", n * 60
    elif k == 4:
        n = ctx.rng.randrange(2, 13)
        phr, sec = f"{V.number_words(n)} hours", n * 3600
    else:
        phr, sec = ctx.choice([("a minute", 60), ("an hour", 3600), ("a quarter of an hour", 900),
                               ("fifteen minutes", 900), ("ninety minutes", 5400)])
    return one_time(ctx, compose(ctx, f"in {phr}"), {"op": "elapsed", "sec": sec})


@template("rel_days_weeks", "gen-relative-days")
def _rel_dw(ctx: Ctx):
    k = ctx.rng.randrange(5)
    if k == 0:
        return one_time(ctx, compose(ctx, ctx.choice(["in a fortnight", "in two weeks", "in 2 weeks"])),
                        {"op": "wall", "weeks": 2})
    if k in (1, 2):
        n = ctx.rng.randrange(1, 45)
        return one_time(ctx, compose(ctx, "in " + _rel_unit(ctx, "day", n, 0.3)), {"op": "wall", "days": n})
    n = ctx.rng.randrange(1, 10)
    return one_time(ctx, compose(ctx, "in " + _rel_unit(ctx, "week", n, 0.3)), {"op": "wall", "weeks": n})


@template("rel_months_years", "gen-relative-days")
def _rel_my(ctx: Ctx):
    if ctx.chance(0.7):
        n = ctx.rng.randrange(1, 13)
        return one_time(ctx, compose(ctx, "in " + _rel_unit(ctx, "month", n, 0.3)), {"op": "wall", "months": n})
    n = ctx.rng.randrange(1, 4)
    return one_time(ctx, compose(ctx, "in " + _rel_unit(ctx, "year", n, 0.3)), {"op": "wall", "years": n})


@template("today_tomorrow", "gen-day")
def _today_tomorrow(ctx: Ctx):
    k = ctx.rng.randrange(4)
    if k == 3:
        return one_time(ctx, compose(ctx, ctx.choice(["tomorrow", "tmrw", "tomorrow"])),
                        {"op": "rel_day", "days": 1}, date_only=True)
    h, m = ctx.hm()
    if k == 0:
        t = datetime.combine(ctx.now.date(), time(h, m))
        if tc.instant(t, ctx.z) <= tc.instant(ctx.now, ctx.z) or h == 0:
            raise Reject("today's time passed")
        return one_time(ctx, compose(ctx, f"today {at(ctx, h, m)}"), {"op": "rel_day", "days": 0, "h": h, "m": m})
    if (h, m) == (0, 0):
        raise Reject("tomorrow at midnight is ambiguous")
    word = ctx.choice(["tomorrow", "tomorrow", "tmrw", "tmr"])
    return one_time(ctx, compose(ctx, f"{word} {at(ctx, h, m)}"), {"op": "rel_day", "days": 1, "h": h, "m": m})


@template("day_after_tomorrow", "gen-day")
def _dat(ctx: Ctx):
    phr = ctx.choice(["the day after tomorrow", "day after tomorrow", "the day after tmrw"])
    if ctx.chance(0.4):
        return one_time(ctx, compose(ctx, phr), {"op": "rel_day", "days": 2}, date_only=True)
    h, m = ctx.hm()
    if (h, m) == (0, 0):
        raise Reject("midnight")
    return one_time(ctx, compose(ctx, f"{phr} {at(ctx, h, m)}"), {"op": "rel_day", "days": 2, "h": h, "m": m})


@template("weekday_time", "gen-weekday")
def _weekday_time(ctx: Ctx):
    wd = ctx.rng.randrange(7)
    h, m = ctx.hm()
    if (h, m) == (0, 0):
        raise Reject("midnight")
    lead = ctx.choice(["on ", "", "this "])
    return one_time(ctx, compose(ctx, f"{lead}{day_name(ctx, wd, 0.3)} {at(ctx, h, m)}"),
                    {"op": "weekday", "wd": tc.DAYCODES[wd], "h": h, "m": m})


@template("next_weekday", "gen-weekday")
def _next_weekday(ctx: Ctx):
    wd = ctx.rng.randrange(7)
    if ctx.chance(0.4):
        return one_time(ctx, compose(ctx, f"next {day_name(ctx, wd)}"),
                        {"op": "weekday", "wd": tc.DAYCODES[wd], "next": True}, date_only=True)
    h, m = ctx.hm()
    if (h, m) == (0, 0):
        raise Reject("midnight")
    return one_time(ctx, compose(ctx, f"next {day_name(ctx, wd)} {at(ctx, h, m)}"),
                    {"op": "weekday", "wd": tc.DAYCODES[wd], "h": h, "m": m, "next": True})


@template("weekday_date_only", "gen-weekday")
def _weekday_do(ctx: Ctx):
    wd = ctx.rng.randrange(7)
    lead = ctx.choice(["on ", "", "this "])
    return one_time(ctx, compose(ctx, f"{lead}{day_name(ctx, wd, 0.3)}"),
                    {"op": "weekday", "wd": tc.DAYCODES[wd]}, date_only=True)


@template("week_from", "gen-weekday")
def _week_from(ctx: Ctx):
    k = ctx.rng.randrange(3)
    if k == 0:
        wd = ctx.rng.randrange(7)
        if ctx.now.weekday() == wd:
            raise Reject("'a week from <today's weekday>' is ambiguous")
        return one_time(ctx, compose(ctx, f"a week from {V.DAYNAMES[wd]}"),
                        {"op": "weekday", "wd": tc.DAYCODES[wd], "plus_weeks": 1}, date_only=True)
    if k == 1:
        return one_time(ctx, compose(ctx, "a week from tomorrow"), {"op": "rel_day", "days": 8}, date_only=True)
    return one_time(ctx, compose(ctx, ctx.choice(["a week from today", "one week from today"])),
                    {"op": "rel_day", "days": 7}, date_only=True)


@template("weekend_month_end", "gen-weekend-eom")
def _weekend_eom(ctx: Ctx):
    if ctx.chance(0.5):
        if ctx.now.weekday() >= 5:
            raise Reject("'this weekend' on a weekend")
        return one_time(ctx, compose(ctx, ctx.choice(["this weekend", "over the weekend", "this weekend"])),
                        {"op": "weekday", "wd": "SA"}, date_only=True)
    last = ctx.now.date() + relativedelta(day=31)
    if ctx.now.date() == last:
        raise Reject("'end of the month' on its last day")
    return one_time(ctx, compose(ctx, ctx.choice(["at the end of the month", "end of the month",
                                                 "on the last day of this month", "by the end of the month"])),
                    {"op": "lastday"}, date_only=True)


DAYPARTS = {"morning": 9, "afternoon": 15, "evening": 19, "night": 21}


@template("daypart_relative", "gen-daypart")
def _daypart_rel(ctx: Ctx):
    k = ctx.rng.randrange(3)
    if k == 0:
        part = ctx.choice(list(DAYPARTS))
        return one_time(ctx, compose(ctx, f"tomorrow {part}"), {"op": "rel_day", "days": 1, "h": DAYPARTS[part]})
    if k == 1:
        phr, h = ctx.choice([("this morning", 9), ("this afternoon", 15), ("this evening", 19), ("tonight", 20),
                             ("by end of day", 17), ("end of day", 17)])
        if ctx.now.hour >= h:
            raise Reject("daypart passed")
        return one_time(ctx, compose(ctx, phr), {"op": "rel_day", "days": 0, "h": h})
    part = ctx.choice(list(DAYPARTS))
    return one_time(ctx, compose(ctx, f"the day after tomorrow in the {part}" if part != "night"
                                 else "the day after tomorrow at night"),
                    {"op": "rel_day", "days": 2, "h": DAYPARTS[part]})


@template("weekday_daypart", "gen-daypart")
def _weekday_daypart(ctx: Ctx):
    wd = ctx.rng.randrange(7)
    part = ctx.choice(list(DAYPARTS))
    if ctx.chance(0.3):
        return one_time(ctx, compose(ctx, f"next {V.DAYNAMES[wd]} {part}"),
                        {"op": "weekday", "wd": tc.DAYCODES[wd], "h": DAYPARTS[part], "next": True})
    lead = ctx.choice(["on ", "", "this "])
    return one_time(ctx, compose(ctx, f"{lead}{V.DAYNAMES[wd]} {part}"),
                    {"op": "weekday", "wd": tc.DAYCODES[wd], "h": DAYPARTS[part]})


# ================================================================== recurring templates
@template("daily", "gen-daily")
def _daily(ctx: Ctx):
    if ctx.chance(0.2):
        return recurring(ctx, compose(ctx, ctx.choice(["every day", "daily", "each day"])), "FREQ=DAILY;" + hms(9))
    h, m = ctx.hm()
    lead = ctx.choice(["every day", "daily", "each day", "every single day"])
    return recurring(ctx, compose(ctx, f"{lead} {at(ctx, h, m, midnight=True)}"), "FREQ=DAILY;" + hms(h, m))


@template("daily_daypart", "gen-daily")
def _daily_dp(ctx: Ctx):
    part = ctx.choice(list(DAYPARTS))
    lead = ctx.choice(["every", "each"])
    return recurring(ctx, compose(ctx, f"{lead} {part}"), "FREQ=DAILY;" + hms(DAYPARTS[part]))


@template("weekly_single", "gen-weekly")
def _weekly_single(ctx: Ctx):
    wd = ctx.rng.randrange(7)
    h, m = ctx.hm() if ctx.chance(0.8) else (9, 0)
    name = V.DAYNAMES[wd]
    when = "" if (h, m) == (9, 0) and ctx.chance(0.5) else " " + at(ctx, h, m)
    lead = ctx.choice([f"every {name}", f"every {name}", f"on {name}s", f"weekly on {name}s",
                       f"every {ctx.choice(V.DAYABBR[wd])}", f"each {name}"])
    return recurring(ctx, compose(ctx, lead + when), f"FREQ=WEEKLY;BYDAY={tc.DAYCODES[wd]};" + hms(h, m))


@template("weekly_day_list", "gen-weekly")
def _weekly_list(ctx: Ctx):
    k = ctx.rng.choice([2, 2, 3])
    wds = sorted(ctx.rng.sample(range(7), k))
    h, m = ctx.hm()
    abbr = ctx.chance(0.3)
    names = [ctx.choice(V.DAYABBR[w]) if abbr else V.DAYNAMES[w] for w in wds]
    lead = ctx.choice(["every ", "on ", "every "]) + days_list(names)
    return recurring(ctx, compose(ctx, f"{lead} {at(ctx, h, m)}"),
                     "FREQ=WEEKLY;BYDAY=" + ",".join(tc.DAYCODES[w] for w in wds) + ";" + hms(h, m), n=3)


@template("weekdays_weekends", "gen-weekly")
def _weekdays_weekends(ctx: Ctx):
    h, m = ctx.hm()
    if ctx.chance(0.6):
        lead, days = ctx.choice(["every weekday", "on weekdays", "weekdays", "every workday"]), WKD
    else:
        lead, days = ctx.choice(["every weekend", "on weekends", "weekends"]), "SA,SU"
    if lead == "every workday":
        lead = "every weekday"
    return recurring(ctx, compose(ctx, f"{lead} {at(ctx, h, m)}"), f"FREQ=WEEKLY;BYDAY={days};" + hms(h, m), n=3)


@template("every_other_week", "gen-weekly")
def _every_other_week(ctx: Ctx):
    wd = ctx.rng.randrange(7)
    h, m = ctx.hm()
    name = V.DAYNAMES[wd]
    lead = ctx.choice([f"every other {name}", f"every 2 weeks on {name}", f"every two weeks on {name}",
                       f"every other week on {name}"])
    return recurring(ctx, compose(ctx, f"{lead} {at(ctx, h, m)}"),
                     f"FREQ=WEEKLY;INTERVAL=2;BYDAY={tc.DAYCODES[wd]};" + hms(h, m))


@template("every_n_hours_minutes", "gen-interval")
def _every_n_hm(ctx: Ctx):
    k = ctx.rng.randrange(5)
    if k == 0:
        phr, sec, rule = ctx.choice([("every hour", 3600, "FREQ=HOURLY;INTERVAL=1"),
                                     ("hourly", 3600, "FREQ=HOURLY;INTERVAL=1"),
                                     ("every half hour", 1800, "FREQ=MINUTELY;INTERVAL=30")])
    elif k in (1, 2):
        n = ctx.rng.randrange(2, 13)
        phr, sec, rule = f"every {num(ctx, n, 0.4)} hours", n * 3600, f"FREQ=HOURLY;INTERVAL={n}"
    else:
        n = ctx.choice([5, 10, 15, 20, 25, 30, 40, 45, 90])
        phr, sec, rule = f"every {num(ctx, n, 0.4)} minutes", n * 60, f"FREQ=MINUTELY;INTERVAL={n}"
    return recurring(ctx, compose(ctx, phr), rule, anchor=sec, n=3)


@template("every_n_days", "gen-interval")
def _every_n_days(ctx: Ctx):
    h, m = ctx.hm() if ctx.chance(0.75) else (9, 0)
    when = "" if (h, m) == (9, 0) and ctx.chance(0.6) else " " + at(ctx, h, m)
    n = ctx.rng.randrange(2, 11)
    phr = "every other day" if n == 2 and ctx.chance(0.5) else f"every {num(ctx, n, 0.4)} days"
    return recurring(ctx, compose(ctx, phr + when), f"FREQ=DAILY;INTERVAL={n};" + hms(h, m))


@template("monthly_monthday", "gen-monthly")
def _monthly_md(ctx: Ctx):
    day = ctx.rng.randrange(1, 29) if ctx.chance(0.8) else ctx.rng.randrange(29, 32)
    h, m = ctx.hm() if ctx.chance(0.7) else (9, 0)
    when = "" if (h, m) == (9, 0) and ctx.chance(0.6) else " " + at(ctx, h, m)
    o = V.ordinal_suffix(day) if ctx.chance(0.8) else V.ordinal_words(day)
    lead = ctx.choice([f"on the {o} of every month", f"every month on the {o}", f"monthly on the {o}",
                       f"on the {o} of each month"])
    return recurring(ctx, compose(ctx, lead + when), f"FREQ=MONTHLY;BYMONTHDAY={day};" + hms(h, m))


@template("monthly_nth_weekday", "gen-monthly")
def _monthly_nth(ctx: Ctx):
    nth = ctx.choice([1, 2, 3, 4, -1])
    wd = ctx.rng.randrange(7)
    h, m = ctx.hm() if ctx.chance(0.7) else (9, 0)
    when = "" if (h, m) == (9, 0) and ctx.chance(0.6) else " " + at(ctx, h, m)
    o = V.NTH[nth] if ctx.chance(0.7) else V.NTH_SHORT[nth]
    lead = ctx.choice([f"on the {o} {V.DAYNAMES[wd]} of every month", f"every {o} {V.DAYNAMES[wd]} of the month",
                       f"the {o} {V.DAYNAMES[wd]} of each month"])
    return recurring(ctx, compose(ctx, lead + when), f"FREQ=MONTHLY;BYDAY={nth}{tc.DAYCODES[wd]};" + hms(h, m))


@template("monthly_last", "gen-monthly")
def _monthly_last(ctx: Ctx):
    h, m = ctx.hm() if ctx.chance(0.6) else (9, 0)
    when = "" if (h, m) == (9, 0) and ctx.chance(0.6) else " " + at(ctx, h, m)
    if ctx.chance(0.5):
        lead = ctx.choice(["on the last day of every month", "every last day of the month",
                           "on the last day of each month"])
        rule = "FREQ=MONTHLY;BYMONTHDAY=-1;" + hms(h, m)
    else:
        lead = ctx.choice(["on the last weekday of every month", "on the last business day of each month",
                           "every last working day of the month"])
        rule = f"FREQ=MONTHLY;BYDAY={WKD};BYSETPOS=-1;" + hms(h, m)
    return recurring(ctx, compose(ctx, lead + when), rule)


@template("yearly", "gen-yearly")
def _yearly(ctx: Ctx):
    mo = ctx.rng.randrange(1, 13)
    day = ctx.rng.randrange(1, 29)
    h, m = ctx.hm() if ctx.chance(0.6) else (9, 0)
    when = "" if (h, m) == (9, 0) and ctx.chance(0.6) else " " + at(ctx, h, m)
    mon = V.MONTHS[mo - 1]
    d = ctx.choice([str(day), V.ordinal_suffix(day)])
    lead = ctx.choice([f"every year on {mon} {d}", f"every {mon} {d}", f"annually on {mon} {d}",
                       f"every year on the {V.ordinal_suffix(day)} of {mon}", f"yearly on {mon} {d}"])
    return recurring(ctx, compose(ctx, lead + when), f"FREQ=YEARLY;BYMONTH={mo};BYMONTHDAY={day};" + hms(h, m), n=2)


@template("multi_times", "gen-multi")
def _multi(ctx: Ctx):
    k = ctx.rng.randrange(4)
    if k == 0:
        phr = ctx.choice(["twice a day", "twice daily", "two times a day"])
        return recurring(ctx, compose(ctx, phr), "FREQ=DAILY;" + hms([9, 21]), n=3)
    if k == 1:
        return recurring(ctx, compose(ctx, ctx.choice(["every morning and evening", "every morning and every evening"])),
                         "FREQ=DAILY;" + hms([9, 19]), n=3)
    m = ctx.choice([0, 0, 30, 15])
    hours = sorted(ctx.rng.sample(range(6, 23), ctx.choice([2, 2, 3])))
    clocks = [any_clock(ctx, h, m, 0) for h in hours]
    if k == 2:
        lead = ctx.choice(["every day at ", "daily at "])
        rule = "FREQ=DAILY;" + hms(hours, m)
    else:
        lead = "every weekday at "
        rule = f"FREQ=WEEKLY;BYDAY={WKD};" + hms(hours, m)
    return recurring(ctx, compose(ctx, lead + days_list(clocks)), rule, n=3)


def _date_phrase(ctx: Ctx, d: date) -> str:
    return ctx.choice([f"{V.MONTHS[d.month - 1]} {d.day}", f"{V.MONTHS[d.month - 1]} {V.ordinal_suffix(d.day)}",
                       f"the {V.ordinal_suffix(d.day)} of {V.MONTHS[d.month - 1]}"])


@template("bounds_until", "gen-bounds")
def _until(ctx: Ctx):
    h, m = ctx.hm()
    if ctx.chance(0.4):
        wd = ctx.rng.randrange(7)
        end = date(ctx.now.year, 12, 31)
        return recurring(ctx, compose(ctx, f"every {V.DAYNAMES[wd]} {at(ctx, h, m)} until the end of the year"),
                         f"FREQ=WEEKLY;UNTIL={end:%Y%m%d}T235959;BYDAY={tc.DAYCODES[wd]};" + hms(h, m))
    end = ctx.now.date() + timedelta(days=ctx.rng.randrange(3, 60))
    return recurring(ctx, compose(ctx, f"every day {at(ctx, h, m)} until {_date_phrase(ctx, end)}"),
                     f"FREQ=DAILY;UNTIL={end:%Y%m%d}T235959;" + hms(h, m))


@template("bounds_count", "gen-bounds")
def _count(ctx: Ctx):
    h, m = ctx.hm()
    k = ctx.rng.randrange(3)
    if k == 0:
        n = ctx.rng.randrange(2, 11)
        wd = ctx.rng.randrange(7)
        return recurring(ctx, compose(ctx, f"every {V.DAYNAMES[wd]} {at(ctx, h, m)}, {num(ctx, n)} times"),
                         f"FREQ=WEEKLY;COUNT={n};BYDAY={tc.DAYCODES[wd]};" + hms(h, m), n=min(3, n - 1))
    if k == 1:
        n = ctx.choice([3, 5, 7, 10, 14, 30])
        return recurring(ctx, compose(ctx, f"every day {at(ctx, h, m)} for the next {num(ctx, n)} days"),
                         f"FREQ=DAILY;COUNT={n};" + hms(h, m), n=min(3, n - 1))
    n = ctx.rng.randrange(2, 9)
    wd = ctx.rng.randrange(7)
    return recurring(ctx, compose(ctx, f"every {V.DAYNAMES[wd]} {at(ctx, h, m)} for {num(ctx, n)} weeks"),
                     f"FREQ=WEEKLY;COUNT={n};BYDAY={tc.DAYCODES[wd]};" + hms(h, m), n=min(3, n - 1))


@template("bounds_start", "gen-bounds")
def _start(ctx: Ctx):
    h, m = ctx.hm()
    k = ctx.rng.randrange(3)
    if k == 0:
        monday = tc.next_week_weekday(ctx.now, 0)
        return recurring(ctx, compose(ctx, f"every weekday {at(ctx, h, m)} starting next Monday"),
                         f"FREQ=WEEKLY;BYDAY={WKD};" + hms(h, m), start=datetime.combine(monday, time(0)), n=3)
    if k == 1:
        n = ctx.rng.randrange(2, 8)
        tomorrow = ctx.now.date() + timedelta(days=1)
        return recurring(ctx, compose(ctx, f"every {num(ctx, n)} days starting tomorrow {at(ctx, h, m)}"),
                         f"FREQ=DAILY;INTERVAL={n};" + hms(h, m), start=datetime.combine(tomorrow, time(0)))
    d = ctx.now.date() + timedelta(days=ctx.rng.randrange(2, 40))
    return recurring(ctx, compose(ctx, f"every day {at(ctx, h, m)} starting {_date_phrase(ctx, d)}", sched_first=False),
                     "FREQ=DAILY;" + hms(h, m), start=datetime.combine(d, time(0)))


@template("nth_and_nth_weekday", "gen-longtail")
def _nth_nth(ctx: Ctx):
    a, b = ctx.choice([(1, 3), (2, 4), (1, 2), (2, 3), (1, 4)])
    wd = ctx.rng.randrange(7)
    h, m = ctx.hm() if ctx.chance(0.6) else (9, 0)
    when = "" if (h, m) == (9, 0) and ctx.chance(0.6) else " " + at(ctx, h, m)
    name = V.DAYNAMES[wd]
    short = ctx.chance(0.5)
    oa, ob = (V.NTH_SHORT[a], V.NTH_SHORT[b]) if short else (V.NTH[a], V.NTH[b])
    lead = ctx.choice([f"every {oa} and {ob} {name}", f"on the {oa} and {ob} {name} of every month",
                       f"on the {oa} and {ob} {name} of each month"])
    code = tc.DAYCODES[wd]
    return recurring(ctx, compose(ctx, lead + when), f"FREQ=MONTHLY;BYDAY={a}{code},{b}{code};" + hms(h, m), n=3)


@template("quarter_business_day", "gen-longtail")
def _quarter(ctx: Ctx):
    h, m = ctx.hm() if ctx.chance(0.5) else (9, 0)
    when = "" if (h, m) == (9, 0) and ctx.chance(0.6) else " " + at(ctx, h, m)
    lead = ctx.choice(["on the first business day of every quarter", "first business day of each quarter",
                       "on the first working day of every quarter"])
    return recurring(ctx, compose(ctx, lead + when),
                     f"FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY={WKD};BYSETPOS=1;" + hms(h, m), n=2)


@template("weekday_except", "gen-longtail")
def _except(ctx: Ctx):
    h, m = ctx.hm()
    if ctx.chance(0.6):
        ex = ctx.rng.randrange(5)
        days = [d for d in range(5) if d != ex]
        lead = f"every weekday except {V.DAYNAMES[ex]}"
    else:
        ex = ctx.rng.randrange(7)
        days = [d for d in range(7) if d != ex]
        lead = f"every day except {V.DAYNAMES[ex]}"
    rule = "FREQ=WEEKLY;BYDAY=" + ",".join(tc.DAYCODES[d] for d in days) + ";" + hms(h, m)
    return recurring(ctx, compose(ctx, f"{lead} {at(ctx, h, m)}"), rule, n=3, meta={"except": tc.DAYCODES[ex]})


@template("hourly_between", "gen-longtail")
def _hourly_between(ctx: Ctx):
    a, b = ctx.choice([(9, 17), (8, 18), (10, 16), (9, 18), (8, 17)])
    k = ctx.rng.randrange(3)
    rng_txt = ctx.choice([f"between {h12(a)} and {h12(b)}", f"from {h12(a)}am to {h12(b)}pm",
                          f"from {a:02d}:00 to {b:02d}:00"])
    hours = list(range(a, b + 1))
    if k < 2:
        return recurring(ctx, compose(ctx, f"every hour {rng_txt} on weekdays"),
                         f"FREQ=HOURLY;BYDAY={WKD};" + hms(hours), n=3)
    return recurring(ctx, compose(ctx, f"every hour {rng_txt}"), "FREQ=HOURLY;" + hms(hours), n=3)


# ================================================================== explicit zones
def _zone_name(ctx: Ctx, when: date) -> tuple[str, str]:
    """A zone as people write it. Northern-hemisphere abbreviations are only used in their
    season (PST in winter, PDT in summer), where they agree with the IANA zone."""
    winter = when.month in (12, 1, 2) or (when.month == 11 and when.day > 7) or (when.month == 3 and when.day < 7)
    summer = 4 <= when.month <= 9
    pool = list(V.ZONE_NAMES_ANYTIME)
    if winter:
        pool += V.ZONE_ABBR_WINTER_NORTH * 2
    if summer:
        pool += V.ZONE_ABBR_SUMMER_NORTH
    return ctx.choice(pool)


@template("zone_time_only", "gen-zone")
def _zone_time(ctx: Ctx):
    h, m = ctx.hm()
    if h in (0, 1, 2, 3):
        h += 8
    name, iana = _zone_name(ctx, ctx.now.date())
    clock = digit_clock(ctx, h, m)
    return one_time(ctx, compose(ctx, f"at {clock} {name}"), {"op": "time", "h": h, "m": m, "zone": iana})


@template("zone_date_time", "gen-zone")
def _zone_date(ctx: Ctx):
    h = ctx.rng.randrange(7, 22)
    m = ctx.choice([0, 0, 30, 15])
    if ctx.chance(0.5):
        d = ctx.now.date() + timedelta(days=ctx.rng.randrange(2, 200))
        name, iana = _zone_name(ctx, d)
        calc = {"op": "date", "date": d.isoformat(), "h": h, "m": m, "zone": iana}
        sched = f"on {V.MONTHS[d.month - 1]} {d.day}, {d.year} at {digit_clock(ctx, h, m)} {name}"
    else:
        wd = ctx.rng.randrange(7)
        name, iana = _zone_name(ctx, ctx.now.date() + timedelta(days=7))
        calc = {"op": "weekday", "wd": tc.DAYCODES[wd], "h": h, "m": m, "next": True, "zone": iana}
        sched = f"next {V.DAYNAMES[wd]} at {digit_clock(ctx, h, m)} {name}"
    return one_time(ctx, compose(ctx, sched), calc)


@template("zone_daily", "gen-zone")
def _zone_daily(ctx: Ctx):
    h = ctx.rng.randrange(6, 23)
    m = ctx.choice([0, 0, 30])
    name, iana = ctx.choice([("UTC", "UTC"), ("Tokyo time", "Asia/Tokyo"), ("GMT", "UTC"),
                             ("India time", "Asia/Kolkata"), ("New York time", "America/New_York"),
                             ("Berlin time", "Europe/Berlin")])
    if ctx.chance(0.6):
        return recurring(ctx, compose(ctx, f"every day at {digit_clock(ctx, h, m)} {name}"),
                         "FREQ=DAILY;" + hms(h, m), zone=iana, n=2)
    wd = ctx.rng.randrange(7)
    return recurring(ctx, compose(ctx, f"every {V.DAYNAMES[wd]} at {digit_clock(ctx, h, m)} {name}"),
                     f"FREQ=WEEKLY;BYDAY={tc.DAYCODES[wd]};" + hms(h, m), zone=iana, n=2)


# ================================================================== filler and agents
@template("filler_politeness", "gen-filler")
def _filler(ctx: Ctx):
    h, m = ctx.hm()
    k = ctx.rng.randrange(3)
    if k == 0:
        sched, calc = at(ctx, h, m), {"op": "time", "h": h, "m": m}
    elif k == 1:
        if (h, m) == (0, 0):
            raise Reject("midnight")
        sched, calc = f"tomorrow {at(ctx, h, m)}", {"op": "rel_day", "days": 1, "h": h, "m": m}
    else:
        n = ctx.rng.randrange(5, 120)
        sched, calc = f"in {n} minutes", {"op": "elapsed", "sec": n * 60}
    text, tk = compose(ctx, sched, kind="reminder", prefix=True, sched_first=False)
    if ctx.chance(0.3):
        text = text.rstrip(".") + ctx.choice([", thanks!", " please", ", thank you", "!", " pls"])
    return one_time(ctx, (text, tk), calc)


@template("agent_phrasing", "gen-agent")
def _agent(ctx: Ctx):
    h, m = ctx.hm()
    if ctx.chance(0.5):
        return recurring(ctx, compose(ctx, f"every day {at(ctx, h, m)}", kind="agent"), "FREQ=DAILY;" + hms(h, m))
    if (h, m) == (0, 0):
        raise Reject("midnight")
    return one_time(ctx, compose(ctx, f"tomorrow {at(ctx, h, m)}", kind="agent"),
                    {"op": "rel_day", "days": 1, "h": h, "m": m})
