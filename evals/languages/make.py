"""Generate the Spanish, German and French eval cases: python -m evals.languages.make

Every case is a combination (construction x amount or day x clock form x task x position x filler)
and its expectation is computed here with dateutil and zoneinfo from the parameters, never by
running the extractor. The files are checked in; tests/test_languages.py regenerates them and fails
when they drift, and gates the pass rate.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

HERE = Path(__file__).parent
TZ = "Europe/Berlin"
NOW = datetime(2026, 12, 2, 10, 0)  # a Wednesday
DST_NOW = datetime(2027, 3, 28, 1, 30)  # half an hour before the spring-forward gap
RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

# Per language: the words the generator combines. Weekday names in the order Monday..Sunday.
LANGS: dict[str, dict[str, Any]] = {
    "es": {
        "minutes": "en {n} minutos", "minutes_within": "dentro de {n} minutos",
        "hours": "en {n} horas", "one_hour": "en una hora", "half_hour": "en media hora",
        "two": "dos",
        "days": ["hoy", "mañana", "pasado mañana"],
        "weekdays": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
        "on_weekday": "el {d}",
        "clock": ["a las {h}", "a las {h}:{m:02d}", "a las {h12} de la tarde"],
        "every_weekday": ["cada {d}", "todos los {ds}"], "plural": {"sábado": "sábados",
                                                                    "domingo": "domingos"},
        "every_day": ["todos los días", "cada día"],
        "tasks": [("llamar al dentista", "llamar dentista"), ("comprar pan", "comprar pan"),
                  ("sacar la basura", "sacar basura")],
        "forms": ["{when} {task}", "recuérdame {task} {when}", "{task} {when}"],
    },
    "de": {
        "minutes": "in {n} Minuten", "minutes_within": "in {n} Minuten",
        "hours": "in {n} Stunden", "one_hour": "in einer Stunde",
        "half_hour": "in einer halben Stunde", "two": "zwei",
        "days": ["heute", "morgen", "übermorgen"],
        "weekdays": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag",
                     "Sonntag"],
        "on_weekday": "am {d}",
        "clock": ["um {h} Uhr", "um {h}:{m:02d}", "um {h12} Uhr abends"],
        "every_weekday": ["jeden {d}", "{ds}"], "plural": None,
        "every_day": ["jeden Tag", "täglich"],
        "tasks": [("Zahnarzt anrufen", "Zahnarzt anrufen"), ("Brot kaufen", "Brot kaufen"),
                  ("den Müll rausbringen", "Müll rausbringen")],
        "forms": ["{when} {task}", "erinnere mich {when}: {task}", "{task} {when}"],
    },
    "fr": {
        "minutes": "dans {n} minutes", "minutes_within": "dans {n} minutes",
        "hours": "dans {n} heures", "one_hour": "dans une heure",
        "half_hour": "dans une demi-heure", "two": "deux",
        "days": ["aujourd'hui", "demain", "après-demain"],
        "weekdays": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
        "on_weekday": "{d}",
        "clock": ["à {h}h", "à {h}h{m:02d}", "à {h12} heures du soir"],
        "every_weekday": ["chaque {d}", "tous les {ds}"], "plural": None,
        "every_day": ["tous les jours", "chaque jour"],
        "tasks": [("appeler le dentiste", "appeler dentiste"), ("acheter du pain", "acheter pain"),
                  ("sortir les poubelles", "sortir poubelles")],
        "forms": ["{when} {task}", "rappelle-moi de {task} {when}", "{task} {when}"],
    },
}


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S")


def _elapsed(now: datetime, delta: timedelta) -> datetime:
    zone = ZoneInfo(TZ)
    aware = now.replace(tzinfo=zone).astimezone(UTC) + delta
    return aware.astimezone(zone).replace(tzinfo=None)


def _clock(lang: dict[str, Any], form: int, hour: int, minute: int) -> tuple[str, int, int]:
    """The clock phrase and the time it names; form 2 names an evening hour on the 12-hour dial."""
    if form == 2:
        hour = hour if hour > 12 else hour + 12
        return lang["clock"][2].format(h12=hour - 12), hour, 0
    if form == 0:
        minute = 0
    return lang["clock"][form].format(h=hour, m=minute), hour, minute


def _weekly(d: str, lang: dict[str, Any], pattern: str) -> str:
    plural = (lang["plural"] or {}).get(d, d if lang is LANGS["es"] else d + "s")
    return pattern.format(d=d, ds=plural)


def cases(code: str) -> list[dict[str, Any]]:
    lang = LANGS[code]
    out: list[dict[str, Any]] = []

    def add(family: str, when: str, expect: dict[str, Any], n: int, now: datetime = NOW) -> None:
        task, title = lang["tasks"][n % len(lang["tasks"])]
        form = lang["forms"][n % len(lang["forms"])]
        text = form.format(when=when, task=task)
        out.append({"id": f"lang-{code}-{family}-{len(out) + 1:03d}", "text": text,
                    "now": _iso(now), "tz": TZ, "category": f"lang-{code}-{family}",
                    "expect": {**expect, "title": title}, "meta": {"language": code}})

    n = 0
    for amount in (5, 20, 45):
        for key in ("minutes", "minutes_within"):
            first = _elapsed(NOW, timedelta(minutes=amount))
            add("relative", lang[key].format(n=amount), {"first": _iso(first), "recurring": False}, n)
            n += 1
    for amount, words in ((2, "2"), (3, "3"), (2, lang["two"])):
        first = _elapsed(NOW, timedelta(hours=amount))
        add("relative", lang["hours"].format(n=words), {"first": _iso(first), "recurring": False}, n)
        n += 1
    for phrase, delta in ((lang["one_hour"], timedelta(hours=1)),
                          (lang["half_hour"], timedelta(minutes=30))):
        add("relative", phrase, {"first": _iso(_elapsed(NOW, delta)), "recurring": False}, n)
        n += 1
    # Across the spring-forward gap: two hours are two real hours (01:30 CET -> 04:30 CEST).
    add("relative", lang["hours"].format(n=2),
        {"first": _iso(_elapsed(DST_NOW, timedelta(hours=2))), "recurring": False}, n, DST_NOW)
    n += 1
    for days, word in enumerate(lang["days"]):
        for form in range(3):
            phrase, hour, minute = _clock(lang, form, 11 + 3 * form + days, 15 * form)
            first = datetime.combine(NOW.date() + timedelta(days=days), datetime.min.time()) \
                .replace(hour=hour, minute=minute)
            add("day", f"{word} {phrase}", {"first": _iso(first), "recurring": False}, n)
            n += 1
    for index, day in enumerate(lang["weekdays"]):
        phrase, hour, minute = _clock(lang, index % 3, 9 + index, 30)
        first = NOW + relativedelta(weekday=index, hour=hour, minute=minute)
        if first <= NOW:
            first += timedelta(days=7)
        when = f"{lang['on_weekday'].format(d=day)} {phrase}"
        add("weekday", when, {"first": _iso(first), "recurring": False}, n)
        n += 1
    for index, day in enumerate(lang["weekdays"]):
        phrase, hour, minute = _clock(lang, index % 2, 8 + index, 30)
        pattern = lang["every_weekday"][index % 2]
        start = NOW + relativedelta(weekday=index, hour=hour, minute=minute)
        if start <= NOW:
            start += timedelta(days=7)
        rule = f"FREQ=WEEKLY;BYDAY={RRULE_DAYS[index]}"
        assert rrulestr(rule, dtstart=start)[0] == start  # the rule fires first at `start`
        add("recurring", f"{_weekly(day, lang, pattern)} {phrase}",
            {"first": _iso(start), "rrule": rule, "recurring": True}, n)
        n += 1
    for index, phrase_daily in enumerate(lang["every_day"]):
        phrase, hour, minute = _clock(lang, index, 7 + index, 45)
        start = NOW.replace(hour=hour, minute=minute)
        if start <= NOW:
            start += timedelta(days=1)
        add("recurring", f"{phrase_daily} {phrase}",
            {"first": _iso(start), "rrule": "FREQ=DAILY", "recurring": True}, n)
        n += 1
    return out


def write() -> list[Path]:
    paths = []
    for code in LANGS:
        path = HERE / f"{code}.jsonl"
        path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases(code)),
                        encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write():
        print(written, file=sys.stderr)
