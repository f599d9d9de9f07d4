"""End to end against the real local model (xllamacpp + Qwen2.5-Coder-1.5B), over loopback HTTP.

Skips unless the runtime is installed and the verified weights are in the cache
(`evals/model/setup_model.sh` or `taskd model fetch` puts them there).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from taskd.extract.model import local

pytestmark = [pytest.mark.model, pytest.mark.slow]


def _ready() -> str | None:
    try:
        import xllamacpp  # noqa: F401
    except ImportError:
        return "xllamacpp is not installed (pip install -e '.[model]')"
    if not local.gguf_path().exists():
        return f"no model weights at {local.gguf_path()} (run evals/model/setup_model.sh)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    reason = _ready()
    if reason:
        pytest.skip(reason)
    external = os.environ.get("TASKD_TEST_MODEL_URL")
    if external:
        yield external
        return
    port = _free_port()
    threads = os.environ.get("TASKD_MODEL_THREADS", "2")
    proc = subprocess.Popen([sys.executable, "-m", "taskd", "model", "serve", "--port", str(port),
                             "--threads", threads], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("OPENAI_BASE_URL="), line
        yield line.split("=", 1)[1]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


# The last column: whether the model is asked (the parser reads the others completely).
CASES = [
    ("remind me to call the dentist tomorrow at 10", "2026-11-20T10:00:00", None, "dentist", False),
    ("every Sunday at 6pm call mom", "2026-11-22T18:00:00", "WEEKLY", "mom", False),
    ("in 20 minutes check the oven", "2026-11-19T10:20:00", None, "oven", False),
    ("every weekday at 8am give me a news briefing", "2026-11-20T08:00:00", "WEEKLY", "briefing",
     False),
    # beyond the parser: the model's plain words ("Wednesday") are what code reads
    ("remind me to call mom on wendsday at 3pm", "2026-11-25T15:00:00", None, "mom", True),
]


@pytest.mark.parametrize(("text", "first", "freq", "word", "asks"), CASES)
def test_real_model_pipeline(base_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                             text: str, first: str, freq: str | None, word: str,
                             asks: bool) -> None:
    from taskd import settings as settings_mod
    from taskd.extract.model import ModelExtractor
    from taskd.pipeline import parse
    from taskd.resolve.zones import get_zone, localize, wall

    monkeypatch.setenv("TASKD_HOME", str(tmp_path))
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    monkeypatch.setenv("TASKD_MODEL_TIMEOUT", "120")
    tz = "Europe/Berlin"
    now = localize(datetime(2026, 11, 19, 10, 0), get_zone(tz))
    extractor = ModelExtractor(settings_mod.load(backend="openai"))
    started = time.monotonic()
    parsed = parse(text, extractor=extractor, now=now, tz=tz)
    assert parsed.resolved is not None, parsed.draft
    assert wall(parsed.resolved.first, get_zone(tz)).isoformat(timespec="seconds") == first
    assert (parsed.resolved.rrule or "").startswith(f"FREQ={freq}") if freq else parsed.resolved.rrule is None
    assert word in (parsed.draft.title or "").lower()
    if asks:
        assert extractor.calls and extractor.calls[0].content  # a real answer came over HTTP
    else:
        assert extractor.calls == []  # a complete offline reading: no round trip
    assert time.monotonic() - started < 300
