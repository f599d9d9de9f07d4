"""Scoring: how far what taskd uses is from what each persona really means, week by week."""

from __future__ import annotations

import json
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from evals.learning.simulate import SNAPSHOT_WEEKS, TIME_KEYS, Outcome, Persona, gap, minutes, simulate
from taskd.resolve.durations import parse_duration

KEYS = (*TIME_KEYS, "snooze", "channel", "quiet_hours")
THRESHOLDS = Path(__file__).with_name("thresholds.json")


def error(key: str, used: Any, truth: Any) -> float | None:
    """Minutes off (times, snooze, quiet-hour edges); for the channel 0 right, 1 wrong. None: taskd
    has nothing for this key yet (quiet hours and channel have no default)."""
    if key in TIME_KEYS:
        return gap(minutes(used), minutes(truth))
    if key == "snooze":
        return abs(parse_duration(used).total_seconds() / 60 - truth)
    if used is None:
        return None
    if key == "channel":
        return 0.0 if used == truth else 1.0
    start, end = (minutes(t) for t in used.split("-"))
    true_start, true_end = (minutes(t) for t in truth.split("-"))
    return (gap(start, true_start) + gap(end, true_end)) / 2


def score(outcome: Outcome) -> dict[str, Any]:
    errors: dict[str, dict[int, float | None]] = {key: {} for key in KEYS}
    sources: dict[str, dict[int, str]] = {key: {} for key in KEYS}
    for week, rows in outcome.snapshots.items():
        used = {row["key"]: row for row in rows}
        for key in KEYS:
            errors[key][week] = error(key, used[key]["value"], outcome.truths[week][key])
            sources[key][week] = used[key]["source"]
    return {"persona": outcome.persona, "errors": errors, "sources": sources,
            "questions": outcome.questions, "explicit_violations": outcome.explicit_violations,
            "forget_checks": outcome.forget_checks, "commands": outcome.counts,
            "stated_violations": outcome.stated_violations, "acting": outcome.acting,
            "final": {row["key"]: {k: row[k] for k in ("value", "source", "evidence", "confidence",
                                                         "why")}
                      for row in outcome.snapshots[max(outcome.snapshots)]}}


def _one(persona: Persona) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"taskd-learn-{persona.name}-") as home:
        return score(simulate(persona, Path(home)))


def run_all(personas: list[Persona] | None = None, workers: int | None = None) -> list[dict[str, Any]]:
    """Every persona, each in its own process (its own TASKD_HOME and database)."""
    personas = personas or Persona.load_all()
    workers = workers or min(len(personas), os.cpu_count() or 1)
    if workers <= 1:
        return [_one(p) for p in personas]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_one, personas))


def _cell(key: str, value: float | None, source: str) -> str:
    if value is None:
        return "—"
    text = ("ok" if value == 0 else "wrong") if key == "channel" else f"{value:.0f}"
    return text + {"learned": "", "explicit": " (set)", "default": " (def)"}.get(source, "")


def table(results: list[dict[str, Any]]) -> str:
    weeks = " | ".join(f"week {w}" for w in SNAPSHOT_WEEKS)
    lines = [f"| persona | preference | {weeks} |", "|---|---|" + "---|" * len(SNAPSHOT_WEEKS)]
    for result in results:
        for key in KEYS:
            cells = " | ".join(_cell(key, result["errors"][key].get(w), result["sources"][key].get(w, ""))
                               for w in SNAPSHOT_WEEKS)
            lines.append(f"| {result['persona']} | {key} | {cells} |")
    lines.append("")
    lines.append("| persona | questions asked | explicit violations | forget checks passed | "
                 "stated held or rerouted | held | unstated rings while asleep (weeks 1-2, 3-8) |")
    lines.append("|---|---|---|---|---|---|---|")
    for result in results:
        checks = result["forget_checks"]
        acting = result.get("acting") or {}
        rings, shown = acting.get("rings_asleep", {}), acting.get("unstated_shown", {})
        lines.append(f"| {result['persona']} | {len(result['questions'])} | "
                     f"{len(result['explicit_violations'])} | "
                     f"{sum(checks.values())}/{len(checks)} | "
                     f"{len(result.get('stated_violations') or [])} of "
                     f"{acting.get('stated_tasks', 0)} stated | {acting.get('held', 0)} | "
                     f"{rings.get('learning', 0)}/{shown.get('learning', 0)}, "
                     f"{rings.get('settled', 0)}/{shown.get('settled', 0)} |")
    return "\n".join(lines)


def failures(results: list[dict[str, Any]], thresholds: dict[str, Any] | None = None) -> list[str]:
    """What breaks the gate in thresholds.json: errors over their limit, questions over the cap,
    any explicit value not winning, any forget that did not forget."""
    limits = thresholds or json.loads(THRESHOLDS.read_text())
    found: list[str] = []
    for result in results:
        name = result["persona"]
        for key, per_week in limits["max_error"].items():
            for week, limit in per_week.items():
                limit = limits.get("overrides", {}).get(name, {}).get(key, {}).get(week, limit)
                per = result["errors"][key]
                got = per.get(int(week), per.get(str(week)))  # str keys after a JSON round trip
                if limit is None:
                    continue
                if got is None or got > limit:
                    found.append(f"{name}: {key} week {week}: error {got} > {limit}")
        if len(result["questions"]) > limits["max_questions"]:
            found.append(f"{name}: {len(result['questions'])} questions > {limits['max_questions']}")
        found.extend(f"{name}: explicit lost: {v}" for v in result["explicit_violations"])
        # What the persona stated is never held by quiet hours nor rerouted by a learned channel.
        found.extend(f"{name}: stated yet held or rerouted: {v}"
                     for v in result.get("stated_violations") or [])
        settled = (result.get("acting") or {}).get("rings_asleep", {}).get("settled", 0)
        if settled > limits.get("max_rings_asleep_settled", settled):
            found.append(f"{name}: {settled} unstated reminders rang while asleep after week 2 "
                         f"> {limits['max_rings_asleep_settled']}")
        found.extend(f"{name}: forget did not forget {k}" for k, ok in result["forget_checks"].items()
                     if not ok)
        if not result["forget_checks"]:
            found.append(f"{name}: nothing was learned, so forget was never checked")
    return found
