"""`taskd mcp` next to a running `taskd serve`: run_task goes through the service (which owns the
engine and its lock) instead of failing on the lock, and the service delivers it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters

from tests.conftest_service import ROOT, Serve, service_env, wait_for, write_config
from tests.test_mcp import drive, ok


def test_run_task_goes_through_a_running_service(taskd_home: Path) -> None:
    write_config(taskd_home)  # the console channel: the service prints the delivery to its log
    serve = Serve(taskd_home)
    try:
        serve.wait_ready()
        params = StdioServerParameters(command=sys.executable, args=["-m", "taskd", "mcp"],
                                       env=service_env(taskd_home), cwd=str(ROOT))

        async def scenario(client: Client) -> tuple[dict[str, Any], dict[str, Any]]:
            added = await ok(client, "add_task", text="every day at 9am drink water")
            return added, await ok(client, "run_task", id=added["id"])

        added, run = drive(params, scenario)
        assert run["task_id"] == added["id"] and run["state"] == "delivered"
        assert wait_for(lambda: f"run {run['run_id']}: Drink water" in serve.text(), 10), serve.text()
    finally:
        serve.stop()
