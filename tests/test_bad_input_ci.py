"""CI's model stage: two runs on one machine get their own port and pid file (issue 11 "Also").

The model runtime cannot be installed everywhere, so `PYTHON` here is a stand-in that runs the
real interpreter for everything but pip and `taskd model`, and serves real HTTP on the port the
script hands to `taskd model serve`, printing the same OPENAI_BASE_URL line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAND_IN = f"""#!/usr/bin/env bash
if [ "$1 $2" = "-m pip" ]; then exit 0; fi
if [ "$1 $2 $3 $4" = "-m taskd model fetch" ]; then exit 0; fi
if [ "$1 $2 $3 $4" = "-m taskd model serve" ]; then
  exec {sys.executable} -u -c '
import http.server, sys
server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), http.server.BaseHTTPRequestHandler)
print(f"OPENAI_BASE_URL=http://127.0.0.1:{{server.server_port}}/v1", flush=True)
server.serve_forever()' "$6"
fi
exec {sys.executable} "$@"
"""


def test_two_model_stages_on_one_machine_do_not_collide(tmp_path: Path) -> None:
    python = tmp_path / "python"
    python.write_text(STAND_IN)
    python.chmod(0o755)
    env = {**os.environ, "PYTHON": str(python), "TASKD_MODEL_CACHE": str(tmp_path / "cache"),
           "TMPDIR": str(tmp_path)}
    env.pop("TASKD_MODEL_RUN_DIR", None)
    runs = [subprocess.Popen(["bash", "evals/model/setup_model.sh"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    found = [dict(line.split("=", 1) for line in out.splitlines()) for out, _ in outputs]
    pids = [int(f["TASKD_MODEL_PID"]) for f in found]
    try:
        urls = [f["OPENAI_BASE_URL"] for f in found]
        assert len(set(urls)) == 2 and len({f["TASKD_MODEL_RUN_DIR"] for f in found}) == 2
        for url, f, pid in zip(urls, found, pids, strict=True):
            assert Path(f["TASKD_MODEL_RUN_DIR"], "server.pid").read_text().strip() == str(pid)
            try:
                urllib.request.urlopen(url.removesuffix("/v1"), timeout=5)
            except urllib.error.HTTPError as exc:  # a 501 from the stand-in: it is listening
                assert exc.code == 501
        assert not (tmp_path / "cache" / "server.pid").exists()  # nothing shared but the weights
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGTERM)


def test_the_license_is_an_spdx_string() -> None:
    """setuptools deprecates `license = {text = ...}`; the SPDX form needs setuptools >= 77."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"
    assert "setuptools>=77" in project["build-system"]["requires"]
