"""The model stage's gate: the pipeline never scores below the rules in any category."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "evals" / "model"))
import compare


def result(passed: dict[str, int], n: int = 4) -> dict[str, Any]:
    total = sum(passed.values())
    return {"passed": total, "cases": n * len(passed), "pass_rate": total / (n * len(passed)),
            "by_category": {cat: {"cases": n, "passed": p} for cat, p in passed.items()}}


def test_pipeline_better_overall_but_worse_in_one_category_fails(
        capsys: pytest.CaptureFixture[str]) -> None:
    rules = result({"relative": 4, "typos": 1})
    pipeline = result({"relative": 3, "typos": 4})  # +3 overall, -1 in relative
    assert compare._gate({"rules": rules, "pipeline": pipeline}, ["relative", "typos"], 0.5) == 1
    assert "pipeline below rules in relative (3 < 4)" in capsys.readouterr().err


def test_pipeline_at_least_rules_everywhere_and_better_overall_passes() -> None:
    rules = result({"relative": 4, "typos": 1})
    pipeline = result({"relative": 4, "typos": 3})
    assert compare._gate({"rules": rules, "pipeline": pipeline}, ["relative", "typos"], 0.5) == 0
