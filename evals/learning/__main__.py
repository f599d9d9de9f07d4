"""python -m evals.learning [--json FILE] [--markdown FILE] [--check]: run every persona, print the
error table (minutes off per preference after 1, 2, 4 and 8 weeks) and the gate's verdict."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from evals.learning.report import failures, run_all, table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.learning", description=__doc__)
    parser.add_argument("--json", type=Path, help="write every persona's full result here")
    parser.add_argument("--markdown", type=Path, help="write the tables here")
    parser.add_argument("--check", action="store_true", help="exit 1 when thresholds.json fails")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = run_all(workers=args.workers)
    text = table(results)
    print(text)
    print(f"\n{len(results)} personas in {time.perf_counter() - started:.1f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    if args.markdown:
        args.markdown.write_text(text + "\n")
    broken = failures(results)
    for line in broken:
        print(f"FAIL {line}", file=sys.stderr)
    return 1 if broken and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
