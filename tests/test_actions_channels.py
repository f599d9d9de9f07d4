"""Answer links end to end, per channel: a reminder fires through the real engine to a real
receiver (webhook, ntfy-style, SMTP sink, a notify-send on PATH), the link is used against the act
router served by uvicorn on loopback, and the task and the learner's evidence change once."""

from __future__ import annotations

import json
import re
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from taskd import settings as settings_mod
from taskd.clock import FakeClock
from taskd.deliver import actions
from taskd.schedule.engine import Engine
from taskd.store import repo
from taskd.store.db import session
from taskd.store.tables import Event, Run
from tests.conftest import local
from tests.conftest_service import Receiver, add_task

START = local("2026-03-02T08:00:00")


class ActServer:
    """The act router (taskd.deliver.act_routes) in a FastAPI app, served by uvicorn on a free port."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server: Any = None

    def start(self, settings: settings_mod.Settings, clock: FakeClock) -> None:
        import uvicorn
        from fastapi import FastAPI

        from taskd.core import Core
        from taskd.deliver.act_routes import build_router

        app = FastAPI()
        app.include_router(build_router(Core(settings, clock)))
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)
        self.thread.start()
        while not self.server.started and self.thread.is_alive():
            threading.Event().wait(0.01)

    def close(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
            self.thread.join(5)
        self.sock.close()


class World:
    def __init__(self, home: Path, api: ActServer) -> None:
        self.home, self.api = home, api
        self.fake = FakeClock(START)

    def configure(self, channels: str, defaults: list[str], public: bool = True) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        head = f"default_channels = {json.dumps(defaults)}\n"
        if public:
            head += f'[api]\npublic_url = "{self.api.url}"\n'
        (self.home / "config.toml").write_text(head + channels)
        self.settings = settings_mod.load()
        self.api.start(self.settings, self.fake)
        self.engine = Engine(self.settings, self.fake, workers=1)

    def fire(self, title: str = "stretch") -> tuple[int, int]:
        """A task due in 5 minutes, fired by the engine 5 minutes later. Returns (task, run)."""
        task = add_task(self.settings.database_url, self.fake.now(), title=title,
                        first=self.fake.now() + timedelta(minutes=5))
        self.fake.advance(timedelta(minutes=5, seconds=1))
        report = self.engine.tick()
        assert len(report.delivered) == 1, report
        with session(self.settings.database_url) as db:
            run = db.exec(select(Run).where(Run.task_id == task, col(Run.fired_at).is_not(None))).one()
        assert run.id is not None
        return task, run.id

    def events(self, kind: str) -> list[dict[str, Any]]:
        with session(self.settings.database_url) as db:
            rows = db.exec(select(Event).where(Event.kind == kind).order_by(col(Event.id))).all()
            return [json.loads(r.data_json or "{}") for r in rows]

    def status(self, task: int) -> str:
        with session(self.settings.database_url) as db:
            return repo.get(db, task).status


def http(url: str, method: str = "POST", accept: str = "application/json") -> tuple[int, str]:
    request = urllib.request.Request(url, data=b"" if method == "POST" else None, method=method,
                                     headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def world(taskd_home: Path) -> Iterator[World]:
    actions._keys.clear()
    actions._defaults.clear()
    api = ActServer()
    made = World(taskd_home, api)
    yield made
    if hasattr(made, "engine"):
        made.engine.close()
    api.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    yield hook
    hook.close()


def _hook(url: str, name: str = "hook", extra: str = "") -> str:
    return f'[channels.{name}]\ntype = "webhook"\nurl = "{url}"\nretries = 0\n{extra}'


def test_webhook_done_link_marks_done_once_and_teaches_the_channel(world: World,
                                                                  receiver: Receiver) -> None:
    world.configure(_hook(receiver.url), ["hook"])
    task, run = world.fire()
    (body,) = receiver.posts
    assert [(a["action"], a["label"]) for a in body["actions"]] == \
        [("done", "Done"), ("snooze", "Snooze 10m"), ("snooze_1h", "Snooze 1 h")]
    links = {a["action"]: a["url"] for a in body["actions"]}
    assert links["done"].startswith(f"{world.api.url}/v1/runs/{run}/act?action=done&via=hook&exp=")

    # A GET (a mail scanner, a link preview) only shows the button; nothing changes.
    status, page = http(links["snooze"], "GET", accept="text/html")
    assert status == 200 and "<form method=post" in page and "Snooze 10m</button>" in page
    assert "stretch" in page and world.status(task) == "active" and world.events("snoozed") == []

    world.fake.advance(timedelta(minutes=2))
    status, text = http(links["done"])
    assert status == 200 and json.loads(text)["answered"] == "done"
    assert world.status(task) == "done"
    (done,) = world.events("done")
    assert done["via"] == "hook" and done["seconds_after_fire"] == 120.0

    status, text = http(links["done"])  # single use: the same link again
    assert status == 409 and json.loads(text)["code"] == "conflict"
    assert http(links["snooze"])[0] == 409  # and the run's other answers are spent with it
    assert len(world.events("done")) == 1 and world.events("snoozed") == []
    tampered = links["done"].replace("action=done", "action=snooze_1h")
    _fresh_task, fresh_run = world.fire("water plants")
    assert http(tampered.replace(f"/runs/{run}/", f"/runs/{fresh_run}/"))[0] == 403


def test_snooze_link_uses_the_learned_default_and_expires_after_a_week(world: World,
                                                                       receiver: Receiver) -> None:
    from taskd.learn.prefs import set_explicit

    world.configure(_hook(receiver.url), ["hook"])
    with session(world.settings.database_url, write=True) as db:
        set_explicit(db, "snooze", "25m", world.fake.now())
    task, _run = world.fire()
    links = {a["action"]: a for a in receiver.posts[0]["actions"]}
    assert links["snooze"]["label"] == "Snooze 25m"
    status, text = http(links["snooze"]["url"], accept="text/html")
    assert status == 200 and "Snoozed until" in text  # a browser's form POST gets a page
    (snoozed,) = world.events("snoozed")
    assert snoozed["via"] == "hook" and snoozed["seconds"] == 25 * 60 and snoozed["chosen"] is False
    with session(world.settings.database_url) as db:
        due = repo.get(db, task).next_fire_at
    assert due == world.fake.now() + timedelta(minutes=25)

    _, _later = world.fire("water plants")
    expired = {a["action"]: a["url"] for a in receiver.posts[-1]["actions"]}
    world.fake.advance(timedelta(days=7, minutes=1))
    status, text = http(expired["snooze_1h"])
    assert status == 410 and json.loads(text)["code"] == "expired"
    assert len(world.events("snoozed")) == 1


class RawReceiver:
    """An ntfy-like endpoint: keeps the raw body and headers."""

    def __init__(self) -> None:
        self.got: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.got.append((dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/mytopic"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_ntfy_text_format_carries_x_actions_buttons_that_post(world: World) -> None:
    ntfy = RawReceiver()
    try:
        world.configure(_hook(ntfy.url, "ntfy", 'format = "text"\n'), ["ntfy"])
        task, _run = world.fire()
        ((headers, body),) = ntfy.got
    finally:
        ntfy.close()
    assert b"stretch" in body and headers["Title"] == "stretch"
    buttons = [part.split(", ") for part in headers["X-Actions"].split("; ")]
    assert [b[:2] for b in buttons] == [["http", "Done"], ["http", "Snooze 10m"],
                                        ["http", "Snooze 1 h"]]
    assert all(b[3:] == ["method=POST", "clear=true"] for b in buttons)
    status, text = http(buttons[2][2])  # what the ntfy app does when "Snooze 1 h" is tapped
    assert status == 200 and json.loads(text)["answered"] == "snooze_1h"
    (snoozed,) = world.events("snoozed")
    assert snoozed["via"] == "ntfy" and snoozed["seconds"] == 3600 and snoozed["chosen"] is True
    assert world.status(task) == "active"


@pytest.fixture
def smtp_sink() -> Iterator[Any]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message as MessageHandler

    class Sink(MessageHandler):
        def __init__(self) -> None:
            super().__init__()
            self.messages: list[Any] = []

        def handle_message(self, message: Any) -> None:
            self.messages.append(message)

    with socket.socket() as probe:  # aiosmtpd cannot bind port 0: pick a free port first
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    controller.sink = sink  # type: ignore[attr-defined]
    yield controller
    controller.stop()


def _mail(port: int) -> str:
    return (f'[channels.mail]\ntype = "email"\nto = "me@example.org"\nsmtp_host = "127.0.0.1"\n'
            f"smtp_port = {port}\nretries = 0\n")


def test_email_carries_links_that_open_a_page_whose_button_answers(world: World,
                                                                   smtp_sink: Any) -> None:
    world.configure(_mail(smtp_sink.port), ["mail"])
    task, _run = world.fire()
    (mail,) = smtp_sink.sink.messages
    text = mail.get_payload(decode=True).decode().replace("\r\n", "\n")
    found = dict(re.findall(r"^(Done|Snooze 10m|Snooze 1 h): (\S+)$", text, re.M))
    assert set(found) == {"Done", "Snooze 10m", "Snooze 1 h"}
    status, page = http(found["Done"], "GET", accept="text/html")  # clicking the link in a mail
    assert status == 200 and world.status(task) == "active"
    form = re.search(r'<form method=post action="([^"]+)"', page)
    assert form is not None
    import html

    target = world.api.url + html.unescape(form.group(1))
    status, page = http(target, accept="text/html")  # pressing the button
    assert status == 200 and "Done ✓" in page
    assert world.status(task) == "done" and world.events("done")[0]["via"] == "mail"
    status, page = http(found["Done"], "GET", accept="text/html")
    assert status == 200 and "Already answered: done via mail" in page


def test_without_a_base_url_webhook_and_email_carry_no_links(world: World, receiver: Receiver,
                                                              smtp_sink: Any,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    world.configure(_hook(receiver.url) + _mail(smtp_sink.port), ["hook", "mail"], public=False)
    world.fire()
    assert receiver.posts[0]["actions"] == []
    text = smtp_sink.sink.messages[0].get_payload(decode=True).decode()
    assert "/act?" not in text and "Done:" not in text
    from tests.cli import taskd

    out = taskd(capsys, world.fake, "status").out
    assert "answers:   webhook and email carry no Done/Snooze links" in out


FAKE_NOTIFY = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "notify-send {version}"; exit 0; fi
printf '%s\\n' "$@" > "{args}"
case "$*" in *--wait*) ;; *) exit 0 ;; esac
# --wait: the notification stays up until the user picks a button (the test writes {choice})
n=0
while [ ! -f "{choice}" ] && [ $n -lt 500 ]; do sleep 0.02; n=$((n+1)); done
cat "{choice}" 2>/dev/null
"""


