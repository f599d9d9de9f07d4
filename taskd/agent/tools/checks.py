"""`run_check`: a configured argv whose stdout is data, run before the model is asked.

Its exit status says whether there is anything to tell, as grep's does: 0 = yes (wake the model
with the output), 1 = nothing to report (the model is not asked: zero tokens), anything else =
the check failed. Output that is a JSON object with `"wake": false` also means nothing to report.
The argv comes only from config.toml; no shell, no task words on it, stdin closed.
"""

from __future__ import annotations

import json
import subprocess
import time

from taskd.agent.tools import RESULT_CHARS, Call
from taskd.agent.tools.config import CheckConfig

OUTPUT_BYTES = 64_000


def _says_sleep(text: str) -> bool:
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("wake") is False


def run_check(check: CheckConfig) -> Call:
    call = Call("run_check", {"check": check.name}, f"check:{check.name}")
    started = time.monotonic()
    try:
        done = subprocess.run(list(check.command), stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=check.timeout, check=False, shell=False)
    except subprocess.TimeoutExpired:
        call.error = f"check {check.name} took longer than {check.timeout:.0f}s"
    except OSError as exc:
        call.error = f"check {check.name} could not start: {exc.strerror or exc}"
    else:
        text = done.stdout[:OUTPUT_BYTES].decode("utf-8", errors="replace").strip()
        call.result_chars = len(text)
        call.result = text[:RESULT_CHARS]
        if done.returncode not in (0, 1):
            detail = done.stderr[:300].decode("utf-8", errors="replace").strip().replace("\n", " ")
            call.error = f"check {check.name} failed (exit {done.returncode})" + (
                f": {detail}" if detail else "")
        else:
            call.wake = done.returncode == 0 and not _says_sleep(text)
            call.cite = f"check:{check.name}"
    call.ms = round((time.monotonic() - started) * 1000)
    return call
