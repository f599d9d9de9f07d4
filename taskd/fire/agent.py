"""Agent tasks (kind "agent"): what a run of one delivers, decided before any channel is touched.

The outcomes, in the order they are checked:
* a daily budget is used up: the run is `skipped` with the reason; the user hears it once a day;
* no model endpoint, or the model fails: the run is `failed` with the reason; the user hears it
  once, and again only after a run has worked since (not every minute of a minutely task);
* a check the task names found nothing to report: the run is `quiet`, the model was not asked;
* a conditional task that needs outside data (weather, prices, a web page...) whose verdict rests
  on no tool result: the run is `unchecked` with the reason, never delivered as a finding; the
  user hears it once, and again only after a run has worked since;
* a conditional task whose condition does not hold: the run is `quiet`, nothing is delivered;
* otherwise the model's message is delivered (for an unconditional task even when the model
  said notify=false: the user asked to hear from it every time).

Output is delivered as inert text: it is never executed, whatever it says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from taskd.agent.prompt import Earlier
    from taskd.agent.runner import AgentRun
    from taskd.settings import Settings
    from taskd.store.tables import Task


NO_MODEL = "agent tasks need a model endpoint"
NO_MODEL_HINT = "set OPENAI_BASE_URL (and TASKD_MODEL), or run `taskd model serve`"
FAILURE_NOTICE = "agent.failure_notified"
BUDGET_NOTICE = "agent.budget_notified"
UNCHECKED_NOTICE = "agent.unchecked_notified"
TOOLS_HINT = "see “Agent tools” in the README"


@dataclass(frozen=True)
class AgentContext:
    """What the store knows before the run (read by the engine; no database in the fire path)."""

    earlier: tuple[Earlier, ...] = ()
    blocked: str | None = None  # a used-up budget, in words
    tell_blocked: bool = True  # the user has not heard about the budget today
    tell_failure: bool = True  # no failure notice since the last run that worked
    tell_unchecked: bool = True  # no "could not check" notice since the last run that worked


@dataclass(frozen=True)
class AgentStep:
    body: str | None  # what the channels get; None: nothing is delivered
    state: str | None = None  # instead of delivered/failed: "quiet" or "skipped"
    outcome: str | None = None
    error: str | None = None  # the run failed (a notice about it may still be delivered)
    output: str | None = None  # what the run produced, for history
    agent: AgentRun | None = None
    notices: tuple[str, ...] = ()  # event kinds to record: the user has been told


def _failed(task: Task, reason: str, context: AgentContext, agent: AgentRun | None) -> AgentStep:
    hint = f": {NO_MODEL_HINT}" if reason == NO_MODEL else ""
    body = (f"could not run: {reason}{hint}. You will not be told again until it works; "
            f"see `taskd history {task.id}`.") if context.tell_failure else None
    return AgentStep(body, error=reason + hint, agent=agent,
                     notices=(FAILURE_NOTICE,) if body else ())


def _unchecked(task: Task, agent: AgentRun, context: AgentContext) -> AgentStep:
    """Nothing the model said is delivered: only, once, that taskd could not check."""
    body = (f"could not check “{task.title}”: {agent.unchecked}. Nothing is reported until a tool "
            f"can provide it ({TOOLS_HINT}). You will not be told again until it works; see "
            f"`taskd history {task.id}`.") if context.tell_unchecked else None
    return AgentStep(body, state="unchecked", outcome=f"unchecked: {agent.unchecked}",
                     output=agent.message, agent=agent,
                     notices=(UNCHECKED_NOTICE,) if body else ())


def prepare(task: Task, settings: Settings, context: AgentContext,
            now: Callable[[], datetime]) -> AgentStep:
    """Ask the model (when allowed) and decide what this run delivers."""
    if context.blocked:
        body = (f"skipped today: {context.blocked}. Raise it in config.toml [agent], or it runs "
                "again tomorrow.") if context.tell_blocked else None
        return AgentStep(body, state="skipped", outcome=f"skipped: {context.blocked}",
                         notices=(BUDGET_NOTICE,) if body else ())
    if not settings.model_configured:
        return _failed(task, NO_MODEL, context, None)
    from taskd.agent import config, runner

    agent = runner.run(task.message or task.title, task.source_text, settings=settings,
                       config=config.load(settings), now=now(), tz=task.tz, earlier=context.earlier)
    if agent.error is not None:
        return _failed(task, agent.error, context, agent)
    if agent.asleep is not None:
        return AgentStep(None, state="quiet", outcome=f"quiet: {agent.asleep} (the model was not "
                         "asked)", agent=agent)
    if agent.unchecked is not None:
        return _unchecked(task, agent, context)
    if not agent.deliver:
        return AgentStep(None, state="quiet", outcome="quiet: the condition does not hold",
                         output=agent.text(), agent=agent)
    return AgentStep(agent.text(), output=agent.text(), agent=agent)
