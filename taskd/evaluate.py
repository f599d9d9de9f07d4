"""Eval cases (CONTRACT.md §5): load, run through parse, score every `expect` key."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from taskd.errors import BadInput, TaskdError
from taskd.extract import Extractor
from taskd.pipeline import parse
from taskd.resolve import recurrence, upcoming
from taskd.resolve.zones import get_zone, localize, wall

RRULE_HORIZON = 10
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


VERDICTS = ("right", "asked", "wrong")


@dataclass
class Outcome:
    """`verdict` is one of VERDICTS: right (every expectation holds), asked (it failed without
    scheduling anything: a question or a refusal), wrong (it failed and scheduled something: a
    wrong time, a wrong rule or title, or a schedule where the case wanted a question). A wrong
    answer is worse than a question, so the report counts the two apart."""

    id: str
    category: str
    passed: bool
    got: dict[str, Any]
    failures: list[str] = field(default_factory=list)
    verdict: str = "right"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "category": self.category, "passed": self.passed,
                "verdict": self.verdict, "failures": self.failures, "got": self.got}


def verdict_of(passed: bool, got: dict[str, Any]) -> str:
    if passed:
        return "right"
    scheduled = bool(got.get("next")) or got.get("rrule") is not None
    return "wrong" if scheduled else "asked"


def load_cases(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in paths:
        file = Path(path)
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"cannot read {file}: {exc}") from exc
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
                for key in ("id", "text", "now", "tz"):
                    if not isinstance(case.get(key), str):
                        raise ValueError(f"missing {key!r}")
                if not isinstance(case.get("expect", {}), dict):
                    raise ValueError("'expect' must be an object")
            except (json.JSONDecodeError, ValueError, AttributeError) as exc:
                raise BadInput(f"{file}:{number}: not an eval case ({exc})") from exc
            cases.append(case)
    return cases


def _local(iso: str, tz: str) -> str:
    """A fire time as local wall clock in the case's zone (a task may name another zone)."""
    return wall(datetime.fromisoformat(iso), get_zone(tz)).isoformat(timespec="seconds")


def _rule_parts(rule: str) -> dict[str, Any]:
    parts = recurrence.split_rule(rule)
    out: dict[str, Any] = {"FREQ": parts.get("FREQ"), "INTERVAL": parts.get("INTERVAL", "1")}
    for name, value in parts.items():
        if name.startswith("BY"):
            out[name] = frozenset(value.split(","))
    return out


def _title_words(title: str) -> list[str]:
    # "weigh-in" holds the words "weigh" and "in": punctuation separates words.
    return [w.lower() for w in _WORD.findall(title)]


def _check_rrule(expect: dict[str, Any], got: dict[str, Any], fires: list[str],
                 tz: str) -> str | None:
    want = expect["rrule"]
    if got.get("rrule") is None:
        return f"rrule: expected {want}, got a one-time task"
    if "first" in expect:
        zone = get_zone(tz)
        start = datetime.fromisoformat(expect["first"])
        expected = [wall(t, zone).isoformat(timespec="seconds")
                    for t in recurrence.first_n(want, start, zone, RRULE_HORIZON)]
        have = fires[: len(expected)]
        if expect.get("date_only"):
            have, expected = [f[:10] for f in have], [e[:10] for e in expected]
        if have != expected:
            return f"rrule: expected fires {expected[:3]}..., got {have[:3]}..."
        return None
    have, need = _rule_parts(got["rrule"]), _rule_parts(want)
    for name in need:
        if have.get(name) != need[name]:
            return f"rrule: {name} expected {want}, got {got['rrule']}"
    return None


