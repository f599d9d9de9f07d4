"""Desktop notifications through notify-send, when there is a session bus to show them on."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from taskd.deliver.base import DeliveryError, Skipped

if TYPE_CHECKING:
    from taskd.fire.message import Message

log = logging.getLogger("taskd.deliver")
_warned = False


def _session_bus() -> bool:
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return bool(runtime) and Path(runtime, "bus").exists()


class DesktopChannel:
    def __init__(self, name: str = "desktop", timeout: float = 10.0) -> None:
        self.name = name
        self.retries = 1
        self.backoff = 1.0
        self.timeout = timeout

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
        try:
            subprocess.run([binary, "--app-name=taskd", f"--urgency={urgency}", message.title, body],
                           check=True, timeout=self.timeout, capture_output=True, stdin=subprocess.DEVNULL)
        except subprocess.CalledProcessError as exc:
            raise DeliveryError(f"notify-send exited {exc.returncode}") from exc
        except subprocess.TimeoutExpired as exc:
            raise DeliveryError("notify-send timed out") from exc
        return "shown"
