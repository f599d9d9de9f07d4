"""Service benchmark: real `taskd serve` processes delivering to a local webhook.

    python benchmarks/service_bench.py                 # full size, SQLite, one service
    python benchmarks/service_bench.py --scale 0.1     # 1,000 same-second tasks, 10,000 active
    python benchmarks/service_bench.py --burst-only --db postgresql --services 2 --repeat 3

Prints: fire lateness (scheduled -> received by the webhook) median and p99 for single
reminders; time until N tasks due in the same second are all delivered (median of --repeat
runs, with 1 or more services on one database); service start time and resident memory with M
active tasks. The receiver keeps connections alive (HTTP/1.1) as real webhook servers do;
--http10 makes it close each one.
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


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def lateness(count: int) -> None:
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
          f"p99 {p99:.1f} ms, max {late[-1]:.1f} ms")


def same_second(count: int, services: int = 1, pg_url: str | None = None) -> float:
    """Seconds from the due instant until all `count` runs reached the webhook."""
    hook = receiver()
    home = fresh_home(hook)
    url = pg_url or url_for(home)
    env = {"TASKD_POLL_SECONDS": "5", **({"TASKD_DB": pg_url} if pg_url else {})}
    if pg_url:
        reset_postgres(pg_url)
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=15 + 5 * services)
    firsts = [due + timedelta(seconds=(i % 60) / 60) for i in range(count)]
    bulk_tasks(url, firsts)
    homes = [home] + [fresh_home(hook) for _ in range(services - 1)]
    procs = [Serve(h, **env) for h in homes]
    for svc in procs:
        svc.wait_ready(60)
    wait_for(lambda: datetime.now(UTC) >= due, 120)
    start = time.monotonic()
    done = wait_for(lambda: len(hook.keys()) >= count, 600, step=0.1)
    took = time.monotonic() - start
    for svc in procs:
        svc.stop()
    engine = "PostgreSQL" if pg_url else "SQLite"
    print(f"{count} due in the same second, {services} service(s), {engine}: all delivered in "
          f"{took:.1f} s ({count / took:.0f}/s){'' if done else ' (TIMED OUT)'}; "
          f"posts {hook.total()}, distinct keys {len(hook.keys())}", flush=True)
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


def main() -> None:
    global HTTP10
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="shrink the task counts")
    parser.add_argument("--singles", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=1, help="burst runs; the median is printed")
    parser.add_argument("--services", type=int, default=1, help="services sharing the database")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--burst-only", action="store_true")
    parser.add_argument("--http10", action="store_true", help="receiver closes each connection")
    args = parser.parse_args()
    HTTP10 = args.http10
    if not args.burst_only:
        lateness(args.singles)
    count = int(10_000 * args.scale)
    if args.db == "postgresql":
        from tests import postgres

        with postgres.cluster() as pg:
            took = [same_second(count, args.services, pg) for _ in range(args.repeat)]
    else:
        took = [same_second(count, args.services) for _ in range(args.repeat)]
    print(f"median of {len(took)}: {statistics.median(took):.1f} s "
          f"({', '.join(f'{t:.1f}' for t in took)})")
    if not args.burst_only:
        many_active(int(100_000 * args.scale))


if __name__ == "__main__":
    main()
