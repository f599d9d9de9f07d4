"""Service benchmark: real `taskd serve` processes delivering to a local webhook.

    python benchmarks/service_bench.py                 # the table below, median of 3 runs each
    python benchmarks/service_bench.py --quick         # the same table, one run each (~3 min)
    python benchmarks/service_bench.py --burst-only --db postgresql --services 2 --repeat 3

The table: fire lateness (scheduled -> received by the webhook) median and p99 of single
reminders; seconds until N tasks due in the same second are all delivered (N = 1,000 and
10,000; one service on SQLite, one and two services sharing PostgreSQL; PostgreSQL is a
throwaway cluster started here, skipped when its binaries are missing); then service start
time and resident memory with 100,000 active tasks (not in --quick). The receiver keeps
connections alive (HTTP/1.1) as real webhook servers do; --http10 makes it close each one.
Absolute numbers depend on the machine and on what else runs on it: compare runs made in the
same conditions, and say what they were.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text

from tests.conftest_service import Receiver, Serve, wait_for, write_config

HTTP10 = False


def receiver() -> Receiver:
    hook = Receiver()
    if not HTTP10:
        hook.server.RequestHandlerClass.protocol_version = "HTTP/1.1"  # type: ignore[attr-defined]
    return hook


def bulk_tasks(url: str, firsts: list[datetime], rrule: str | None = None) -> None:
    """Insert tasks and their first pending runs in one transaction (what `add` writes, minus
    the event rows), fast enough for 100,000."""
    from taskd.store.db import engine_for
    from taskd.store.tables import Run, Task

    now = datetime.now(UTC)
    engine = engine_for(url)
    with engine.connect().execution_options(taskd_write=True) as conn, conn.begin():
        start = conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM tasks").scalar() or 0
        tasks = [{"id": start + i + 1, "title": f"bench {start + i + 1}", "kind": "reminder",
                  "message": None, "source_text": "bench", "draft_json": "{}", "backend": "bench",
                  "tz": "UTC", "rrule": rrule,
                  "dtstart": first.replace(tzinfo=None).isoformat() if rrule else None,
                  "first_at": first, "next_fire_at": first, "status": "active",
                  "paused_until": None, "time_source": "explicit", "daypart": None,
                  "channels_json": None, "created_at": now, "updated_at": now}
                 for i, first in enumerate(firsts)]
        conn.execute(insert(Task.__table__), tasks)  # type: ignore[attr-defined]
        conn.execute(insert(Run.__table__), [  # type: ignore[attr-defined]
            {"task_id": t["id"], "scheduled_for": t["first_at"], "state": "pending",
             "origin": "schedule", "attempt": 0, "late": False} for t in tasks])


def fresh_home(hook: Receiver) -> Path:
    home = Path(tempfile.mkdtemp(prefix="taskd-bench-"))
    write_config(home, hook.url)
    os.environ["TASKD_HOME"] = str(home)
    return home


def reset_postgres(url: str) -> None:
    from taskd.store.db import dispose_all

    dispose_all()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def url_for(home: Path) -> str:
    return f"sqlite:///{home}/taskd.db"


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU of a process so far (None: this one, where the receiver runs)."""
    if pid is None:
        t = os.times()
        return t.user + t.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def lateness(count: int) -> tuple[float, float]:
    """Median and p99 lateness (ms) of `count` single reminders 0.3 s apart."""
    hook = receiver()
    home = fresh_home(hook)
    svc = Serve(home, TASKD_POLL_SECONDS="5")
    svc.wait_ready()
    base = datetime.now(UTC) + timedelta(seconds=2)
    firsts = [base + timedelta(seconds=0.3 * i) for i in range(count)]
    bulk_tasks(url_for(home), firsts)
    from taskd import settings
    from taskd.schedule.control import poke

    poke(settings.load())
    wait_for(lambda: hook.total() >= count, 0.3 * count + 30)
    late = sorted((at - datetime.fromisoformat(p["scheduled_for"]).timestamp()) * 1000
                  for p, at in zip(hook.posts, hook.received_at, strict=True))
    svc.stop()
    hook.close()
    p99 = late[min(len(late) - 1, round(0.99 * (len(late) - 1)))]
    print(f"fire lateness, {count} single reminders: median {statistics.median(late):.1f} ms, "
          f"p99 {p99:.1f} ms, max {late[-1]:.1f} ms", flush=True)
    return statistics.median(late), p99


