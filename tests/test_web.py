"""The web page over real HTTP (uvicorn on a loopback port, and on a Unix socket): every section is
there, untrusted text is escaped, the forms act through the core, and the token rules hold."""

from __future__ import annotations

import html
import http.client
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlencode

import pytest
from markupsafe import escape

from taskd.clock import FakeClock

TOKEN = "web-test-token-0123456789"
NASTY = '<script>alert("x")</script> & <b>bold</b>'


@dataclass
class Served:
    core: object
    port: int
    socket_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, form: dict[str, str] | None = None, *,
                cookie: str | None = TOKEN, headers: dict[str, str] | None = None,
                unix: bool = False) -> tuple[int, dict[str, str], str]:
        """One request, no redirects followed: (status, headers lower-cased, body)."""
        conn: http.client.HTTPConnection
        if unix:
            conn = _UnixConnection(str(self.socket_path))
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        head = dict(headers or {})
        if cookie is not None:
            head["Cookie"] = f"taskd_token={cookie}"
        body = None
        if form is not None:
            body = urlencode(form)
            head["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=head)
        response = conn.getresponse()
        data = response.read().decode()
        found = {k.lower(): v for k, v in response.getheaders()}
        found["set-cookie"] = "\n".join(response.headers.get_all("set-cookie") or [])
        conn.close()
        return response.status, found, data


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=10)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def _server(app: object, **config: object) -> tuple[object, threading.Thread]:
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", **config))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return server, thread


@contextmanager
def serve(clock: FakeClock, *, unix: Path | None = None) -> Iterator[Served]:
    """The router in a small app of its own (the service's app includes it the same way),
    on a free loopback port with the bearer token set, and optionally on a Unix socket too."""
    import time

    from fastapi import FastAPI

    from taskd.core import Core
    from taskd.settings import load
    from taskd.web import router

    app = FastAPI()
    app.include_router(router())
    core = Core(load(), clock)
    app.state.taskd = SimpleNamespace(core=core, token=TOKEN)  # what ApiContext carries
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # uvicorn binds it again at once; loopback ports are not reused that fast
    servers = [_server(app, host="127.0.0.1", port=port)]
    if unix is not None:
        servers.append(_server(app, uds=str(unix)))
    deadline = time.monotonic() + 10
    while not all(s.started for s, _ in servers):  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield Served(core, port, unix)
    finally:
        for server, thread in servers:
            server.should_exit = True  # type: ignore[attr-defined]
            thread.join(5)


@pytest.fixture
def web(clock: FakeClock, tmp_path: Path) -> Iterator[Served]:
    with serve(clock, unix=tmp_path / "web.sock") as served:
        yield served


