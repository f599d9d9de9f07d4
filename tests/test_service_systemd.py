"""systemd/taskd.service is a valid user unit (systemd-analyze verify, where it is installed)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parent.parent / "systemd" / "taskd.service"


def test_unit_has_notify_watchdog_restart_and_hardening() -> None:
    text = UNIT.read_text()
    for line in ("Type=notify", "WatchdogSec=", "Restart=on-failure",
                 "ExecStart=%h/.local/bin/taskd serve", "NoNewPrivileges=yes", "PrivateTmp=yes",
                 "ProtectSystem=strict", "ReadWritePaths=%h/.local/share/taskd %h/.config/taskd"):
        assert line in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify checks that ExecStart exists: point it at a real executable in a copy of the unit.
    unit = tmp_path / "taskd.service"
    unit.write_text(UNIT.read_text().replace("ExecStart=%h/.local/bin/taskd serve",
                                             "ExecStart=/bin/true serve"))
    # --user needs a runtime dir to start its (offline) manager; give it a private one.
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path)}
    done = subprocess.run(["systemd-analyze", "verify", "--user", str(unit)],
                          capture_output=True, text=True, timeout=60, env=env)
    problems = [line for line in (done.stderr + done.stdout).splitlines()
                if "taskd.service" in line and "Documentation" not in line]
    assert done.returncode == 0 and not problems, done.stderr
