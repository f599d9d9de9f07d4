"""Probes across families (tests/grammar_probes.py): amount × unit × relation, clock form × day
form, daypart × day and recurrence × time, each with a title holding numbers of its own, filler,
punctuation and capitals. The expected fire times are computed there with datetime; here every
family must have no wrong answer, and nearly all right (so that asking everything cannot pass)."""

from __future__ import annotations

import pytest

from taskd.evaluate import run_case
from taskd.extract.rules import RulesExtractor
from tests.grammar_probes import all_probes, tally

# Two seeds: the one the fixes were made against and one no one looked at while making them.
RESULTS = {seed: tally(all_probes(seed)) for seed in (0, 50)}


@pytest.mark.parametrize("seed", sorted(RESULTS))
@pytest.mark.parametrize("family", ["duration", "clock×day", "clock", "daypart×day", "recurrence×time",
                                    "minute anchor", "minute window"])
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
                   "room 101", "$20", "chapter 7", "don't forget to", "pls", "on the half hour",
                   "minutes past the hour", "at xx:", "every other hour", "every 90 minutes",
                   "between 9", "till"):
        assert family in texts, family


# One case per fix, said on Wed 2 Dec 2026 at 10:00 in Berlin: (text, first fire, rule, title);
# no first fire means a question.
WEEKDAYS_RULE = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
CASES = [
    ("reply to 4 emails in 2 days", "2026-12-04T10:00", None, "reply to 4 emails"),
    ("finish the 1st draft in a week", "2026-12-09T10:00", None, "finish the 1st draft"),
    ("read chapter 7 tmrw at 7.30pm", "2026-12-03T19:30", None, "read chapter 7"),
    ("take 2 pills thurs at 8.30am", "2026-12-03T08:30", None, "take 2 pills"),
    ("pay $20 at 10.30 jul 1", "2027-07-01T10:30", None, "pay $20"),
    ("book room 101 2moro at noon", "2026-12-03T12:00", None, "book room 101"),
    ("call mom at 8pm sharp", "2026-12-02T20:00", None, "call mom"),
    ("feed the cat tomorrow at 0430.", "2026-12-03T04:30", None, "feed the cat"),
    ("order 12 eggs at half seven the day after tomorrow", "2026-12-04T07:30", None, "order 12 eggs"),
    ("at 18h30 a week from today pay the rent", "2026-12-09T18:30", None, "pay the rent"),
    ("every morning except weekends feed the cat", "2026-12-03T09:00", WEEKDAYS_RULE, "feed the cat"),
    ("every day except saturday and sunday at 8pm read", "2026-12-02T20:00", WEEKDAYS_RULE, "read"),
    ("every 2nd day at 7am take 2 pills", "2026-12-03T07:00", "FREQ=DAILY;INTERVAL=2", "take 2 pills"),
    ("mon-fri at 5:30pm send the invoice", "2026-12-02T17:30", WEEKDAYS_RULE, "send the invoice"),
    ("monday to friday at 7am do 20 pushups", "2026-12-03T07:00", WEEKDAYS_RULE, "do 20 pushups"),
    ("renew 2 books half past eight on sat", "2026-12-05T08:30", None, "renew 2 books"),
    ("half past one daily do 20 pushups", "2026-12-02T13:30", "FREQ=DAILY", "do 20 pushups"),
    ("review the 8am meeting notes tomorrow at 5pm", "2026-12-03T17:00", None,
     "review the 8am meeting notes"),
    ("plan the monday meeting on friday at 9am", "2026-12-04T09:00", None, "plan the monday meeting"),
    ("read the 5 minute summary tomorrow at 9am", "2026-12-03T09:00", None, "read the 5 minute summary"),
    ("water the plants two hours before 9pm", "2026-12-02T19:00", None, "water the plants"),
    ("send it an hour after 23:30 tomorrow", "2026-12-04T00:30", None, "send it"),
    ("remind me 30 minutes before 8.30pm in three days to renew", "2026-12-05T20:00", None, "renew"),
    ("two hours after 19h30 tmrw check the oven", "2026-12-03T21:30", None, "check the oven"),
    ("do it 10 min before 1 o'clock in the morning tomorrow", "2026-12-03T00:50", None, "do it"),
    ("call bob 3 days after yesterday at 5pm", "2026-12-04T17:00", None, "call bob"),
    ("call bob within the hour", "2026-12-02T11:00", None, "call bob"),
    ("within the next 2 hours call bob", "2026-12-02T12:00", None, "call bob"),
    ("hey, sat in the morning call bob", None, None, None),
    ("call bob friday except weekends", None, None, None),
    ("sit in the sun at 3pm", "2026-12-02T15:00", None, "sit in the sun"),
    ("at midnight on 12th august call bob", None, None, None),
]


@pytest.mark.parametrize(("text", "first", "rule", "title"), CASES, ids=[c[0] for c in CASES])
def test_one_case_per_fix(text: str, first: str | None, rule: str | None, title: str | None) -> None:
    expect: dict[str, object] = {"clarify": True} if first is None else {
        "first": first + ":00", "title": title, "recurring": rule is not None}
    if rule is not None:
        expect["rrule"] = rule
    case = {"id": "cross", "text": text, "now": "2026-12-02T10:00:00", "tz": "Europe/Berlin",
            "category": "cross-families", "expect": expect}
    result = run_case(case, RulesExtractor(day_first=False))
    assert result.passed, result
