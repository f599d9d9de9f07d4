"""Three ways on the same cases and the same model: prompted baseline, offline rules, full pipeline.

    OPENAI_BASE_URL=http://127.0.0.1:8765/v1 python evals/model/compare.py evals/model/ci.jsonl \
        --out evals/model/results/ci.json [--min-pipeline 0.8]

* baseline: ModelExtractor(mode="direct"): the model fills the whole Draft and computes the schedule.
* rules:    the offline RulesExtractor alone.
* pipeline: ModelExtractor(mode="hybrid"): the model's reading + the deterministic parser/resolver.
Prints a table per category, how many texts needed the model at all (the pipeline stores a
complete offline reading without asking), latency per extraction (median, p90) and prompt tokens
(static system prompt vs dynamic part). Exit 1 if the pipeline falls below --min-pipeline, does
not beat each other mode overall, or scores below either in any category (the model never makes
a reading worse: CI's model stage runs this gate).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from taskd import settings as settings_mod
from taskd.evaluate import load_cases, report, run_case
from taskd.extract.model import ModelExtractor
from taskd.extract.model import prompt as prompts
from taskd.extract.rules import RulesExtractor

MODES = ("baseline", "rules", "pipeline")


def _tokens(base_url: str, text: str) -> int | None:
    """llama.cpp's /tokenize; None for servers without it."""
    try:
        request = urllib.request.Request(base_url.removesuffix("/v1") + "/tokenize",
                                         data=json.dumps({"content": text}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            return len(json.load(reply)["tokens"])
    except (OSError, ValueError, KeyError):
        return None


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run_mode(mode: str, cases: list[dict[str, Any]], settings: Any) -> dict[str, Any]:
    if mode == "rules":
        extractor: Any = RulesExtractor()
    else:
        extractor = ModelExtractor(settings, mode="direct" if mode == "baseline" else "hybrid")
    outcomes, seconds = [], []
    for number, case in enumerate(cases, 1):
        started = time.monotonic()
        outcome = run_case(case, extractor)
        seconds.append(time.monotonic() - started)
        outcomes.append(outcome)
        mark = "." if outcome.passed else "x"
        print(f"{mode} {number}/{len(cases)} {mark} {case['id']} {seconds[-1]:.1f}s", file=sys.stderr,
              flush=True)
    result = report(outcomes)
    calls = getattr(extractor, "calls", [])
    result["latency_s"] = {"median": round(statistics.median(seconds), 2),
                           "p90": round(_pct(seconds, 0.9), 2)}
    result["model_calls"] = len(calls)
    # Extractions that needed the model at all; the rest the parser read completely (needed.py).
    result["asked_model"] = getattr(extractor, "asked", 0)
    result["read_offline"] = getattr(extractor, "offline", 0)
    result["prompt_tokens_mean"] = round(statistics.mean(c.prompt_tokens for c in calls), 1) \
        if calls else 0
    result["completion_tokens_mean"] = round(statistics.mean(c.completion_tokens for c in calls), 1) \
        if calls else 0
    result["cached_tokens_mean"] = round(statistics.mean(c.cached_tokens for c in calls), 1) \
        if calls else 0
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cases", nargs="+")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--min-pipeline", type=float, default=0.0)
    args = parser.parse_args()
    settings = settings_mod.load(backend="openai")
    if not settings.openai_base_url:
        print("compare: set OPENAI_BASE_URL (e.g. from `taskd model serve`)", file=sys.stderr)
        return 4
    cases = load_cases(args.cases)
    modes = [m for m in args.modes.split(",") if m]
    results = {mode: run_mode(mode, cases, settings) for mode in modes}
    statics = {name: _tokens(settings.openai_base_url, prompts.load(name).static)
               for name in ("direct-v1", "extract-v2")}
    categories = sorted({c.get("category", "?") for c in cases})
    head = f"{'category':<22}{'n':>4}" + "".join(f"{m:>11}" for m in modes)
    lines = [f"model: {settings.model or 'server default'} at {settings.openai_base_url}", head]
    for cat in [*categories, "ALL"]:
        row = f"{cat:<22}"
        for i, mode in enumerate(modes):
            entry = results[mode] if cat == "ALL" else results[mode]["by_category"].get(cat, {})
            n, passed = entry.get("cases", 0), entry.get("passed", 0)
            row += f"{n:>4}" if i == 0 else ""
            row += f"{passed:>6}/{n:<4}"
        lines.append(row)
    for mode in modes:
        if mode == "rules":
            continue
        r = results[mode]
        static = statics["direct-v1" if mode == "baseline" else "extract-v2"]
        dynamic = round(r["prompt_tokens_mean"] - static, 1) if static and r["model_calls"] else None
        share = r["asked_model"] / r["cases"] if r["cases"] else 0.0
        lines.append(f"{mode}: model asked for {r['asked_model']}/{r['cases']} texts ({share:.0%}); "
                     f"latency median {r['latency_s']['median']}s p90 {r['latency_s']['p90']}s; "
                     f"{r['model_calls']} calls; prompt tokens static {static} + dynamic {dynamic} "
                     f"(cached {r['cached_tokens_mean']}); completion {r['completion_tokens_mean']}")
    print("\n".join(lines))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"table": lines, "static_tokens": statics,
                                        "results": results}, indent=1, default=str))
    return _gate(results, categories, args.min_pipeline)


def _gate(results: dict[str, Any], categories: list[str], floor: float) -> int:
    """The pipeline must clear the floor and never score below either other mode, overall or in
    any category (it cannot beat a mode that is already perfect in a category: ties are fine)."""
    if "pipeline" not in results:
        return 0
    pipeline = results["pipeline"]
    problems = []
    if pipeline["pass_rate"] < floor:
        problems.append(f"pipeline pass rate {pipeline['pass_rate']:.2%} is below {floor:.0%}")
    for mode in ("baseline", "rules"):
        if mode not in results:
            continue
        if pipeline["passed"] <= results[mode]["passed"]:
            problems.append(f"pipeline does not beat {mode} overall")
        for cat in categories:
            ours = pipeline["by_category"].get(cat, {}).get("passed", 0)
            theirs = results[mode]["by_category"].get(cat, {}).get("passed", 0)
            if ours < theirs:
                problems.append(f"pipeline below {mode} in {cat} ({ours} < {theirs})")
    for problem in problems:
        print(f"compare: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