def _text(page: str) -> str:
    """The page as a reader sees it: tags gone, entities decoded, spaces squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_every_section_and_untrusted_text_escaped(web: Served) -> None:
    core = web.core
    first = core.add("every monday at 9am water the plants")  # type: ignore[attr-defined]
    nasty = core.add(f"remind me to {NASTY} in 2 hours")  # type: ignore[attr-defined]
    core.run(nasty["id"])  # type: ignore[attr-defined]  # a history row carrying the title
    status, headers, page = web.request("GET", "/")
    assert status == 200
    assert "script-src 'self'" in headers["content-security-policy"]
    for section in ('id="add-form"', 'id="tasks"', 'id="history"', 'id="prefs"', 'id="live"'):
        assert section in page
    # the untrusted title: never a live tag, always shown as typed
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "<script>" in nasty["title"]  # kept as typed by the core, so the page must escape it
    assert str(escape(nasty["title"])) in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    # the only scripts are the two vendored files; no inline script or handler
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/web/static/htmx.min.js" defer>', '<script src="/web/static/taskd.js" defer>']
    assert not re.search(r"\son[a-z]+=", page)
    text = _text(page)
    assert "Water the plants every Monday at 09:00 Mon 23 Nov, 09:00 in 2 days" in text
    assert 'History fired task planned outcome output Sat 21 Nov, 10:00' in text
    row = re.search(r'<tr class="run[^>]*>.*?</tr>', page, re.S)
    assert row is not None and "&lt;script&gt;" in row.group(0)
    for key in ("morning", "evening", "snooze"):
        assert f'id="pref-{key}"' in page
    assert f'id="task-{first["id"]}"' in page
    for action in ("done", "pause", "run", "delete"):
        assert f'action="/web/tasks/{first["id"]}/{action}"' in page
    assert f'action="/web/tasks/{first["id"]}/snooze"' in page


def test_static_files_are_a_fixed_list(web: Served) -> None:
    status, headers, body = web.request("GET", "/web/static/htmx.min.js", cookie=None)
    assert status == 200 and body.startswith("/*! htmx 2.0.11") and "javascript" in headers["content-type"]
    assert web.request("GET", "/web/static/..%2Froutes.py", cookie=None)[0] == 404
    assert web.request("GET", "/web/static/page.html", cookie=None)[0] == 404


def test_add_from_the_box_with_preview_and_question(web: Served) -> None:
    status, _, preview = web.request("POST", "/web/preview", {"text": "tomorrow at 8am call mum"})
    assert status == 200
    assert "Call mum" in _text(preview) and "Sun 22 Nov, 08:00" in _text(preview)
    status, _, preview = web.request("POST", "/web/preview", {"text": "call mum"})
    assert 'id="question"' in preview
    assert web.core.list_tasks() == []  # type: ignore[attr-defined]  # a preview stores nothing

    # a line that needs a question: 422, the question shown, the text kept, nothing stored
    status, _, page = web.request("POST", "/web/add", {"text": "call mum"})
    assert status == 422 and 'id="question"' in page and 'value="call mum"' in page
    assert web.core.list_tasks() == []  # type: ignore[attr-defined]

    # text the core refuses at the boundary: one error line on the page, the text kept, nothing stored
    status, _, page = web.request("POST", "/web/add", {"text": "call \x1b[31mmum tomorrow at 8am"})
    assert status == 400 and "control characters" in _text(page) and 'id="error"' in page
    assert web.request("POST", "/web/add", {"text": "x" * 2001 + " tomorrow"})[0] == 400
    assert web.core.list_tasks() == []  # type: ignore[attr-defined]

    status, headers, _ = web.request("POST", "/web/add", {"text": "tomorrow at 8am call mum"})
    [task] = web.core.list_tasks()  # type: ignore[attr-defined]
    assert status == 303 and headers["location"] == f"/#task-{task['id']}"
    flash = re.search(r"taskd_flash=([^;]*)", headers["set-cookie"])
    assert flash is not None
    status, _, page = web.request("GET", "/", headers={"Cookie": f"taskd_token={TOKEN}; "
                                                       f"taskd_flash={flash.group(1)}"}, cookie=None)
    assert "Added #1 “Call mum” — once, Sun 22 Nov 2026 at 08:00" in _text(page)


def test_buttons_act_through_the_core(web: Served) -> None:
    core = web.core
    a = core.add("every day at 9pm take the pills")["id"]  # type: ignore[attr-defined]
    b = core.add("in 1 hour stretch")["id"]  # type: ignore[attr-defined]
    status, headers, _ = web.request("POST", f"/web/tasks/{b}/snooze", {"duration": "3h"})
    assert status == 303 and headers["location"] == f"/#task-{b}"
    assert core.show(b)["next"][0] == "2026-11-21T14:00:00+01:00"  # type: ignore[attr-defined]
    assert web.request("POST", f"/web/tasks/{a}/pause", {})[0] == 303
    assert core.show(a)["status"] == "paused"  # type: ignore[attr-defined]
    assert "resume" in web.request("GET", "/")[2]
    assert web.request("POST", f"/web/tasks/{a}/resume", {})[0] == 303
    status, headers, _ = web.request("POST", f"/web/tasks/{a}/run", {})
    assert status == 303 and "Ran #1 now: delivered" in unquote(headers["set-cookie"])
    assert [r["task_id"] for r in core.history()] == [a]  # type: ignore[attr-defined]
    assert web.request("POST", f"/web/tasks/{b}/done", {})[0] == 303
    assert [t["id"] for t in core.list_tasks()] == [a]  # type: ignore[attr-defined]
    everything = web.request("GET", "/?all=1")[2]  # done tasks stay findable, without buttons
    assert f'class="task status-done" id="task-{b}"' in everything
    assert f'action="/web/tasks/{a}/done?all=1"' in everything
    assert f'action="/web/tasks/{b}/' not in everything
    assert web.request("POST", f"/web/tasks/{a}/delete", {})[0] == 303
    assert core.list_tasks() == []  # type: ignore[attr-defined]
    status, _, page = web.request("POST", "/web/tasks/999/done", {})
    assert status == 404 and 'id="error"' in page


def test_forget_a_preference(web: Served) -> None:
    web.core.set_pref("morning", "07:30")  # type: ignore[attr-defined]
    page = web.request("GET", "/")[2]
    assert 'action="/web/prefs/morning/forget"' in page
    assert web.request("POST", "/web/prefs/morning/forget", {})[0] == 303
    [row] = [p for p in web.core.prefs() if p["key"] == "morning"]  # type: ignore[attr-defined]
    assert row["source"] == "default"


def test_live_part_answers_204_until_something_changes(web: Served) -> None:
    status, _, live = web.request("GET", "/web/live")
    stamp = re.search(r'name="since" value="([0-9a-f]+)"', live)
    assert status == 200 and stamp is not None
    assert web.request("GET", f"/web/live?since={stamp.group(1)}")[0] == 204
    task = web.core.add("in 5 minutes tea")  # type: ignore[attr-defined]
    web.core.run(task["id"])  # type: ignore[attr-defined]  # a fire: the poll must bring it
    status, _, live = web.request("GET", f"/web/live?since={stamp.group(1)}")
    assert status == 200 and 'id="task-1"' in live and "Tea" in _text(live)
    assert re.search(r'<tr class="run', live)


def test_token_cookie_and_cross_site_posts(web: Served) -> None:
    assert web.request("GET", "/", cookie=None)[0] == 401
    assert web.request("GET", "/", cookie="wrong")[0] == 401
    assert web.request("GET", "/?token=wrong", cookie=None)[0] == 401
    status, headers, _ = web.request("GET", f"/?token={TOKEN}", cookie=None)
    assert status == 303 and headers["location"] == "/"  # the token leaves the address bar
    cookie = headers["set-cookie"].lower()
    assert f"taskd_token={TOKEN.lower()}" in cookie and "httponly" in cookie
    assert "samesite=strict" in cookie
    # scripts may use the API's bearer header instead
    assert web.request("GET", "/", cookie=None, headers={"Authorization": f"Bearer {TOKEN}"})[0] == 200

    line = {"text": "in 10 minutes check the oven"}
    assert web.request("POST", "/web/add", line, cookie=None)[0] == 401
    evil = {"Origin": "http://evil.example"}
    assert web.request("POST", "/web/add", line, headers=evil)[0] == 403
    # another port of this host is "same-site", and the cookie would go along: still refused
    other_port = {"Origin": "http://127.0.0.1:1", "Sec-Fetch-Site": "same-site"}
    assert web.request("POST", "/web/add", line, headers=other_port)[0] == 403
    assert web.request("POST", "/web/add", line, headers={"Origin": "null"})[0] == 403
    assert web.request("POST", "/web/add", line, headers={"Sec-Fetch-Site": "cross-site"})[0] == 403
    assert web.core.list_tasks() == []  # type: ignore[attr-defined]  # nothing refused ran
    ours = {"Origin": web.url, "Sec-Fetch-Site": "same-origin"}
    assert web.request("POST", "/web/add", line, headers=ours)[0] == 303


def test_unix_socket_needs_no_token(web: Served) -> None:
    status, _, page = web.request("GET", "/", cookie=None, unix=True)
    assert status == 200 and 'id="tasks"' in page
    assert web.request("POST", "/web/add", {"text": "in 2 hours call bob"}, cookie=None,
                       unix=True)[0] == 303
    assert [t["title"] for t in web.core.list_tasks()] == ["Call bob"]  # type: ignore[attr-defined]
