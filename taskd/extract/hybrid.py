"""Model and code together: the model reads intent and words, code does the calendar.

The model returns a `Reading`: the time phrase copied verbatim (`when`), the same phrase rewritten
in plain words (`plain`: spelling fixed, holidays and vague times spelled out), a title, a kind
and any habit the user stated. It never returns a date. The deterministic rules extractor parses
the whole text; where it understood the whole phrase its schedule wins. Where it did not (it
asked, or left words of the phrase in its title), it parses the model's plain phrase instead, so
every date is still computed by code. A phrase that does not occur in the text is never
scheduled, and whenever the plain words differ from the user's, the preview says how they were
read.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from taskd.draft import Draft, Schedule
from taskd.errors import BadInput, PastTime, TaskdError
from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules.lexicon import (
    DURATION_WORDS,
    MONTH_WORDS,
    NUMBER_WORDS,
    ORDINAL_TOKENS,
    WEEKDAY_WORDS,
)
from taskd.resolve import resolve
from taskd.resolve.zones import get_zone, wall

if TYPE_CHECKING:
    from taskd.extract import Extractor
    from taskd.extract.model.schema import Reading, SaidPreference
    from taskd.resolve.dayparts import TimePref

DEFAULT_QUESTION = "When should this happen?"
LEAD = lazy(r"^(?:please\s+)?(?:remind me (?:to|about|of)\s+|remember to\s+|don't forget to\s+)",
                  re.IGNORECASE)
# Words a parser may leave in a title without having missed any part of the time.
GLUE = frozenset(["a", "an", "the", "on", "at", "in", "by", "of", "for", "to", "from", "and",
                  "this", "that", "next", "every", "each"])
WORD = lazy(r"[\w':.]+")
SIMILAR = 0.8  # difflib ratio at which two words count as the same word misspelt
# Words that name a time by themselves: one left in a title is a part of the time that was not read.
_TIME_WORDS = (NUMBER_WORDS | ORDINAL_TOKENS | DURATION_WORDS | WEEKDAY_WORDS | MONTH_WORDS | frozenset({
    "today", "tomorrow", "tonight", "yesterday", "morning", "afternoon", "evening", "night", "noon",
    "midnight", "am", "pm", "daily", "weekly", "monthly", "yearly", "annually", "hourly", "weekday",
    "weekdays", "weekend", "weekends", "fortnight", "o'clock", "oclock"})) - frozenset({"a", "an"})


def rules_extractor() -> Extractor | None:
    try:
        from taskd.extract.rules import RulesExtractor
    except ImportError:
        return None
    return RulesExtractor()  # type: ignore[no-any-return]


def verbatim(phrase: str | None, text: str) -> str | None:
    """The phrase as it occurs in `text`, else None. Case and spacing are forgiven, and so is a
    misspelt word when the model quietly corrected it ("febuary" for "february")."""
    if not phrase or not phrase.strip():
        return None
    words = [re.escape(w) for w in phrase.strip().strip(".,;:!?").split()]
    if not words:
        return None
    match = re.search(r"\b" + r"\s+".join(words) + r"(?!\w)", text, re.IGNORECASE)
    if match:
        return match.group(0)
    return _near(phrase.lower().strip(".,;:!?").split(), text)


def _near(wanted: list[str], text: str) -> str | None:
    spans = [(m.group(0).lower().strip(".,;:!?"), m.start(), m.end()) for m in WORD.finditer(text)]
    for start in range(len(spans) - len(wanted) + 1):
        window = spans[start:start + len(wanted)]
        if all(_same(w, got) for w, (got, _, _) in zip(wanted, window, strict=True)):
            return text[window[0][1]:window[-1][2]]
    return None


def _same(want: str, got: str) -> bool:
    if want == got:
        return True
    if any(c.isdigit() for c in want + got) or min(len(want), len(got)) < 4:
        return False  # numbers and short words must match exactly: "at 8" is not "at 9"
    return difflib.SequenceMatcher(None, want, got).ratio() >= SIMILAR


def _run(rules: Extractor | None, text: str, now: datetime, tz: str,
         prefs: Mapping[str, TimePref] | None) -> tuple[Draft | None, TaskdError | None]:
    if rules is None:
        return None, None
    try:
        return rules.extract(text, now=now, tz=tz, prefs=prefs), None
    except TaskdError as exc:
        return None, exc


def _short(exc: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}"
                         for e in exc.errors()[:3])
    return str(exc)


def _first(draft: Draft, now: datetime, tz: str, prefs: Mapping[str, TimePref] | None
           ) -> datetime | None:
    try:
        return resolve(draft, now, tz, prefs, count=1).first
    except (TaskdError, ValueError):
        return None


def _words(when: datetime, tz: str) -> str:
    return wall(when, get_zone(tz)).strftime("%a %Y-%m-%d %H:%M")


def _plain_words(text: str) -> list[str]:
    return [w.strip(".,;:!?").lower() for w in WORD.findall(text)]


def leaked(phrase: str | None, title: str | None) -> list[str]:
    """Words of the time phrase that the parser left in its title: the parts it did not read."""
    if not phrase or not title:
        return []
    in_title = set(_plain_words(title))
    return [w for w in _plain_words(phrase) if w in in_title and w not in GLUE]


def time_words(title: str | None) -> list[str]:
    """The words of `title` that name a time (digits, units, weekdays, months, dayparts...)."""
    if not title:
        return []
    return [w for w in _plain_words(title)
            if w in _TIME_WORDS or any(c.isdigit() for c in w)]


def better_title(*candidates: str | None) -> str | None:
    """The best supported title, in order of preference: an empty one never replaces a title, and
    one that still holds time words loses to one that holds none (or fewer)."""
    present = [c for c in candidates if c and c.strip()]
    if not present:
        return None
    return min(present, key=lambda c: len(time_words(c)))  # min keeps the first of equals


def _grounded_title(reading: Reading, text: str) -> str | None:
    """The model's title when it is made of the user's words (a paraphrase is not a title)."""
    title = (reading.title or "").strip()
    if not title:
        return None
    said = set(_plain_words(text))
    words = _plain_words(title)
    if not words or sum(w in said for w in words) < len(words) * 0.75:
        return None
    return (title[0].upper() + title[1:])[:200]  # as the parser writes titles


def _without(title: str | None, words: list[str]) -> str | None:
    if not title:
        return None
    drop = set(words)
    kept = [w for w in title.split() if w.strip(".,;:!?").lower() not in drop]
    return " ".join(kept) or None


def _message(kind: str, title: str | None, text: str, phrase: str | None) -> str | None:
    if kind != "agent":
        return title
    rest = text.replace(phrase, " ", 1) if phrase else text
    rest = LEAD.sub("", " ".join(rest.split())).strip(" ,.;")
    return rest[:4000] or title


@dataclass(frozen=True)
class Said:
    """A habit the user stated in passing, with the clock time code read from their words."""

    key: str
    value: str  # HH:MM
    words: str


def said_preference(said: SaidPreference | None, text: str, rules: Extractor | None,
                    now: datetime, tz: str) -> Said | None:
    """Only a statement that is really in the text and names a clock time the parser can read."""
    if said is None or rules is None:
        return None
    words = verbatim(said.words, text)
    if words is None:
        return None
    draft, _ = _run(rules, words, now, tz, None)
    schedule = draft.schedule if draft is not None else None
    if schedule is None or schedule.time is None or schedule.time_source != "explicit":
        return None
    if schedule.date or schedule.rrule or schedule.offset:
        return None
    return Said(said.key, schedule.time, words)


def combine(text: str, reading: Reading, *, now: datetime, tz: str,
            prefs: Mapping[str, TimePref] | None = None,
            rules: Extractor | None = None, said: Said | None = None) -> Draft:
    """One Draft from the model's reading and the parser; `said` is the habit the text states,
    whose words are no part of the task."""
    spoken = text.replace(said.words, " ", 1) if said else text
    phrase = verbatim(reading.when, spoken)
    plain = (reading.plain or "").strip() or None if phrase else None
    rules_draft, rules_error = _run(rules, spoken, now, tz, prefs)
    missed = leaked(phrase, rules_draft.title if rules_draft else None)
    understood = rules_draft is not None and rules_draft.schedule is not None and not missed
    notes: list[str] = []
    schedule: Schedule | None = None
    named_tz: str | None = None
    from_plain = False
    if understood:
        assert rules_draft is not None
        schedule, named_tz = rules_draft.schedule, rules_draft.tz
        notes.extend(rules_draft.assumptions)
    elif isinstance(rules_error, PastTime) and not missed:
        raise rules_error
    elif phrase and plain and (missed or rules_draft is None) \
            and not isinstance(rules_error, BadInput):
        # The parser missed words of the phrase (or could not run): read the plain words. When it
        # consumed every word and still found no time ("sometime"), there is none to find.
        alone, alone_error = _run(rules, plain, now, tz, prefs)
        if isinstance(alone_error, PastTime):
            raise alone_error
        if alone is not None and alone.schedule is not None:
            schedule, named_tz, from_plain = alone.schedule, alone.tz, True
            notes.extend(alone.assumptions)
            if _plain_words(plain) != _plain_words(phrase):
                notes.append(f"read “{phrase}” as “{plain}”")
    if schedule is None and rules_draft is not None and rules_draft.schedule is not None:
        schedule, named_tz = rules_draft.schedule, rules_draft.tz  # the parser's partial reading
        notes.extend(rules_draft.assumptions)
        notes.append(f"did not understand “{' '.join(missed)}”")
    question: str | None = None
    if schedule is None:
        if isinstance(rules_error, BadInput):
            question = f"{rules_error.message.rstrip('.')}; when should it be?"
        elif isinstance(rules_error, PastTime):
            raise rules_error
        else:
            question = ((rules_draft.question if rules_draft else None) or reading.question
                        or DEFAULT_QUESTION)
    kind = "agent" if reading.kind == "agent" or (rules_draft and rules_draft.kind == "agent") \
        else "reminder"
    rules_title = rules_draft.title if rules_draft is not None else None
    if rules_title and not missed and not from_plain:
        title: str | None = rules_title  # measured: exact on the project's cases
    else:
        # The model's title, the parser's without the words it missed, the parser's as it is: a
        # model that returns no title ("in 2 hours stretch" read as all time) never blanks it.
        title = better_title(_grounded_title(reading, spoken), _without(rules_title, missed),
                             rules_title)
    message = (rules_draft.message if rules_draft is not None and rules_draft.message
               and kind == rules_draft.kind and title == rules_draft.title
               else _message(kind, title, spoken, phrase))
    if said is not None:
        notes.append(f"you said “{said.words}”: your {said.key.replace('_', ' ')} is {said.value}")
    draft = Draft(title=title, kind=kind, message=message,
                  schedule=schedule, tz=named_tz, question=question, assumptions=notes)
    if understood and plain and phrase:
        _cross_check(draft, plain, phrase, now, tz, prefs, rules, notes)
        draft = draft.model_copy(update={"assumptions": notes})
    return draft


def _cross_check(draft: Draft, plain: str, phrase: str, now: datetime, tz: str,
                 prefs: Mapping[str, TimePref] | None, rules: Extractor | None,
                 notes: list[str]) -> None:
    """The parser decided; when the model's plain words read differently, say so."""
    if _plain_words(plain) == _plain_words(phrase):
        return
    theirs, _ = _run(rules, plain, now, tz, prefs)
    if theirs is None or theirs.schedule is None:
        return
    ours = _first(draft, now, tz, prefs)
    other = _first(draft.model_copy(update={"schedule": theirs.schedule}), now, tz, prefs)
    if ours is None or other is None or ours == other:
        return
    zone = draft.tz or tz
    notes.append(f"read “{phrase}” as {_words(ours, zone)}; the model read “{plain}” "
                 f"({_words(other, zone)})")
