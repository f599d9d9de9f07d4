"""Services sharing one database: who is alive, and taking back what the dead had claimed.

Each `taskd serve` process is a node with a random id. Its heartbeat renews its own lease and the
lease of every run it holds, in one statement each. A claim whose lease ran out belongs to a node
that stopped (SIGKILL, a lost host, a frozen process): any live service puts it back to
`pending` under the same run id, so it is re-sent with the same Idempotency-Key. A live node's
claims are never touched, since it keeps renewing them.

Times come from each service's own clock: hosts sharing a database must keep their clocks within
a fraction of the lease (NTP does).
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, or_, select, update
from sqlmodel import Session, col

from taskd.errors import BadInput
from taskd.store.tables import Node, Run

if TYPE_CHECKING:
    from taskd.settings import Settings

LEASE_SECONDS = 30.0
# Dead nodes stay listed this long after their lease ran out, so `taskd status` can show them.
FORGET_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Timing:
    lease: timedelta = timedelta(seconds=LEASE_SECONDS)
    heartbeat: timedelta = timedelta(seconds=LEASE_SECONDS / 3)


def _seconds(raw: Any, key: str) -> float | None:
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise BadInput(f"[service] {key} must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise BadInput(f"[service] {key} must be more than 0 seconds")
    return value


def timing(settings: Settings) -> Timing:
    """[service] lease / heartbeat in config.toml; TASKD_LEASE_SECONDS / TASKD_HEARTBEAT_SECONDS win."""
    conf = settings.raw.get("service", {}) if isinstance(settings.raw.get("service"), dict) else {}
    lease = _seconds(os.environ.get("TASKD_LEASE_SECONDS") or conf.get("lease"), "lease")
    beat = _seconds(os.environ.get("TASKD_HEARTBEAT_SECONDS") or conf.get("heartbeat"), "heartbeat")
    lease = lease or LEASE_SECONDS
    beat = beat or lease / 3
    if beat >= lease:
        raise BadInput(f"[service] heartbeat ({beat:g} s) must be shorter than the lease ({lease:g} s)")
    return Timing(timedelta(seconds=lease), timedelta(seconds=beat))


def new_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def register(db: Session, node_id: str, now: datetime, lease: timedelta) -> None:
    db.merge(Node(id=node_id, host=socket.gethostname(), pid=os.getpid(), started_at=now,
                  heartbeat_at=now, lease_until=now + lease))


def heartbeat(db: Session, node_id: str, now: datetime, lease: timedelta) -> int:
    """Renew this node's lease and its claims' leases. Returns how many claims it holds.

    A node whose row was removed (it was taken for dead) registers again: its claims were
    already taken back and are not renewed, since they are no longer its own.
    """
    until = now + lease
    found = db.execute(update(Node).where(col(Node.id) == node_id)
                       .values(heartbeat_at=now, lease_until=until)).rowcount
    if not found:
        register(db, node_id, now, lease)
    held = db.execute(update(Run).where(col(Run.owner) == node_id, col(Run.state) == "claimed")
                      .values(lease_until=until)).rowcount
    return int(held or 0)


def leave(db: Session, node_id: str) -> None:
    """A clean stop: the node has released or finished its runs."""
    db.execute(delete(Node).where(col(Node.id) == node_id))


def take_back_expired(db: Session, now: datetime, *, unleased: bool = False) -> int:
    """Claims whose lease ran out go back to pending under the same run id. Returns the count.

    `unleased` (at start-up): a claim without a lease was made before leases existed, by a
    process that is gone since every service that runs now leases its claims.
    """
    expired = col(Run.lease_until) < now
    count = db.execute(
        update(Run).where(col(Run.state) == "claimed",
                          or_(col(Run.lease_until).is_(None), expired) if unleased else expired)
        .values(state="pending", owner=None, lease_until=None, claimed_at=None)).rowcount
    db.execute(delete(Node).where(col(Node.lease_until) < now - FORGET_AFTER))
    return int(count or 0)


def take_back_all_but(db: Session, node_id: str) -> int:
    """SQLite: whoever holds the per-file lock is the only service, so every other claim is dead."""
    count = db.execute(
        update(Run).where(col(Run.state) == "claimed",
                          or_(col(Run.owner).is_(None), col(Run.owner) != node_id))
        .values(state="pending", owner=None, lease_until=None, claimed_at=None)).rowcount
    db.execute(delete(Node).where(col(Node.id) != node_id))
    return int(count or 0)


def listing(db: Session, now: datetime) -> list[dict[str, Any]]:
    """Every registered node, whether its lease is current, and how many runs it holds."""
    held = dict(db.execute(select(Run.owner, func.count()).where(col(Run.state) == "claimed")
                           .group_by(Run.owner)).all())
    rows = db.execute(select(Node).order_by(col(Node.started_at))).scalars().all()
    return [{"id": n.id, "host": n.host, "pid": n.pid, "started": n.started_at.isoformat(),
             "last_heartbeat": n.heartbeat_at.isoformat(), "lease_until": n.lease_until.isoformat(),
             "alive": n.lease_until >= now, "claimed": int(held.get(n.id, 0))} for n in rows]