def score(case: dict[str, Any], got: dict[str, Any], fires: list[str]) -> list[str]:
    """The failed expectations of one case; empty when it passes."""
    expect = case.get("expect", {})
    failures: list[str] = []
    nexts = [_local(t, case["tz"]) for t in got.get("next", [])]
    if "first" in expect:
        want = expect["first"]
        have = nexts[0] if nexts else None
        if expect.get("date_only"):
            ok = have is not None and have[:10] == want[:10]
        else:
            ok = have == want
        if not ok:
            failures.append(f"first: expected {want}, got {have}")
    if "next" in expect and fires[1 : 1 + len(expect["next"])] != expect["next"]:
        failures.append(f"next: expected {expect['next']}, got {fires[1:1 + len(expect['next'])]}")
    if "recurring" in expect and (got.get("rrule") is not None) != expect["recurring"]:
        failures.append(f"recurring: expected {expect['recurring']}")
    if "rrule" in expect:
        problem = _check_rrule(expect, got, fires, case["tz"])
        if problem:
            failures.append(problem)
    if "kind" in expect and got.get("kind") != expect["kind"]:
        failures.append(f"kind: expected {expect['kind']}, got {got.get('kind')}")
    if "title" in expect:
        title_words = set(_title_words(got.get("title") or ""))
        missing = [w for w in _title_words(expect["title"]) if w not in title_words]
        if missing:
            failures.append(f"title: {got.get('title')!r} lacks {missing}")
    if "clarify" in expect and (got.get("question") is not None) != expect["clarify"]:
        failures.append(f"clarify: expected {expect['clarify']}, got {got.get('question')!r}")
    return failures


def run_case(case: dict[str, Any], extractor: Extractor) -> Outcome:
    tz = case["tz"]
    category = str(case.get("category", "uncategorised"))
    fires: list[str] = []
    try:
        zone = get_zone(tz)
        now = localize(datetime.fromisoformat(case["now"]), zone)
        parsed = parse(case["text"], extractor=extractor, now=now, tz=tz)
        got = parsed.to_json()
        if parsed.resolved is not None:
            r = parsed.resolved
            instants = upcoming(r.rrule, r.dtstart, r.zone, r.first, now,
                                RRULE_HORIZON) if r.rrule else [r.first]
            fires = [wall(t, zone).isoformat(timespec="seconds") for t in instants]
    except TaskdError as exc:
        got = {"title": None, "kind": None, "rrule": None, "tz": tz, "next": [],
               "question": None, "draft": None, "error": exc.message}
    except ValueError as exc:
        got = {"title": None, "kind": None, "rrule": None, "tz": tz, "next": [],
               "question": None, "draft": None, "error": f"bad case: {exc}"}
    failures = score(case, got, fires)
    return Outcome(case["id"], category, not failures, got, failures,
                   verdict_of(not failures, got))


def run(cases: list[dict[str, Any]], extractor: Extractor,
        progress: Callable[[Outcome], None] | None = None) -> Iterator[Outcome]:
    for case in cases:
        outcome = run_case(case, extractor)
        if progress:
            progress(outcome)
        yield outcome


def report(outcomes: list[Outcome]) -> dict[str, Any]:
    """CONTRACT §5's keys, plus right/asked/wrong counts (and wrong_rate) overall and per category."""
    by_category: dict[str, dict[str, Any]] = {}
    totals = dict.fromkeys(VERDICTS, 0)
    for outcome in outcomes:
        entry = by_category.setdefault(outcome.category, {"cases": 0, "passed": 0,
                                                          **dict.fromkeys(VERDICTS, 0)})
        entry["cases"] += 1
        entry["passed"] += int(outcome.passed)
        entry[outcome.verdict] += 1
        totals[outcome.verdict] += 1
    for entry in by_category.values():
        entry["pass_rate"] = round(entry["passed"] / entry["cases"], 4)
        entry["wrong_rate"] = round(entry["wrong"] / entry["cases"], 4)
    passed = sum(o.passed for o in outcomes)
    return {
        "cases": len(outcomes),
        "passed": passed,
        "pass_rate": round(passed / len(outcomes), 4) if outcomes else 0.0,
        **totals,
        "wrong_rate": round(totals["wrong"] / len(outcomes), 4) if outcomes else 0.0,
        "by_category": dict(sorted(by_category.items())),
        "results": [o.to_json() for o in outcomes],
    }
