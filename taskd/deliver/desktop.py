"""Desktop notifications through notify-send, when there is a session bus to show them on.

With notify-send 0.7.11 or later the notification offers the run's answers as buttons
(`--action KEY=LABEL --wait`: it prints the chosen key). A thread waits for that key and applies
it here (taskd.core.answers); the delivery itself never waits for the user.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskd.deliver.base import DeliveryError, Skipped
from taskd.errors import TaskdError

if TYPE_CHECKING:
    from collections.abc import Callable

    from taskd.deliver.actions import ActionLink
    from taskd.fire.message import Message

log = logging.getLogger("taskd.deliver")
_warned = False
_versions: dict[str, bool] = {}
ACTIONS_SINCE = (0, 7, 11)  # --action with --wait prints the chosen key on stdout
# How long an unanswered notification's answer is awaited; the links' own life is a week, but a
# notification still open after this is forgotten.
ANSWER_WAIT = 12 * 3600.0
EARLY_EXIT = 0.2  # seconds: a notify-send that fails at once is a failed delivery
# Notifications awaiting an answer at once (a thread and a process each); past this, plain ones.
MAX_WAITING = 32
_waiting = threading.BoundedSemaphore(MAX_WAITING)


def _session_bus() -> bool:
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return bool(runtime) and Path(runtime, "bus").exists()


def supports_actions(binary: str) -> bool:
    """notify-send's version, asked once per binary: older ones reject --action or never print."""
    if binary not in _versions:
        try:
            answer = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=2,
                                    stdin=subprocess.DEVNULL)
            found = re.search(r"(\d+)\.(\d+)\.(\d+)", answer.stdout)
            _versions[binary] = bool(found) and answer.returncode == 0 and \
                tuple(int(n) for n in found.groups()) >= ACTIONS_SINCE  # type: ignore[union-attr]
        except (OSError, subprocess.SubprocessError):
            _versions[binary] = False
    return _versions[binary]


def _read_back(proc: subprocess.Popen[str], links: tuple[ActionLink, ...],
               answer: Callable[[ActionLink], Any], wait: float) -> None:
    try:
        out, _ = proc.communicate(timeout=wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return
    finally:
        _waiting.release()
    lines = (out or "").split()
    chosen = next((link for link in links if lines and link.action == lines[-1]), None)
    if chosen is None:  # closed or expired without an answer
        return
    try:
        answer(chosen)
        log.info("run %s answered from the desktop: %s", chosen.run_id, chosen.action)
    except TaskdError as exc:
        log.warning("desktop answer %s for run %s: %s", chosen.action, chosen.run_id, exc.message)
    except Exception:  # a thread's crash would vanish silently; say what failed
        log.exception("desktop answer %s for run %s failed", chosen.action, chosen.run_id)


class DesktopChannel:
    def __init__(self, name: str = "desktop", timeout: float = 10.0) -> None:
        self.name = name
        self.retries = 1
        self.backoff = 1.0
        self.timeout = timeout
        self.answer_wait = ANSWER_WAIT

    def _with_answers(self, command: list[str], message: Message) -> str:
        assert message.answer is not None
        links = message.actions
        command = [*command[:-2], "--wait", *(f"--action={link.action}={link.label}"
                                              for link in links), *command[-2:]]
        try:
            proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL, text=True)
        except OSError as exc:
            raise DeliveryError(f"notify-send: {exc.strerror}") from exc
        try:
            code = proc.wait(timeout=EARLY_EXIT)
        except subprocess.TimeoutExpired:
            code = None  # shown, waiting for the user
        if code:
            raise DeliveryError(f"notify-send exited {code}")
        threading.Thread(target=_read_back, args=(proc, links, message.answer, self.answer_wait),
                         name=f"desktop-answer-{message.run_id}", daemon=True).start()
        return "shown with answers"

    def send(self, message: Message) -> str:
        global _warned
        binary = shutil.which("notify-send")
        if binary is None or not _session_bus():
            why = "notify-send not found" if binary is None else "no session bus"
            if not _warned:  # a headless box would otherwise log this on every reminder
                log.warning("desktop notifications skipped: %s", why)
                _warned = True
            raise Skipped(why)
        body = message.message if message.message != message.title else ""
        urgency = "critical" if message.late else "normal"
        command = [binary, "--app-name=taskd", f"--urgency={urgency}", message.title, body]
        if message.actions and message.answer is not None and supports_actions(binary) and \
                _waiting.acquire(blocking=False):
            try:
                return self._with_answers(command, message)
            except BaseException:
                _waiting.release()
                raise
        try:
            subprocess.run(command,
                           check=True, timeout=self.timeout, capture_output=True, stdin=subprocess.DEVNULL)
        except subprocess.CalledProcessError as exc:
            raise DeliveryError(f"notify-send exited {exc.returncode}") from exc
        except subprocess.TimeoutExpired as exc:
            raise DeliveryError("notify-send timed out") from exc
        return "shown"
