"""A wire-level fake OpenAI-compatible server: real HTTP on loopback, scripted faults."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def completion(content: str | None, *, refusal: str | None = None,
               finish_reason: str = "stop") -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": "fake",
            "choices": [{"index": 0, "finish_reason": finish_reason,
                         "message": {"role": "assistant", "content": content, "refusal": refusal}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}}


@dataclass
class Step:
    """One scripted answer: a status, a JSON body or raw bytes, an optional delay or trickle."""

    status: int = 200
    body: dict[str, Any] | None = None
    raw: bytes | None = None
    delay_s: float = 0.0
    trickle_s: float = 0.0  # seconds between bytes of the body


@dataclass
class FakeServer:
    steps: list[Step] = field(default_factory=list)
    default: Step | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def next_step(self) -> Step:
        if self.steps:
            return self.steps.pop(0)
        return self.default or Step(500, {"error": {"message": "no scripted answer"}})


def _handler(fake: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            fake.requests.append({"path": self.path, "body": body,
                                  "headers": {k.lower(): v for k, v in self.headers.items()}})
            step = fake.next_step()
            if step.delay_s and fake.stop.wait(step.delay_s):
                return
            payload = step.raw if step.raw is not None else json.dumps(step.body or {}).encode()
            try:
                self.send_response(step.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if step.trickle_s:
                    for i in range(len(payload)):
                        if fake.stop.wait(step.trickle_s):
                            return
                        self.wfile.write(payload[i:i + 1])
                        self.wfile.flush()
                else:
                    self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@contextmanager
def fake_server(*steps: Step, default: Step | None = None) -> Iterator[FakeServer]:
    fake = FakeServer(list(steps), default)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    httpd.daemon_threads = True
    fake.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.stop.set()
        httpd.shutdown()
        httpd.server_close()
        time.sleep(0.01)


def fake_model_env(monkeypatch: Any) -> Iterator[FakeServer]:
    """A fixture body: the fake OpenAI server, named as the configured model endpoint."""
    with fake_server() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("TASKD_MODEL", "fake-model")
        yield server
