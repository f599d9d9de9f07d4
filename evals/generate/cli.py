"""Command line for the eval generator (see evals/generate/__init__.py)."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter

if __package__ in (None, ""):  # run as a script: python evals/generate/cli.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    __package__ = "evals.generate"

from evals.generate import TEMPLATES, dumps, generate, sample

SAMPLE_SEED = 7
SAMPLE_OF = 5000
SAMPLE_SIZE = 600


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.generate", description=__doc__)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--count", type=int, default=5000, help="cases to write")
    p.add_argument("--sample-of", type=int, default=None, metavar="N",
                   help="generate N cases and write a fixed subset of --count of them")
    p.add_argument("--out", default="-", help="output file (default stdout)")
    p.add_argument("--stats", action="store_true", help="print counts per category on stderr")
    p.add_argument("--list-templates", action="store_true")
    a = p.parse_args(argv)
    if a.list_templates:
        for t in TEMPLATES:
            print(f"{t.name:28s} {t.category}")
        print(f"{len(TEMPLATES)} templates", file=sys.stderr)
        return 0
    if a.sample_of:
        cases = sample(generate(a.seed, a.sample_of), a.count, a.seed)
    else:
        cases = generate(a.seed, a.count)
    text = dumps(cases)
    if a.out == "-":
        sys.stdout.write(text)
    else:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    if a.stats or a.out != "-":
        for cat, n in sorted(Counter(c["category"] for c in cases).items()):
            print(f"{cat:22s} {n}", file=sys.stderr)
        print(f"total {len(cases)} cases from {len(TEMPLATES)} templates", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
