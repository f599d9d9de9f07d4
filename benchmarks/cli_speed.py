"""Wall time of everyday `taskd` commands as a user runs them: a fresh process each time, with
the service up (the thin client, `taskd.cli.remote`) and with no service (all in process), next
to Taskwarrior's `task add` when it is installed. Medians of --runs fresh processes.

    python benchmarks/cli_speed.py [--runs 10] [--json]

Targets (issue 14 §3): with the service up add, list, show, parse, status <= 150 ms;
--help <= 80 ms; with no service add <= 500 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ["call mom on 2030-01-05 at 9am", "in 20 minutes check the oven",
         "water the plants tomorrow morning", "every weekday at 8am stand up"]
COMMANDS: list[tuple[str, list[str]]] = [
    ("--help", ["--help"]),
    ("add", ["add", "{text}"]),
    ("list", ["list"]),
    ("show", ["show", "1"]),
    ("parse", ["parse", "{text}"]),
    ("status", ["status"]),
]
TARGETS_UP = {"--help": 80, "add": 150, "list": 150, "show": 150, "parse": 150, "status": 150}
TARGETS_DOWN = {"--help": 80, "add": 500}


Sample = tuple[float, float]  # (wall seconds, CPU seconds of the process: user + system)


def _time(cmd: list[str], env: dict[str, str]) -> Sample:
    """Wall time, and the CPU time the process used: on a busy machine the wall time is mostly
    waiting for a core, and the CPU time is what the command costs on an idle one."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()}")
    return elapsed, usage.ru_utime + usage.ru_stime


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKD_")}
    env.update(TASKD_HOME=str(home), TASKD_TZ="Europe/Berlin", TASKD_BACKEND="rules")
    return env


def _serve(home: Path, exe: str) -> subprocess.Popen[bytes]:
    log = (home / "serve.log").open("wb")
    proc = subprocess.Popen([exe, "serve"], env=_env(home), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not (home / "taskd.sock").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"taskd serve did not start: {(home / 'serve.log').read_text()}")
        time.sleep(0.1)
    return proc


def _measure(exe: str, home: Path, runs: int) -> dict[str, list[Sample]]:
    env = _env(home)
    _time([exe, "add", TEXTS[0]], env)  # the database exists and task #1 too, before timing
    _time([exe, "parse", TEXTS[0]], env)  # and the service has loaded the extractor
    samples: dict[str, list[Sample]] = {name: [] for name, _ in COMMANDS}
    for i in range(runs):
        for name, args in COMMANDS:
            cmd = [exe, *(a.format(text=TEXTS[i % len(TEXTS)]) for a in args)]
            samples[name].append(_time(cmd, env))
    return samples


def _taskwarrior(runs: int) -> list[Sample] | None:
    task = shutil.which("task")
    if task is None:
        return None
    with tempfile.TemporaryDirectory(prefix="taskd-bench-tw-") as where:
        rc = Path(where) / "taskrc"
        rc.write_text("")
        env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(Path(where) / "data")}
        cmd = [task, "rc.confirmation=off", "rc.verbose=nothing", "add", "call mom",
               "due:2030-01-05"]
        _time(cmd, env)
        return [_time(cmd, env) for _ in range(runs)]


def _ms(samples: list[Sample] | None, which: int = 0) -> str:
    return f"{statistics.median(s[which] for s in samples) * 1000:.0f}" if samples else "—"


def _medians(samples: dict[str, list[Sample]]) -> dict[str, dict[str, float]]:
    return {name: {"wall_ms": float(_ms(rows)), "cpu_ms": float(_ms(rows, 1))}
            for name, rows in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="Print the medians as JSON too.")
    args = parser.parse_args()
    exe = shutil.which("taskd") or str(Path(sys.executable).with_name("taskd"))
    up_home = Path(tempfile.mkdtemp(prefix="taskd-bench-up-"))
    down_home = Path(tempfile.mkdtemp(prefix="taskd-bench-down-"))
    serve = _serve(up_home, exe)
    try:
        up = _measure(exe, up_home, args.runs)
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(30)
    down = _measure(exe, down_home, args.runs)
    task_add = _taskwarrior(args.runs)
    print(f"taskd CLI: median ms of {args.runs} fresh processes, wall and CPU (user+system) "
          f"({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at the end)")
    print(f"{'':<16} {'--- service up ---':>22}   {'--- no service ---':>22}")
    print(f"{'command':<16} {'wall':>6} {'cpu':>6} {'target':>8}   {'wall':>6} {'cpu':>6} "
          f"{'target':>8}")
    for name, _ in COMMANDS:
        print(f"{'taskd ' + name:<16} {_ms(up[name]):>6} {_ms(up[name], 1):>6} "
              f"{TARGETS_UP.get(name, ''):>8}   {_ms(down[name]):>6} {_ms(down[name], 1):>6} "
              f"{TARGETS_DOWN.get(name, ''):>8}")
    note = "" if task_add else "  (Taskwarrior not installed: apt-get install taskwarrior)"
    print(f"{'task add':<16} {_ms(task_add):>6} {_ms(task_add, 1):>6}{note}")
    if args.json:
        print(json.dumps({"up": _medians(up), "down": _medians(down),
                          "task_add": _medians({"add": task_add})["add"] if task_add else None}))
    for home in (up_home, down_home):
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
