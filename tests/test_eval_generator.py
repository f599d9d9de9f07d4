"""The synthetic eval generator (evals/generate): seeded, big enough, and every case valid."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "evals"))

from check_cases import check_case  # noqa: E402

from evals.generate import TEMPLATES, dumps, generate, sample  # noqa: E402

EXPECT_KEYS = {"first", "date_only", "next", "recurring", "rrule", "kind", "title", "clarify"}


@pytest.fixture(scope="module")
def full() -> list[dict]:
    return generate(7, 5000)


def test_at_least_30_templates_in_several_categories():
    assert len(TEMPLATES) >= 30
    assert len({t.name for t in TEMPLATES}) == len(TEMPLATES)
    assert len({t.category for t in TEMPLATES}) >= 15
    assert all(t.category.startswith("gen-") for t in TEMPLATES)


def test_same_seed_same_bytes_different_seed_different_cases():
    a, b = dumps(generate(11, 400)), dumps(generate(11, 400))
    assert a == b
    assert dumps(generate(12, 400)) != a


def test_reproducible_across_processes_and_hash_seeds(tmp_path):
    outs = []
    for hashseed in ("0", "4242"):
        out = tmp_path / f"g{hashseed}.jsonl"
        env = dict(os.environ, PYTHONHASHSEED=hashseed)
        subprocess.run([sys.executable, "-m", "evals.generate", "--seed", "3", "--count", "300",
                        "--out", str(out)], cwd=ROOT, env=env, check=True, capture_output=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert outs[0] == dumps(generate(3, 300)).encode()


def test_script_entry_point_runs(tmp_path):
    out = tmp_path / "s.jsonl"
    subprocess.run([sys.executable, "evals/generate/cli.py", "--seed", "3", "--count", "50",
                    "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
    assert out.read_text().count("\n") == 50


def test_checked_in_sample_is_the_seeded_sample(full):
    path = ROOT / "evals" / "generated" / "sample.jsonl"
    assert path.read_text(encoding="utf-8") == dumps(sample(full, 600, 7))


def test_at_least_5000_cases_every_template_used(full):
    assert len(full) >= 5000
    assert len({c["id"] for c in full}) == len(full)
    used = {c["meta"]["template"] for c in full}
    assert used == {t.name for t in TEMPLATES}


def test_every_case_is_well_formed_and_after_now(full):
    for c in full:
        assert set(c) >= {"id", "text", "now", "tz", "category", "expect"}
        e = c["expect"]
        assert set(e) <= EXPECT_KEYS
        assert isinstance(c["text"], str) and c["text"].strip()
        z = ZoneInfo(c["tz"])
        now = datetime.fromisoformat(c["now"]).replace(tzinfo=z)
        first = datetime.fromisoformat(e["first"]).replace(tzinfo=z)
        assert first.timestamp() > now.timestamp(), c["id"]
        times = [e["first"], *e.get("next", [])]
        assert times == sorted(set(times)), c["id"]
        assert isinstance(e["recurring"], bool)
        assert (not e["recurring"]) == ("next" not in e) or e["recurring"]


def test_every_case_passes_the_independent_checker(full):
    errs: list[str] = []
    for c in full:
        check_case(c, errs, generated=True)
    assert errs == []


def test_checker_rejects_corrupted_expectations(full):
    """The checker is not a rubber stamp: a shifted expectation fails it."""
    caught = 0
    picks = full[::97]
    for c in picks:
        bad = copy.deepcopy(c)
        bad["expect"]["first"] = (datetime.fromisoformat(c["expect"]["first"])
                                  + timedelta(days=1)).isoformat()
        errs: list[str] = []
        check_case(bad, errs, generated=True)
        caught += bool(errs)
    assert caught == len(picks)


def test_output_is_json_lines(full):
    for line in dumps(full[:50]).splitlines():
        assert json.loads(line)


# ---------------------------------------------------------------- hand-written cases
def test_hand_written_cases_at_least_400_and_all_pass_the_checker():
    import check_cases

    files = sorted((ROOT / "evals" / "cases").glob("*.jsonl"))
    n = sum(1 for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip())
    assert n >= 400
    assert check_cases.main([str(f) for f in files]) == 0


def test_hand_written_family_files_match_their_definitions():
    from evals.generate.handwritten import render

    for name, text in render().items():
        assert (ROOT / "evals" / "cases" / name).read_text(encoding="utf-8") == text, name
