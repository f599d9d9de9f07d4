"""The [agent] table of config.toml: per-run limits, daily budgets, and the files tasks may read.

    [agent]
    timeout = 60                  # seconds one model request may take
    max_tokens = 400              # the answer's token cap, per request
    history = 3                   # earlier outputs of the task shown to the model
    task_runs_per_day = 48        # per task, counted in your time zone's day
    task_tokens_per_day = 20000   # per task: prompt + completion tokens
    tokens_per_day = 200000       # all agent tasks together
    read_files = ["~/notes.md"]   # the only files a task may name and have read (read-only)
    max_file_bytes = 16000
    max_tool_calls = 4            # tool calls one run may make (taskd.agent.tools)
    tool_timeout = 15             # seconds one tool call (or starting an MCP server) may take
    run_tokens = 8000             # prompt + completion tokens one run may spend, all requests

Environment variables TASKD_AGENT_<KEY> (upper case) win over the file. A budget of 0 means none
may be spent (not "unlimited"): a user who wants no agent runs can say so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskd.errors import BadInput

if TYPE_CHECKING:
    from taskd.settings import Settings

@dataclass(frozen=True)
class AgentConfig:
    timeout: float = 60.0
    max_tokens: int = 400
    history: int = 3
    task_runs_per_day: int = 48
    task_tokens_per_day: int = 20_000
    tokens_per_day: int = 200_000
    max_file_bytes: int = 16_000
    max_tool_calls: int = 4
    tool_timeout: float = 15.0
    run_tokens: int = 8_000
    read_files: tuple[Path, ...] = ()


# The numeric settings and their defaults, read off the dataclass so that there is one list.
NUMBERS: dict[str, float | int] = {f.name: f.default for f in fields(AgentConfig)
                                   if isinstance(f.default, (int, float))}


def _number(section: dict[str, Any], key: str) -> float | int:
    default = NUMBERS[key]
    kind = type(default)
    env = os.environ.get(f"TASKD_AGENT_{key.upper()}")
    value: Any = env if env is not None else section.get(key, default)
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise BadInput(f"config.toml [agent] {key} must be a number") from None
    if isinstance(value, bool) or number < 0 or (key in ("timeout", "max_tokens", "tool_timeout")
                                                  and number == 0):
        raise BadInput(f"config.toml [agent] {key} must be a positive number")
    return number  # type: ignore[no-any-return]


def load(settings: Settings) -> AgentConfig:
    section = settings.raw.get("agent", {}) if isinstance(settings.raw, dict) else {}
    if not isinstance(section, dict):
        raise BadInput("config.toml: [agent] must be a table")
    files = section.get("read_files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) and f.strip() for f in files):
        raise BadInput("config.toml [agent] read_files must be a list of paths")
    numbers = {key: _number(section, key) for key in NUMBERS}
    return AgentConfig(read_files=tuple(Path(f).expanduser() for f in files), **numbers)  # type: ignore[arg-type]
