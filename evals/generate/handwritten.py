"""Hand-written eval cases for the phrasing families of issue 3 (evals/cases/<family>.jsonl).

The texts and their structured parameters are written by hand below; the expected fire times
are computed from the parameters (evals.generate.core -> dateutil + zoneinfo), never typed in
and never taken from taskd. The 17 original files in evals/cases are not touched.

    python -m evals.generate.handwritten        # rewrites only the files named in FILES
"""

from __future__ import annotations

import json
import os
import random
from collections import defaultdict
from datetime import datetime

from .core import Ctx, Reject, one_time, recurring

HERE = os.path.dirname(os.path.abspath(__file__))
OUTDIR = os.path.join(os.path.dirname(HERE), "cases")
CASES: dict[str, list[dict]] = defaultdict(list)
WKD = "MO,TU,WE,TH,FR"


def _ctx(now: str, tz: str) -> Ctx:
    return Ctx(random.Random(0), tz, datetime.fromisoformat(now), "hand")


def _tk(kind, title):
    out = {}
    if kind:
        out["kind"] = kind
    if title:
        out["title"] = title
    return out


def O(cat, text, now, tz, calc, date_only=False, kind=None, title=None, **meta):  # noqa: E743
    try:
        body = one_time(_ctx(now, tz), (text, _tk(kind, title)), calc, date_only=date_only)
    except Reject as ex:
        raise AssertionError(f"{cat}: {text!r}: {ex}") from ex
    body["meta"].update(meta)
    CASES[cat].append({"text": text, "now": now, "tz": tz, "category": cat, **body})


def R(cat, text, now, tz, rule, n=2, start=None, anchor=None, zone=None, kind=None, title=None, **meta):
    st = datetime.fromisoformat(start) if start else None
    try:
        body = recurring(_ctx(now, tz), (text, _tk(kind, title)), rule, n=n, start=st, anchor=anchor,
                         zone=zone, meta=meta)
    except Reject as ex:
        raise AssertionError(f"{cat}: {text!r}: {ex}") from ex
    CASES[cat].append({"text": text, "now": now, "tz": tz, "category": cat, **body})


def time_(h, m=0):
    return {"op": "time", "h": h, "m": m}


def day(d, h=9, m=0):
    return {"op": "date", "date": d, "h": h, "m": m}


def wd(w, h=9, m=0, nxt=False, plus=0):
    c = {"op": "weekday", "wd": w, "h": h, "m": m, "next": nxt}
    if plus:
        c["plus_weeks"] = plus
    return c


def rel(days, h=9, m=0):
    return {"op": "rel_day", "days": days, "h": h, "m": m}


def el(sec):
    return {"op": "elapsed", "sec": sec}


def wall(**kw):
    return dict(op="wall", **kw)


def mday(d, h=9, m=0):
    return {"op": "monthday", "day": d, "h": h, "m": m}


def ndate(mo, d, h=9, m=0):
    return {"op": "nextdate", "month": mo, "day": d, "h": h, "m": m}


def lastday(h=9, m=0):
    return {"op": "lastday", "h": h, "m": m}


def zoned(calc, zone):
    return {**calc, "zone": zone}


FILES = ["numbers-words", "times-words", "ordinals", "weekend-fortnight", "weekday-abbrev", "numeric-dates",
         "zones", "filler-titles", "recurrence-longtail", "dst-more", "month-end-leap"]


def render() -> dict[str, str]:
    """File name -> JSON Lines text for every family in FILES."""
    # run as __main__, this module is a copy: read the cases the definitions filled in
    from evals.generate import handwritten, handwritten_defs  # noqa: F401
    found = handwritten.CASES
    extra = set(found) - set(FILES)
    assert not extra, extra
    out = {}
    for cat in FILES:
        rows = [{"id": f"{cat}-{i:03d}", **c} for i, c in enumerate(found[cat], 1)]
        out[f"{cat}.jsonl"] = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return out


def main() -> int:
    total = 0
    for name, text in render().items():
        with open(os.path.join(OUTDIR, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        n = text.count("\n")
        print(f"{name[:-6]:22s} {n}")
        total += n
    print("total", total)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
