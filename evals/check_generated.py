#!/usr/bin/env python3
"""Re-validate synthetic eval cases with the independent checks of check_cases.py.

Usage:
  python evals/check_generated.py                     # evals/generated/*.jsonl
  python evals/check_generated.py FILE...             # given files
  python evals/check_generated.py --fresh [--seed 7 --count 5000]   # generate in memory, check all

The generator computes each expectation from the template's structured parameters; this
script re-derives them with check_cases.py's own code (another implementation of the same
conventions) and reads the text back for consistency. Exit status 0 when every case passes.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from check_cases import check_case  # noqa: E402

MIN_PER_CATEGORY = 10


def check(cases: list[dict]) -> list[str]:
    errs: list[str] = []
    seen: set[str] = set()
    for c in cases:
        if c.get("id") in seen:
            errs.append(f"{c.get('id')}: duplicate id")
        seen.add(c.get("id"))
        check_case(c, errs, generated=True)
    return errs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("files", nargs="*")
    p.add_argument("--fresh", action="store_true", help="generate in memory instead of reading files")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--count", type=int, default=5000)
    p.add_argument("--max-errors", type=int, default=50)
    a = p.parse_args(argv)
    if a.fresh:
        from evals.generate import generate
        cases = generate(a.seed, a.count)
        source = f"generated in memory (seed {a.seed}, {a.count} cases)"
    else:
        files = a.files or sorted(glob.glob(os.path.join(HERE, "generated", "*.jsonl")))
        cases = []
        for fn in files:
            with open(fn, encoding="utf-8") as f:
                cases += [json.loads(line) for line in f if line.strip()]
        source = f"{len(files)} file(s)"
    errs = check(cases)
    per_cat = Counter(c.get("category") for c in cases)
    for cat, n in sorted(per_cat.items()):
        print(f"{cat:22s} {n}")
        if n < MIN_PER_CATEGORY:
            errs.append(f"category {cat}: only {n} cases")
    print(f"total {len(cases)} cases, {source}")
    for e in errs[: a.max_errors]:
        print("ERROR", e)
    if len(errs) > a.max_errors:
        print(f"... and {len(errs) - a.max_errors} more")
    print("OK" if not errs else f"{len(errs)} problem(s)")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
