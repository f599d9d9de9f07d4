"""Answers a delivery carries: Done, Snooze (the learned default), Snooze 1 h.

Each answer is a signed, single-use link of the API, `/v1/runs/{id}/act?action=…&via=…&exp=…&sig=…`:
HMAC-SHA256 over (run, action, via, expiry) with a key made once per database and kept in it
(table secrets, migration m009), so every node on one database signs and verifies alike: a link
one service sent is answered by whichever one the address reaches. A node's key file from before
(`action.key` in the data dir) is moved in when the database has no key yet, then left unused.
Holding the link is the permission, so the act route needs no API token; the signature binds the
channel (`via`) too, so the learner hears which channel the user answers through. Links expire
after a week; a run is answered once (table action_answers, migration m008), whichever channel
answers first. Without a base URL (`[api] public_url` or `[api] listen`) webhook and email carry
no links; the desktop answers locally and needs none.

Light: no heavy imports, this runs on every delivery.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from taskd.errors import BadInput, TaskdError

if TYPE_CHECKING:
    from taskd.fire.message import Message
    from taskd.settings import Settings

log = logging.getLogger("taskd.deliver")

KEY_FILE = "action.key"  # where a node kept its own key before m009; read once, to move it
SECRET = "action_key"  # its row in the database's `secrets` table
LIFETIME = timedelta(days=7)
# The answers, in the order they are offered. "snooze" takes the learned default length.
ACTIONS = ("done", "snooze", "snooze_1h")
ONE_HOUR = timedelta(hours=1)

_keys: dict[str, bytes] = {}  # by database URL: one query per process, not one per delivery
_noted: set[Path] = set()
_lock = threading.Lock()


class BadLink(BadInput):
    """A link that does not verify: tampered, expired, or already used. `status` is its HTTP code."""

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def key_path(settings: Settings) -> Path:
    """Where this node kept its own key before the key moved into the database."""
    return settings.paths.data_dir / KEY_FILE


def load_key(settings: Settings) -> bytes:
    """The signing key of the database (shared by every node on it), made on first use and cached
    per database URL. A database without one takes this node's old key file, if it has a usable
    one, so links already sent keep working; the file is not read again after that."""
    url = settings.database_url
    with _lock:
        if url in _keys:
            return _keys[url]
        key = _read_stored(url)
        if key is None:
            old = _read_file(key_path(settings))
            key = _store(url, old or secrets.token_bytes(32))
            if old is not None:
                _note_file(key_path(settings), moved=key == old)
        elif key_path(settings).exists():
            _note_file(key_path(settings), moved=_read_file(key_path(settings), quiet=True) == key)
        _keys[url] = key
        return key


def _decode(value: str) -> bytes:
    from taskd.store.db import StoreError

    try:
        key = bytes.fromhex(value.strip())
    except ValueError:
        key = b""
    if len(key) < 32:
        raise StoreError(f"the database's {SECRET} (table secrets) is not a taskd key: delete "
                         "that row to make a new one (links sent before stop working)")
    return key


def _read_stored(url: str) -> bytes | None:
    from taskd.store.db import session
    from taskd.store.secret_tables import Secret

    with session(url) as db:
        row = db.get(Secret, SECRET)
        return None if row is None else _decode(row.value)


def _store(url: str, candidate: bytes) -> bytes:
    """The database's key after offering `candidate`: INSERT … ON CONFLICT DO NOTHING, then SELECT,
    in one transaction. Of nodes starting at once, one row wins and every node reads that one
    (PostgreSQL holds a second INSERT of the same name until the first commits; SQLite's BEGIN
    IMMEDIATE takes turns), so no node ever signs with a key the others do not have."""
    from datetime import UTC

    from sqlalchemy import select

    from taskd.store.db import session
    from taskd.store.secret_tables import Secret

    table = Secret.__table__  # type: ignore[attr-defined]
    row = {"name": SECRET, "value": candidate.hex(), "created_at": datetime.now(UTC)}
    with session(url, write=True) as db:
        conn = db.connection()
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            conn.execute(pg_insert(table).values(row).on_conflict_do_nothing(index_elements=["name"]))
        else:  # SQLite (3.24+), the other database taskd runs on
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            conn.execute(sqlite_insert(table).values(row).on_conflict_do_nothing(
                index_elements=["name"]))
        value = conn.execute(select(table.c.value).where(table.c.name == SECRET)).scalar_one()
    return _decode(value)


def _read_file(path: Path, *, quiet: bool = False) -> bytes | None:
    """A node's old key file, if it is one worth keeping. One others could read is not: links
    signed with a key someone else may have copied are not worth honouring."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        text = path.read_text().strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        if not quiet:
            log.warning("cannot read %s (%s): not moved into the database", path, exc.strerror)
        return None
    if mode & 0o077:
        if not quiet:
            log.warning("%s was mode %o: not moved into the database (links signed with it stop "
                        "working); the file is no longer used", path, mode)
        return None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 32:
        if not quiet:
            log.warning("%s is not a taskd action key: not moved into the database", path)
        return None
    return key


def _note_file(path: Path, *, moved: bool) -> None:
    """Say once per process what became of the old key file. It is left in place (a backup, and
    an older taskd on this data dir still finds it), but never read for signing again."""
    if path in _noted:
        return
    _noted.add(path)
    if moved:
        log.info("the action key is kept in the database now (every node shares it): %s is no "
                 "longer used and may be deleted", path)
    else:
        log.warning("%s is no longer used: the database holds the action key every node shares "
                    "(links this node signed with the file stop working); it may be deleted", path)


