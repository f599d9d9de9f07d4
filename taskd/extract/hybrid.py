"""Model and code together: the model reads intent and words, code does the calendar.

The model returns a `Reading`: title, kind, the time phrase copied verbatim, and its own reading of
that phrase. The deterministic rules extractor parses the text (and, if that fails, the phrase
alone); its schedule wins. The model's reading is used only where the parser understands nothing,
and only when the phrase really occurs in the text (an invented time is never scheduled). When the
two disagree, the parser's time is kept and the disagreement becomes a visible assumption.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import ValidationError

from taskd.draft import Draft, Schedule
from taskd.errors import BadInput, NeedsClarification, PastTime, TaskdError
from taskd.resolve import resolve
from taskd.resolve.zones import get_zone, wall

if TYPE_CHECKING:
    from taskd.extract import Extractor
    from taskd.extract.model.schema import Reading
    from taskd.resolve.dayparts import TimePref

DEFAULT_QUESTION = "When should this happen?"
TIMEISH = re.compile(
    r"\d|\b(?:today|tonight|tomorrow|morning|afternoon|evening|night|noon|midnight|week|weekend|"
    r"month|year|day|days|hour|hours|minute|minutes|daily|weekly|monthly|yearly|annually|hourly|"
    r"fortnight|every|next|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
    r"dec)[a-z]*\b", re.IGNORECASE)
LEAD = re.compile(r"^(?:please\s+)?(?:remind me (?:to|about|of)\s+|remember to\s+|don't forget to\s+)",
                  re.IGNORECASE)


class ReadingInvalid(ValueError):
    """The model's reading was needed but does not validate; the model is asked again."""


def rules_extractor() -> Extractor | None:
    try:
        from taskd.extract.rules import RulesExtractor
    except ImportError:
        return None
    return RulesExtractor()  # type: ignore[no-any-return]


def verbatim(phrase: str | None, text: str) -> str | None:
    """The phrase as it occurs in `text` (case and spacing forgiven), else None."""
    if not phrase or not phrase.strip():
        return None
    words = [re.escape(w) for w in phrase.strip().strip(".,;:!?").split()]
    if not words:
        return None
    match = re.search(r"\b" + r"\s+".join(words) + r"(?!\w)", text, re.IGNORECASE)
    return match.group(0) if match else None


def _run(rules: Extractor | None, text: str, now: datetime, tz: str,
         prefs: Mapping[str, TimePref] | None) -> tuple[Draft | None, TaskdError | None]:
    if rules is None:
        return None, None
    try:
        return rules.extract(text, now=now, tz=tz, prefs=prefs), None
    except TaskdError as exc:
        return None, exc


def reading_schedule(reading: Reading) -> Schedule | None:
    """The model's own reading as a Schedule; raises ReadingInvalid when it does not validate."""
    from taskd.extract.model.schema import parse_duration

    try:
        if reading.offset:
            return Schedule(offset=parse_duration(reading.offset), time_source="explicit")
        if not (reading.date or reading.time or reading.repeat):
            return None
        return Schedule(date=reading.date, time=reading.time, rrule=reading.repeat,
                        time_source="explicit" if reading.time else "default")
    except (ValidationError, ValueError) as exc:
        raise ReadingInvalid(_short(exc)) from None


def _short(exc: Exception) -> str:
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


def _title(reading: Reading, rules_draft: Draft | None, text: str) -> str | None:
    title = (reading.title or "").strip()
    if title and verbatim(title, text) is None:
        # A paraphrase: keep it only if most of its words are the user's.
        said = set(re.findall(r"\w+", text.lower()))
        words = re.findall(r"\w+", title.lower())
        if not words or sum(w in said for w in words) < len(words) * 0.75:
            title = ""
    if not title and rules_draft is not None:
        return rules_draft.title
    return title[:200] or None


def _message(kind: str, title: str | None, text: str, phrase: str | None) -> str | None:
    if kind != "agent":
        return title
    rest = text.replace(phrase, " ", 1) if phrase else text
    rest = LEAD.sub("", " ".join(rest.split())).strip(" ,.;")
    return rest[:4000] or title


def combine(text: str, reading: Reading, *, now: datetime, tz: str,
            prefs: Mapping[str, TimePref] | None = None,
            rules: Extractor | None = None) -> Draft:
    """One Draft from the model's reading and the parser. Raises ReadingInvalid (re-ask)."""
    phrase = verbatim(reading.when, text)
    rules_draft, rules_error = _run(rules, text, now, tz, prefs)
    if isinstance(rules_error, PastTime):
        raise rules_error
    notes: list[str] = []
    schedule: Schedule | None = None
    named_tz: str | None = None
    question: str | None = None
    if rules_draft is not None and rules_draft.schedule is not None:
        schedule, named_tz = rules_draft.schedule, rules_draft.tz
        notes.extend(rules_draft.assumptions)
    elif phrase and TIMEISH.search(phrase) and not isinstance(rules_error, BadInput):
        alone, _ = _run(rules, phrase, now, tz, prefs)
        if alone is not None and alone.schedule is not None:
            schedule, named_tz = alone.schedule, alone.tz
            notes.extend(alone.assumptions)
        else:
            schedule = reading_schedule(reading)
            if schedule is not None:
                probe = Draft(title=reading.title, schedule=schedule)
                try:
                    resolve(probe, now, tz, prefs, count=1)
                except PastTime as exc:
                    raise ReadingInvalid(f"{exc.message}; now is {_words(now, tz)}") from None
                except (BadInput, NeedsClarification) as exc:
                    raise ReadingInvalid(exc.message) from None
                notes.append(f"the parser did not understand “{phrase}”; the model read it")
    if schedule is None:
        if isinstance(rules_error, BadInput):
            question = f"{rules_error.message.rstrip('.')}; when should it be?"
        else:
            question = ((rules_draft.question if rules_draft else None) or reading.question
                        or DEFAULT_QUESTION)
    # The parser's title and kind when it produced them (measured: it is exact on the project's
    # cases); the model's where it understood nothing.
    kind = rules_draft.kind if rules_draft is not None else reading.kind
    title = (rules_draft.title if rules_draft is not None and rules_draft.title
             else _title(reading, None, text))
    message = (rules_draft.message if rules_draft is not None and rules_draft.message
               else _message(kind, title, text, phrase))
    draft = Draft(title=title, kind=kind, message=message,
                  schedule=schedule, tz=named_tz, question=question, assumptions=notes)
    if schedule is not None and rules_draft is not None and rules_draft.schedule is schedule:
        _cross_check(draft, reading, now, tz, prefs, phrase, notes)
        draft = draft.model_copy(update={"assumptions": notes})
    return draft


def _cross_check(draft: Draft, reading: Reading, now: datetime, tz: str,
                 prefs: Mapping[str, TimePref] | None, phrase: str | None, notes: list[str]) -> None:
    """The parser decided; when the model read the same words differently, say so."""
    if reading.offset is None and reading.time is None:
        return  # the model read no clock time: nothing to compare that the parser did not own
    try:
        theirs = reading_schedule(reading)
    except ReadingInvalid:
        return
    if theirs is None:
        return
    ours = _first(draft, now, tz, prefs)
    other = _first(draft.model_copy(update={"schedule": theirs}), now, tz, prefs)
    if ours is None or other is None or ours == other:
        return
    if wall(ours, get_zone(tz)).time() != wall(other, get_zone(tz)).time():
        said = f"“{phrase}”" if phrase else "the time"
        notes.append(f"read {said} as {_words(ours, draft.tz or tz)}; the model read "
                     f"{_words(other, draft.tz or tz)}")
