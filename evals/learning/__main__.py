"""python -m evals.learning [--json FILE] [--markdown FILE] [--check]: run every persona, print the
error table (minutes off per preference after 1, 2, 4 and 8 weeks) and the gate's verdict."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from evals.learning.report import failures, run_all, table

HEADER = """# Learning eval: error per preference per week

`python -m evals.learning --markdown evals/learning/RESULTS.md`. Each cell: how far the value taskd
uses is from the persona's hidden truth, in minutes (snooze: minutes of snooze length; quiet hours:
mean error of the two edges; channel: ok/wrong; `—`: nothing learned yet and no default). `(def)`:
the default is still in use, `(set)`: the user stated it; no mark: learned. The job changer's truth
moves on day 28 (morning 07:00 -> 08:30), so its week-4 morning is measured against the new truth
on the day it changed. Gate: `thresholds.json` (weeks 4 and 8).

Preferences act on deliveries (quiet hours hold what the user did not time, the channel routes):
the second table counts what a persona stated (clock times, some inside its quiet hours; a
channel) that was held or rerouted anyway (gate: none), the runs quiet hours held, and how many
reminders timed by taskd (daypart, default time) rang while the persona slept, in weeks 1-2
(quiet hours still being learned) and 3-8 (gate: `max_rings_asleep_settled`). The `action_*`
personas and `channel_stater` answer only through notification actions, never the CLI.

"""


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
        args.markdown.write_text(HEADER + text + "\n")
    broken = failures(results)
    for line in broken:
        print(f"FAIL {line}", file=sys.stderr)
    return 1 if broken and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