def sign(key: bytes, run_id: int, action: str, via: str, exp: int) -> str:
    payload = f"taskd-act-v1|{run_id}|{action}|{via}|{exp}".encode()
    digest = hmac.new(key, payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def verify(key: bytes, run_id: int, action: str, via: str, exp: int, sig: str,
           now: datetime) -> None:
    """Raise BadLink unless `sig` signs exactly these values and `exp` has not passed. The
    signature is checked first, so a forged link learns nothing about runs or expiry."""
    if action not in ACTIONS:
        raise BadLink(f"unknown action {action!r}", status=400, code="bad_input")
    if not hmac.compare_digest(sign(key, run_id, action, via, exp), sig):
        raise BadLink("this link is not valid (it was changed, or signed by another taskd)",
                      status=403, code="bad_signature")
    if now.timestamp() > exp:
        raise BadLink("this link has expired; answer from the CLI instead "
                      "(`taskd done`, `taskd snooze`)", status=410, code="expired")


@dataclass(frozen=True)
class ActionLink:
    """One answer a delivery offers. `url` is None when the API has no base URL to link to."""

    run_id: int
    action: str
    label: str
    via: str
    exp: int
    sig: str
    url: str | None

    def as_json(self) -> dict[str, Any]:
        return {"action": self.action, "label": self.label, "url": self.url}


def base_url(settings: Settings) -> str | None:
    """Where the API is reached: `[api] public_url`, else the TCP listener, else nothing."""
    api = settings.raw.get("api") or {}
    public = api.get("public_url") if isinstance(api, dict) else None
    if public:
        parts = urlsplit(str(public))
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise BadInput(f"[api] public_url {public!r} must be an http(s):// URL without a query")
        return str(public).rstrip("/")
    listen = os.environ.get("TASKD_API_LISTEN") or (api.get("listen") if isinstance(api, dict)
                                                     else None)
    if not listen:
        return None
    host, _, port = str(listen).rpartition(":")
    host = host.strip("[]")
    if not port.isdigit():
        return None
    if host in ("", "0.0.0.0", "::"):
        import socket

        host = socket.gethostname()  # listening everywhere: name this machine
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def default_snooze_label(settings: Settings) -> str:
    return f"Snooze {snooze_default(settings)}"


_defaults: dict[str, tuple[float, str]] = {}


def snooze_default(settings: Settings) -> str:
    """The learned default snooze ("10m" until the learner says otherwise), for the label. Read at
    most once a minute: a burst of due runs should not cost a query each for a button label."""
    import time

    from taskd.learn.prefs import current
    from taskd.store.db import session

    cached = _defaults.get(settings.database_url)
    if cached and time.monotonic() - cached[0] < 60:
        return cached[1]
    try:
        with session(settings.database_url) as db:
            value = str(current(db, "snooze") or "10m")
    except Exception:  # a label is not worth failing a delivery over
        return "10m"
    _defaults[settings.database_url] = (time.monotonic(), value)
    return value


def links(settings: Settings, run_id: int, via: str, now: datetime,
          snooze_label: str | None = None) -> tuple[ActionLink, ...]:
    key = load_key(settings)
    exp = int((now + LIFETIME).timestamp())
    base = base_url(settings)
    labels = {"done": "Done", "snooze": snooze_label or default_snooze_label(settings),
              "snooze_1h": "Snooze 1 h"}
    out = []
    for action in ACTIONS:
        sig = sign(key, run_id, action, via, exp)
        url = None
        if base is not None:
            query = urlencode({"action": action, "via": via, "exp": exp, "sig": sig})
            url = f"{base}/v1/runs/{run_id}/act?{query}"
        out.append(ActionLink(run_id, action, labels[action], via, exp, sig, url))
    return tuple(out)


def for_channels(message: Message, settings: Settings,
                 now: Callable[[], datetime]) -> Callable[[str], Message]:
    """A function giving the message as each channel gets it: with that channel's own links. The
    snooze label is read once per run. Never fails the delivery: without a key (the database
    refused it) the message goes out without answers."""
    from dataclasses import replace

    label: list[str] = []
    moment = now()  # one expiry for every channel's links

    def answer(link: ActionLink) -> dict[str, Any]:
        # A desktop click: applied here, through the same operation as the API's POST.
        from taskd.core.answers import answer_locally

        return answer_locally(settings, link, now)

    def attach(channel: str) -> Message:
        try:
            if not label:
                label.append(default_snooze_label(settings))
            found = links(settings, message.run_id, channel, moment, label[0])
        except (TaskdError, OSError) as exc:
            log.warning("delivery without answers: %s", getattr(exc, "message", exc))
            return message
        return replace(message, actions=found, answer=answer)

    return attach


def ntfy_header(actions: tuple[ActionLink, ...]) -> str | None:
    """ntfy's `X-Actions` short form: `http, Label, URL, method=POST, clear=true; …` (at most 3).
    Commas and semicolons separate fields, so labels lose them; our URLs never contain them."""
    parts = []
    for link in actions[:3]:
        if link.url is None:
            continue
        label = link.label.replace(",", " ").replace(";", " ")
        parts.append(f"http, {label}, {link.url}, method=POST, clear=true")
    return "; ".join(parts) or None


def status(settings: Settings) -> dict[str, Any]:
    """For `taskd status`: whether deliveries carry answer links, and where they point."""
    try:
        base = base_url(settings)
    except BadInput as exc:
        return {"base_url": None, "note": exc.message}
    if base is None:
        return {"base_url": None, "note": "webhook and email carry no Done/Snooze links: set "
                "[api] public_url or [api] listen (desktop answers work without)"}
    return {"base_url": base, "note": f"deliveries carry Done/Snooze links to {base}"}
