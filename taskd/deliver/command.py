"""A user-configured command. The argv comes only from config.toml, never from task text: task
text reaches the command as data on stdin (and in TASKD_* variables), never as arguments or shell."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from typing import TYPE_CHECKING, Any

from taskd.deliver.base import DeliveryError, option

if TYPE_CHECKING:
    from taskd.fire.message import Message


class CommandChannel:
    def __init__(self, name: str, config: dict[str, Any]) -> None:
        self.name = name
        argv = config.get("command")
        if isinstance(argv, str):
            argv = shlex.split(argv)
        if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
            raise DeliveryError(f"channel {name}: command must be a list of strings", retry=False)
        self.argv: list[str] = argv
        self.stdin = option(config, "stdin", "json", str)  # json | text
        self.timeout = float(option(config, "timeout", 30.0, float))
        self.retries = int(option(config, "retries", 2, int))
        self.backoff = float(option(config, "backoff", 2.0, float))

    def send(self, message: Message) -> str:
        data = json.dumps(message.body()) if self.stdin == "json" else message.line()
        env = {**os.environ, "TASKD_RUN_ID": str(message.run_id),
               "TASKD_TASK_ID": str(message.task_id), "TASKD_LATE": "1" if message.late else "0"}
        try:
            done = subprocess.run(self.argv, input=data + "\n", text=True, capture_output=True,
                                  timeout=self.timeout, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise DeliveryError(f"{self.argv[0]} timed out after {self.timeout:g}s") from exc
        except OSError as exc:
            raise DeliveryError(f"cannot run {self.argv[0]}: {exc.strerror}", retry=False) from exc
        if done.returncode != 0:
            tail = (done.stderr or "").strip().splitlines()[-1:] or [""]
            raise DeliveryError(f"{self.argv[0]} exited {done.returncode} {tail[0][:200]}".strip())
        return f"{self.argv[0]} exited 0"
