"""The JSON-schema evals in CI: pass rates may not fall below what was measured, wrong answers (a
schedule where the case wanted another, or a question) may not rise above their limit, and every
draft the offline extractor emits validates against schema/task.schema.json."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest

from taskd.draft import Draft, Offset
from taskd.errors import TaskdError
from taskd.evaluate import load_cases, report, run
from taskd.extract import clean_text
from taskd.extract.rules import RulesExtractor

ROOT = Path(__file__).parent.parent
_GATES = json.loads((ROOT / "evals" / "thresholds.json").read_text())
THRESHOLDS: dict[str, float] = _GATES["pass_rate"]
WRONG_AT_MOST: dict[str, float] = _GATES["wrong_rate_at_most"]
SUITES = {
    "own": sorted((ROOT / "evals" / "cases").glob("*.jsonl")),
    "generated": sorted((ROOT / "evals" / "generated").glob("*.jsonl")),
    "recognizers": [p for p in [ROOT.parent / "shared" / "corpora" / "recognizers-dev.jsonl"]
                    if p.exists()],
    "chrono": [p for p in [ROOT.parent / "shared" / "corpora" / "chrono-dev.jsonl"] if p.exists()],
}


GENERATED_SEED, GENERATED_COUNT = 7, 5000


def _cases(suite: str) -> list[dict[str, Any]]:
    if suite == "generated-full":  # generated fresh each run: templates x phrasings x zones
        from evals.generate import generate

        return generate(GENERATED_SEED, GENERATED_COUNT)  # type: ignore[no-any-return]
    return load_cases(SUITES[suite])


@lru_cache
def _report(suite: str) -> dict[str, Any]:
    return report(list(run(_cases(suite), RulesExtractor())))


@pytest.mark.parametrize("suite", sorted(THRESHOLDS))
def test_pass_rate_holds(suite: str) -> None:
    if suite != "generated-full" and not SUITES.get(suite):
        pytest.skip(f"no {suite} cases here")
    result = _report(suite)
    failed = [f"{r['id']}: {r['failures']}" for r in result["results"] if not r["passed"]]
    assert result["pass_rate"] >= THRESHOLDS[suite], (
        f"{suite}: {result['pass_rate']:.2%} < {THRESHOLDS[suite]:.2%}\n" + "\n".join(failed[:40]))


@pytest.mark.parametrize("suite", sorted(WRONG_AT_MOST))
def test_wrong_answers_stay_rare(suite: str) -> None:
    """A wrong time is worse than a question: the share of cases scheduled wrongly has a ceiling."""
    if suite != "generated-full" and not SUITES.get(suite):
        pytest.skip(f"no {suite} cases here")
    result = _report(suite)
    wrong = [f"{r['id']}: {r['failures']}" for r in result["results"] if r["verdict"] == "wrong"]
    assert result["right"] + result["asked"] + result["wrong"] == result["cases"]
    assert result["wrong_rate"] <= WRONG_AT_MOST[suite], (
        f"{suite}: {result['wrong_rate']:.2%} wrong > {WRONG_AT_MOST[suite]:.2%}\n" +
        "\n".join(wrong[:40]))


def test_gates_name_every_suite() -> None:
    assert set(THRESHOLDS) == set(WRONG_AT_MOST) == {*SUITES, "generated-full"}


@pytest.mark.parametrize("suite", ["own", "generated"])
def test_every_emitted_draft_validates_against_the_schema_file(suite: str) -> None:
    """The extractor builds drafts without pydantic's validation (speed); each one must still be
    exactly what validation accepts and would not change."""
    schema = json.loads((ROOT / "schema" / "task.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    drafts = [r["got"]["draft"] for r in _report(suite)["results"] if r["got"].get("draft")]
    assert len(drafts) > 200
    for draft in drafts:
        validator.validate(draft)
        assert Draft.model_validate(draft).model_dump(mode="json") == draft


@pytest.mark.parametrize("suite", ["own", "generated", "recognizers"])
def test_drafts_built_without_validation_equal_validated_ones(suite: str) -> None:
    """`trusted_draft` skips pydantic: the objects it builds must be the ones validation builds."""
    if not SUITES.get(suite):
        pytest.skip(f"no {suite} cases here")
    extractor = RulesExtractor(day_first=False)
    checked = 0
    for case in load_cases(SUITES[suite]):
        zone = ZoneInfo(case["tz"])
        try:
            draft = extractor.extract(clean_text(case["text"]), tz=case["tz"],
                                      now=datetime.fromisoformat(case["now"]).replace(tzinfo=zone))
        except TaskdError:
            continue
        again = Draft.model_validate(draft.model_dump())
        assert again == draft, case["text"]
        assert type(again.schedule) is type(draft.schedule), case["text"]
        if draft.schedule is not None and draft.schedule.offset is not None:
            assert type(draft.schedule.offset) is Offset
        checked += 1
    assert checked > 200


def test_own_suite_is_big_and_spread() -> None:
    cases = load_cases(SUITES["own"])
    categories = {c["category"] for c in cases}
    assert len(cases) >= 150 and len(categories) >= 12