def same_second(count: int, services: int = 1, pg_url: str | None = None) -> float:
    """Seconds from the due instant until all `count` runs reached the webhook."""
    hook = receiver()
    home = fresh_home(hook)
    url = pg_url or url_for(home)
    env = {"TASKD_POLL_SECONDS": "5", **({"TASKD_DB": pg_url} if pg_url else {})}
    if pg_url:
        reset_postgres(pg_url)
    # Far enough ahead for the services to start and plan their wake-ups (checked below).
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=8 + 4 * services)
    firsts = [due + timedelta(seconds=(i % 60) / 60) for i in range(count)]
    bulk_tasks(url, firsts)
    homes = [home] + [fresh_home(hook) for _ in range(services - 1)]
    procs = [Serve(h, **env) for h in homes]
    for svc in procs:
        svc.wait_ready(60)
    if datetime.now(UTC) > due - timedelta(seconds=1):
        print("warning: the services started too late; this figure is too short", flush=True)
    wait_for(lambda: datetime.now(UTC) >= due, 120)
    start = time.monotonic()
    cpu = [cpu_seconds(svc.proc.pid) for svc in procs], cpu_seconds()
    done = wait_for(lambda: len(hook.keys()) >= count, 600, step=0.1)
    took = time.monotonic() - start
    used = ([cpu_seconds(svc.proc.pid) - c for svc, c in zip(procs, cpu[0], strict=True)],
            cpu_seconds() - cpu[1])
    for svc in procs:
        svc.stop()
    engine = "PostgreSQL" if pg_url else "SQLite"
    print(f"{count} due in the same second, {services} service(s), {engine}: all delivered in "
          f"{took:.1f} s ({count / took:.0f}/s){'' if done else ' (TIMED OUT)'}; "
          f"posts {hook.total()}, distinct keys {len(hook.keys())}; CPU s: service(s) "
          f"{'+'.join(f'{u:.1f}' for u in used[0])}, receiver {used[1]:.1f}", flush=True)
    hook.close()
    return took


def many_active(count: int) -> None:
    hook = receiver()
    home = fresh_home(hook)
    first = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    t0 = time.monotonic()
    bulk_tasks(url_for(home), [first + timedelta(seconds=i) for i in range(count)],
               rrule="FREQ=DAILY")
    loaded = time.monotonic() - t0
    start = time.monotonic()
    svc = Serve(home)
    svc.wait_ready(120)
    ready = time.monotonic() - start
    time.sleep(3)  # a few poll cycles: the memory it settles at, not the first instant
    rss = rss_mib(svc.proc.pid)
    svc.stop()
    hook.close()
    print(f"{count} active tasks (loaded in {loaded:.1f} s): service ready in {ready:.2f} s "
          f"(process start to socket), resident memory {rss:.0f} MiB")


def bursts(counts: list[int], services: int, repeat: int, pg_url: str | None) -> dict[int, float]:
    """Median seconds per count: `repeat` runs each."""
    out: dict[int, float] = {}
    for count in counts:
        took = [same_second(count, services, pg_url) for _ in range(repeat)]
        out[count] = statistics.median(took)
        if repeat > 1:
            print(f"  median of {repeat}: {out[count]:.1f} s ({', '.join(f'{t:.1f}' for t in took)})",
                  flush=True)
    return out


def table(counts: list[int], repeat: int, singles: int) -> None:
    late = [lateness(singles) for _ in range(repeat)]
    rows: list[tuple[str, dict[int, float]]] = [("SQLite, 1 service", bursts(counts, 1, repeat, None))]
    from tests import postgres

    try:
        with postgres.cluster() as pg:
            rows.append(("PostgreSQL, 1 service", bursts(counts, 1, repeat, pg)))
            rows.append(("PostgreSQL, 2 services", bursts(counts, 2, repeat, pg)))
    except FileNotFoundError as exc:
        print(f"PostgreSQL skipped: {exc}")
    print(f"\nthroughput (seconds until all delivered, median of {repeat}):")
    print(f"  {'':24s}" + "".join(f"{c:>10,d} due" for c in counts))
    for name, took in rows:
        print(f"  {name:24s}" + "".join(f"{took[c]:>9.1f} s " for c in counts))
    print(f"lateness of single reminders ({singles} each, median of {repeat} runs): "
          f"median {statistics.median(m for m, _ in late):.1f} ms, "
          f"p99 {statistics.median(p for _, p in late):.1f} ms")


def main() -> None:
    global HTTP10
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the table, one run each")
    parser.add_argument("--scale", type=float, default=1.0, help="shrink the task counts")
    parser.add_argument("--singles", type=int, default=None, help="single reminders (default 100)")
    parser.add_argument("--repeat", type=int, default=None, help="runs per figure; medians printed")
    parser.add_argument("--services", type=int, default=1, help="services sharing the database")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--burst-only", action="store_true", help="one burst figure, no table")
    parser.add_argument("--lateness-only", action="store_true")
    parser.add_argument("--http10", action="store_true", help="receiver closes each connection")
    args = parser.parse_args()
    HTTP10 = args.http10
    repeat = args.repeat or (1 if args.quick else 3)
    singles = args.singles or (40 if args.quick else 100)
    if args.lateness_only:
        late = [lateness(singles) for _ in range(repeat)]
        print(f"median of {repeat}: median {statistics.median(m for m, _ in late):.1f} ms, "
              f"p99 {statistics.median(p for _, p in late):.1f} ms")
        return
    count = int(10_000 * args.scale)
    if args.burst_only:
        if args.db == "postgresql":
            from tests import postgres

            with postgres.cluster() as pg:
                bursts([count], args.services, repeat, pg)
        else:
            bursts([count], args.services, repeat, None)
        return
    table([int(1_000 * args.scale), count], repeat, singles)
    if not args.quick:
        many_active(int(100_000 * args.scale))


if __name__ == "__main__":
    main()