def _fake_notify_send(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      version: str = "0.8.3") -> tuple[Path, Path]:
    from taskd.deliver import desktop

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    args, choice = tmp_path / "args.txt", tmp_path / "choice.txt"
    script = bin_dir / "notify-send"
    script.write_text(FAKE_NOTIFY.format(version=version, args=args, choice=choice))
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
    desktop._versions.clear()
    return args, choice


def test_desktop_buttons_never_block_and_the_chosen_key_is_applied(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    args, choice = _fake_notify_send(tmp_path, monkeypatch)
    world.configure("", ["desktop"], public=False)  # no base URL: desktop answers need none
    started = time.monotonic()
    task, run = world.fire()  # returns while the notification still waits for the user
    assert time.monotonic() - started < 3
    waiting = [t for t in threading.enumerate() if t.name == f"desktop-answer-{run}"]
    assert len(waiting) == 1 and waiting[0].is_alive()
    shown = args.read_text().splitlines()
    assert "--wait" in shown and "--action=done=Done" in shown
    assert "--action=snooze_1h=Snooze 1 h" in shown and shown[-2:] == ["stretch", ""]
    assert world.events("snoozed") == [] and world.status(task) == "active"

    choice.write_text("snooze_1h\n")  # the user presses "Snooze 1 h"
    waiting[0].join(10)
    (snoozed,) = world.events("snoozed")
    assert snoozed["via"] == "desktop" and snoozed["seconds"] == 3600 and snoozed["chosen"] is True
    with session(world.settings.database_url) as db:
        assert repo.get(db, task).next_fire_at == world.fake.now() + timedelta(hours=1)


def test_old_notify_send_gets_no_buttons(world: World, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    args, _ = _fake_notify_send(tmp_path, monkeypatch, version="0.7.9")
    world.configure("", ["desktop"], public=False)
    world.fire()
    assert "--wait" not in args.read_text() and "--action" not in args.read_text()
