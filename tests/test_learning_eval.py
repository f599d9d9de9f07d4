"""The learning eval as a CI gate: simulated users, eight weeks each, through the real CLI, service
engine, store and learner. Errors may not exceed evals/learning/thresholds.json; explicit values
must always win; forget must forget; questions stay rare."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pytest

from evals.learning.report import KEYS, failures, run_all
from evals.learning.simulate import Persona


@lru_cache
def _results() -> list[dict[str, Any]]:
    return run_all()


def test_every_persona_stays_within_the_measured_errors() -> None:
    broken = failures(_results())
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("persona", [p.name for p in Persona.load_all()])
def test_what_was_learned_is_all_shown_and_explained(persona: str) -> None:
    result = next(r for r in _results() if r["persona"] == persona)
    final = result["final"]
    assert set(KEYS) <= set(final)
    for key, row in final.items():
        if row["source"] in ("learned", "explicit"):
            assert row["why"], f"{persona}: {key} has no explanation"


def test_the_stater_keeps_what_they_said_despite_their_habits() -> None:
    stater = next(r for r in _results() if r["persona"] == "stater")
    assert stater["sources"]["evening"][8] == "explicit"
    assert stater["errors"]["evening"][8] == 0
    assert any("taskd prefs set evening" in q for q in stater["questions"])


def test_nothing_a_persona_stated_was_held_or_rerouted() -> None:
    results = {r["persona"]: r for r in _results()}
    for name, result in results.items():
        assert result["stated_violations"] == [], name
        assert result["acting"]["stated_tasks"] > 0, f"{name} stated no time: the check is empty"
    # Not vacuous: quiet hours did hold the sleeper's untimed reminders, and the stater's
    # channel was watched from the day it was said.
    assert results["action_sleeper"]["acting"]["held"] > 0
    assert results["channel_stater"]["acting"]["channel_said"] == "phone"


def test_quiet_hours_learned_stop_untimed_rings_at_night() -> None:
    sleeper = next(r for r in _results() if r["persona"] == "action_sleeper")
    rings = sleeper["acting"]["rings_asleep"]
    assert rings["learning"] > rings["settled"]  # it rang at night until quiet hours were learned


def test_personas_that_answer_only_through_actions_teach_the_channel() -> None:
    for result in _results():
        if result["persona"].startswith("action_"):
            assert "cli" not in result["final"]["channel"]["why"]
            assert result["final"]["channel"]["source"] == "learned"
            assert result["errors"]["channel"][2] == 0
