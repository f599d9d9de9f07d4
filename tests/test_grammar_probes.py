"""Probes across families (tests/grammar_probes.py): amount × unit × relation, clock form × day
form, daypart × day and recurrence × time, each with a title holding numbers of its own, filler,
punctuation and capitals. The expected fire times are computed there with datetime; here every
family must have no wrong answer, and nearly all right (so that asking everything cannot pass)."""

from __future__ import annotations

import pytest

from tests.grammar_probes import all_probes, tally

# Two seeds: the one the fixes were made against and one no one looked at while making them.
RESULTS = {seed: tally(all_probes(seed)) for seed in (0, 50)}


@pytest.mark.parametrize("seed", sorted(RESULTS))
@pytest.mark.parametrize("family", ["duration", "clock×day", "clock", "daypart×day", "recurrence×time"])
def test_no_family_gives_a_wrong_time(seed: int, family: str) -> None:
    result = RESULTS[seed][family]
    assert result.total > 200
    assert not result.wrong, f"{len(result.wrong)} wrong of {result.total}:\n" + "\n".join(result.wrong[:20])
    assert result.right >= 0.98 * result.total, (result.right, result.asked, result.total)


def test_the_generator_covers_the_families() -> None:
    texts = " ".join(p.text.lower() for p in all_probes(0))
    for family in ("fortnight", "1½", "half an hour", "a couple of", "from now", "within",
                   "2moro", "tmr", "thurs", "the day after tomorrow", "a week from tomorrow",
                   "week at", "@", "sharp", "ish", "o'clock", "half past", "quarter to", "0730",
                   "h30", "except weekends", "mon-fri", "every other", "of every month",
                   "room 101", "$20", "chapter 7", "don't forget to", "pls"):
        assert family in texts, family
