"""Change requests in words: "move it to 7pm", "push my gym reminder to Friday".

A change request is not a new task: its object names a task (or "it") and the rest is the new
time. Kept deterministic so that `taskd edit ID "move it to 7pm"` keeps the task's title with or
without a model; which task "my gym reminder" means is the model's job when there is one
(`ModelExtractor.pick_task`), and plain word overlap when there is not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from taskd.extract.lazy_pattern import lazy

_VERBS = r"move|change|reschedule|push|postpone|shift|bump|delay|put|set"
REQUEST = lazy(
    rf"^(?:(?:hey|ok|okay)[,\s]+)?(?:please\s+)?(?:(?:can|could) you\s+)?(?:{_VERBS})\s+"
    r"(?P<what>.+?)\s+(?:back\s+|forward\s+)?(?:to|until|till|for)\s+(?P<when>.+?)[\s.!?]*$",
    re.IGNORECASE)
MAKE_IT = lazy(r"^(?:please\s+)?make\s+(?P<what>it|that|this)\s+(?P<when>.+?)[\s.!?]*$",
                     re.IGNORECASE)
POINTERS = frozenset({"it", "this", "that", "this one", "that one", "the time", "the reminder",
                      "the task", "this reminder", "this task", "that reminder"})
TASK_NOUNS = frozenset({"reminder", "reminders", "task", "tasks", "alarm", "alert", "briefing"})
NOISE = frozenset({"my", "the", "a", "an", "our", "that", "this", "reminder", "reminders", "task",
                   "tasks", "alarm", "alert", "one", "about", "for", "to"})
WORD = lazy(r"[a-z0-9']+")


@dataclass(frozen=True)
class ChangeRequest:
    what: str  # the words naming the task ("it", "my gym reminder")
    when: str  # the words of the new time ("7pm", "Friday morning")

    @property
    def points_at_it(self) -> bool:
        return self.what.lower() in POINTERS

    @property
    def names_a_task(self) -> bool:
        """"my gym reminder" surely means a task; "the car" may be a new task's object."""
        return self.points_at_it or bool(TASK_NOUNS & set(WORD.findall(self.what.lower())))


def change_request(text: str) -> ChangeRequest | None:
    stripped = " ".join(text.split())
    match = REQUEST.match(stripped) or MAKE_IT.match(stripped)
    if not match:
        return None
    return ChangeRequest(match.group("what").strip(), match.group("when").strip())


def _words(text: str) -> set[str]:
    return {w.removesuffix("'s") for w in WORD.findall(text.lower())} - NOISE


def matching_tasks(what: str, tasks: Sequence[tuple[int, str]]) -> list[int]:
    """Tasks whose titles contain every meaningful word of `what` (offline task picking)."""
    wanted = _words(what)
    if not wanted:
        return []
    return [task_id for task_id, title in tasks if wanted <= _words(title)]
