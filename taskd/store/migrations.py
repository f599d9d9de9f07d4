"""Schema migrations: an ordered registry (after simonw/llm), applied once each, recorded by name.

Add a migration by appending a function; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, inspect, text

Migration = Callable[[Connection], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_initial(conn: Connection) -> None:
    # The initial tables are the models as first shipped; later changes are new migrations.
    from taskd.store.tables import Event, Preference, Run, Task

    for model in (Task, Run, Event, Preference):
        model.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


def applied(conn: Connection) -> set[str]:
    if not inspect(conn).has_table("_taskd_migrations"):
        conn.execute(text(
            "CREATE TABLE _taskd_migrations (name VARCHAR(200) PRIMARY KEY, applied_at VARCHAR(40))"
        ))
        return set()
    return {row[0] for row in conn.execute(text("SELECT name FROM _taskd_migrations"))}


def migrate(conn: Connection) -> list[str]:
    """Apply what is missing, in order, inside the caller's transaction. Returns the names run."""
    done = applied(conn)
    ran: list[str] = []
    for fn in MIGRATIONS:
        if fn.__name__ in done:
            continue
        fn(conn)
        conn.execute(
            text("INSERT INTO _taskd_migrations (name, applied_at) VALUES (:n, :t)"),
            {"n": fn.__name__, "t": datetime.now(UTC).isoformat()},
        )
        ran.append(fn.__name__)
    return ran


@migration
def m002_deliveries(conn: Connection) -> None:
    # One row per delivery attempt (the service's retries), so `history` can show every try.
    from taskd.store.delivery_tables import Delivery

    Delivery.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


@migration
def m003_task_policies(conn: Connection) -> None:
    # Per-task catch-up policy; tasks without a row use the defaults from config.toml [service].
    from taskd.store.delivery_tables import TaskPolicy

    TaskPolicy.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


@migration
def m004_agent_runs(conn: Connection) -> None:
    # What an agent run sent and got. m001 builds `runs` from today's model, so on a fresh
    # database these columns already exist: add only what is missing.
    have = {column["name"] for column in inspect(conn).get_columns("runs")}
    for name, kind in (("prompt", "TEXT"), ("answer", "TEXT"), ("notify", "BOOLEAN"),
                       ("prompt_tokens", "INTEGER"), ("completion_tokens", "INTEGER"),
                       ("latency_ms", "INTEGER"), ("model", "VARCHAR")):
        if name not in have:
            conn.execute(text(f"ALTER TABLE runs ADD COLUMN {name} {kind}"))


@migration
def m005_task_uids(conn: Connection) -> None:
    # A stable uid per task, so an export imported twice matches instead of duplicating.
    from uuid import uuid4

    if "uid" not in {column["name"] for column in inspect(conn).get_columns("tasks")}:
        conn.execute(text("ALTER TABLE tasks ADD COLUMN uid VARCHAR(64)"))
    for (task_id,) in conn.execute(text("SELECT id FROM tasks WHERE uid IS NULL")).all():
        conn.execute(text("UPDATE tasks SET uid = :u WHERE id = :i"), {"u": str(uuid4()), "i": task_id})
    conn.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS ux_tasks_uid ON tasks (uid)"))


@migration
def m006_agent_receipts(conn: Connection) -> None:
    # Agent runs' tool calls and receipts (grounded or not, on which sources): new tables only.
    from taskd.store.receipt_tables import Receipt, ToolCallRow

    for model in (ToolCallRow, Receipt):
        model.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]
