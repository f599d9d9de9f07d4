"""Wall time of `taskd add` and `taskd list` as a user runs them (fresh process each time).

    python benchmarks/cli_speed.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEXTS = ["remind me to call mom every Sunday at 6pm", "in 20 minutes check the oven",
         "water the plants tomorrow morning", "every weekday at 8am stand up"]


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exe = shutil.which("taskd") or str(Path(sys.executable).with_name("taskd"))
    home = tempfile.mkdtemp(prefix="taskd-bench-")
    env = {**os.environ, "TASKD_HOME": home, "TASKD_TZ": "Europe/Berlin", "TASKD_BACKEND": "rules"}
    _time([exe, "list"], env)  # create and migrate the database outside the measurement
    results: dict[str, list[float]] = {"taskd --help": [], "taskd parse": [], "taskd add": [],
                                       "taskd list": []}
    for i in range(args.runs):
        results["taskd --help"].append(_time([exe, "--help"], env))
        results["taskd parse"].append(_time([exe, "parse", TEXTS[i % 4]], env))
        results["taskd add"].append(_time([exe, "add", TEXTS[i % 4]], env))
        results["taskd list"].append(_time([exe, "list"], env))
    print(f"{'command':<14} {'median ms':>10} {'p90 ms':>8}   ({args.runs} runs, fresh process each)")
    for name, samples in results.items():
        p90 = statistics.quantiles(samples, n=10)[-1]
        print(f"{name:<14} {statistics.median(samples) * 1000:>10.0f} {p90 * 1000:>8.0f}")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
