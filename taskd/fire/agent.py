"""Agent tasks (kind "agent") ask a model for their output. This is the seam; the model call
arrives with its own issue (it plugs in as `taskd.agent.run(task, settings) -> str`)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from taskd.errors import TaskdError

if TYPE_CHECKING:
    from taskd.settings import Settings
    from taskd.store.tables import Task


class AgentUnavailable(TaskdError):
    """An agent task cannot run: no model endpoint, or no agent runner installed."""


NO_MODEL = "agent tasks need a model endpoint"


def run_agent(task: Task, settings: Settings) -> str:
    """The agent's text output for this task. Raises AgentUnavailable when it cannot run.

    Output is delivered as inert text: it is never executed, whatever it says.
    """
    if not settings.model_configured:
        raise AgentUnavailable(NO_MODEL)
    try:
        module = importlib.import_module("taskd.agent")
    except ModuleNotFoundError as exc:
        if exc.name not in ("taskd.agent",):
            raise
        raise AgentUnavailable("agent tasks are not supported by this build yet") from exc
    result = module.run(task, settings)
    return str(result)
