"""Schema migrations: an ordered registry (after simonw/llm), applied once each, recorded by name.

Add a migration by appending a function; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

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
    if conn.dialect.name == "postgresql":
        # Several services starting at once on one database: one migrates, the others wait for
        # its commit and then find nothing left to do. (SQLite: BEGIN IMMEDIATE does this.)
        conn.execute(text("SELECT pg_advisory_xact_lock(7325001)"))
        from taskd.store.tables import postgres_options

        postgres_options()
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


@migration
def m007_claims_and_nodes(conn: Connection) -> None:
    # Several services on one database: each claim records its owner and lease, services register
    # in `nodes`, and (task, instant) is unique only among live rows, so a run cancelled by an
    # edit no longer blocks planning that instant again.
    from taskd.store.tables import Node, Run

    table = Run.__table__  # type: ignore[attr-defined]
    have = {column["name"] for column in inspect(conn).get_columns("runs")}
    for name in ("owner", "lease_until"):
        if name not in have:
            kind = table.c[name].type.compile(dialect=conn.dialect)
            conn.execute(text(f"ALTER TABLE runs ADD COLUMN {name} {kind}"))
    old = {c["name"] for c in inspect(conn).get_unique_constraints("runs")}
    if "uq_runs_task_instant" in old:
        if conn.dialect.name == "sqlite":
            _rebuild_sqlite_runs(conn, table)
        else:
            conn.execute(text("ALTER TABLE runs DROP CONSTRAINT uq_runs_task_instant"))
    for index in table.indexes:
        index.create(conn, checkfirst=True)
    Node.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


def _rebuild_sqlite_runs(conn: Connection, table: Any) -> None:
    # SQLite cannot drop a table constraint: copy the rows aside, recreate the table in its new
    # shape and copy them back. Deferred foreign keys let deliveries point at no run for the
    # moment in between; by commit every run is back under its old id.
    conn.execute(text("CREATE TEMP TABLE _runs_m007 AS SELECT * FROM runs"))
    conn.execute(text("PRAGMA defer_foreign_keys = ON"))
    conn.execute(text("DROP TABLE runs"))
    table.create(conn)
    names = ", ".join(c.name for c in table.columns)
    conn.execute(text(f"INSERT INTO runs ({names}) SELECT {names} FROM _runs_m007"))
    conn.execute(text("DROP TABLE _runs_m007"))


@migration
def m008_action_answers(conn: Connection) -> None:
    # Signed Done/Snooze links are single-use: the runs answered through them. A new table only.
    from taskd.store.action_tables import ActionAnswer

    ActionAnswer.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


@migration
def m009_secrets(conn: Connection) -> None:
    # Secrets every node on the database shares (the action-link key, until now a file per node's
    # data dir, so a link signed by one node failed on another). A new table only; the key file
    # is moved in on first use (taskd.deliver.actions), not here: a migration cannot see TASKD_HOME.
    from taskd.store.secret_tables import Secret

    Secret.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]
