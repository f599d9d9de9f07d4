"""Reminders in Spanish, German and French, read offline (issue 12 §3)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evals.languages import make
from taskd.errors import BadInput
from taskd.evaluate import load_cases, run_case
from taskd.extract.foreign import language_of
from taskd.extract.rules import RulesExtractor
from taskd.pipeline import parse
from taskd.resolve.zones import get_zone, localize, wall

ROOT = Path(__file__).parent.parent
TZ = "Europe/Berlin"
NOW = localize(datetime(2026, 12, 2, 10, 0), get_zone(TZ))  # a Wednesday
RULES = RulesExtractor()
GATE = 0.97  # per language, like recognizers-dev


def first(text: str) -> tuple[str | None, str, str | None]:
    parsed = parse(text, extractor=RULES, now=NOW, tz=TZ)
    assert parsed.resolved is not None, parsed.question
    when = wall(parsed.resolved.first, get_zone(TZ)).isoformat(" ", "minutes")
    return parsed.draft.title, when, parsed.resolved.rrule


def test_checked_in_cases_are_what_the_generator_makes() -> None:
    for code in make.LANGS:
        path = ROOT / "evals" / "languages" / f"{code}.jsonl"
        on_disk = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert on_disk == make.cases(code), f"{path} drifted: run python -m evals.languages.make"


def test_language_cases_pass_the_gate_per_language() -> None:
    files = sorted(str(p) for p in (ROOT / "evals" / "languages").glob("*.jsonl"))
    passed: dict[str, list[bool]] = defaultdict(list)
    failures = []
    for case in load_cases(files):
        outcome = run_case(case, RULES)
        passed[case["meta"]["language"]].append(outcome.passed)
        if not outcome.passed:
            failures.append(case["text"])
    assert set(passed) == {"es", "de", "fr"}
    for code, results in passed.items():
        assert sum(results) / len(results) >= GATE, (code, failures)


@pytest.mark.parametrize(("text", "title", "when", "rule"), [
    ("recuérdame llamar a mamá en 20 minutos", "Llamar a mamá", "2026-12-02 10:20", None),
    ("pasado mañana a las 8 de la tarde cena con Ana", "Cena con Ana", "2026-12-04 20:00", None),
    ("cada lunes a las 9 gimnasio", "Gimnasio", "2026-12-07 09:00", "FREQ=WEEKLY;BYDAY=MO"),
    ("erinnere mich in 2 Stunden an den Termin", "Den Termin", "2026-12-02 12:00", None),
    ("erinnere mich um halb 9 an das Meeting", "Das Meeting", "2026-12-03 08:30", None),
    ("montags um 8 Uhr Wochenbericht schreiben", "Wochenbericht schreiben", "2026-12-07 08:00",
     "FREQ=WEEKLY;BYDAY=MO"),
    ("heute Abend um 8 Uhr kochen", "Kochen", "2026-12-02 20:00", None),  # the daypart says pm
    ("um 12 Uhr mittags essen", "Essen", "2026-12-02 12:00", None),
    ("rappelle-moi d'appeler maman ce soir", "Appeler maman", "2026-12-02 20:00", None),
    ("rappelle-moi demain matin d'appeler le plombier", "Appeler le plombier", "2026-12-03 09:00",
     None),
    ("tous les lundis à 9h sport", "Sport", "2026-12-07 09:00", "FREQ=WEEKLY;BYDAY=MO"),
    ("le 24 décembre acheter les cadeaux", "Acheter les cadeaux", "2026-12-24 09:00", None),
])
def test_each_language_reads_offsets_days_clock_times_and_recurrence(
        text: str, title: str, when: str, rule: str | None) -> None:
    got_title, got_when, got_rule = first(text)
    assert (got_title, got_when) == (title, when)
    assert (got_rule or "").startswith(rule or "")
    assert (got_rule is None) == (rule is None)


@pytest.mark.parametrize("forms", [
    ("mañana a las 9 llamar al banco", "llamar al banco mañana a las 9",
     "recuérdame llamar al banco mañana a las 9"),
    ("morgen um 9 Uhr die Bank anrufen", "die Bank anrufen morgen um 9 Uhr",
     "erinnere mich morgen um 9 Uhr: die Bank anrufen"),
    ("demain à 9h appeler la banque", "appeler la banque demain à 9h",
     "rappelle-moi d'appeler la banque demain à 9h"),
])
def test_the_time_anywhere_and_the_filler_change_nothing(forms: tuple[str, ...]) -> None:
    readings = {first(text) for text in forms}
    assert len(readings) == 1, readings


@pytest.mark.parametrize("text", [
    "recuérdame el 35 de diciembre comprar pan",  # a day dateparser cannot read: 35 is left over
    "mañana el viernes a las 9 cenar",            # two different days
    "in 3 Stunden morgen um 9 Uhr anrufen",       # an offset and a clock time
])
def test_a_time_read_only_in_part_is_a_question_not_a_guess(text: str) -> None:
    parsed = parse(text, extractor=RULES, now=NOW, tz=TZ)
    assert parsed.resolved is None and parsed.question


def test_a_clock_time_that_does_not_exist_is_bad_input() -> None:
    with pytest.raises(BadInput, match="no time"):
        parse("recuérdame llamar a las 25", extractor=RULES, now=NOW, tz=TZ)


def test_two_hours_across_the_spring_forward_gap_are_two_real_hours() -> None:
    now = localize(datetime(2027, 3, 28, 1, 30), get_zone(TZ))
    parsed = parse("in 2 Stunden Tabletten nehmen", extractor=RULES, now=now, tz=TZ)
    assert parsed.resolved is not None
    assert (parsed.resolved.first.astimezone(UTC) - now.astimezone(UTC)).total_seconds() == 7200
    assert wall(parsed.resolved.first, get_zone(TZ)).isoformat(" ", "minutes") == "2027-03-28 04:30"


def test_english_eval_sentences_are_never_taken_for_another_language() -> None:
    files = sorted(str(p) for p in (ROOT / "evals" / "cases").glob("*.jsonl"))
    texts = [c["text"] for c in load_cases(files)]
    assert len(texts) > 400
    assert [t for t in texts if language_of(t)] == []


def test_english_through_the_pipeline_never_imports_dateparser_and_spanish_does() -> None:
    code = (
        "import sys; from datetime import datetime; from zoneinfo import ZoneInfo\n"
        "from taskd.extract.rules import RulesExtractor\n"
        "from taskd.pipeline import parse\n"
        "now = datetime(2026, 11, 19, 10, tzinfo=ZoneInfo('UTC'))\n"
        "for t in ('remind me to call mom every Sunday at 6pm', 'in 20 minutes check the oven',"
        " 'buy milk', 'call mom sometime', 'next Friday at 3pm team retro with the Berlin office'):\n"
        "    parse(t, extractor=RulesExtractor(), now=now, tz='UTC')\n"
        "english = 'dateparser' in sys.modules\n"
        "parse('el 24 de diciembre comprar regalos', extractor=RulesExtractor(), now=now, tz='UTC')\n"
        "print(english, 'dateparser' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]
