"""The learner: turns recorded events into preference rows. Cheap enough to run after every answer.

Rules (README, "Preferences"):
- a learned value is used once its confidence reaches USE_BAR (and kept while it stays above
  KEEP_BAR); below that it is shown as "learning" and the default still applies;
- evidence halves in weight every HALF_LIFE_DAYS (taskd.learn.stats), so habits can change;
- an explicit value is never overwritten; evidence against it raises a question instead;
- questions are rare: about a stated value at most once per statement, and only when strong
  evidence since then points elsewhere; about a learned one when evidence is plentiful but
  contradictory, at most once per key per QUESTION_COOLDOWN.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from taskd.learn.signals import Evidence, Happened, gather
from taskd.learn.stats import (
    PRIOR_MASS,
    Estimate,
    circular_gap,
    clock,
    decay,
    estimate,
    minutes_of,
    round_to,
)
from taskd.resolve.dayparts import DEFAULT_TIMES, WORDS

if TYPE_CHECKING:
    from sqlmodel import Session

USE_BAR = 0.55
# Once in use, a learned value stays until its confidence falls below this: a value that flips
# between learned and default from one day to the next is worse than either.
KEEP_BAR = 0.45
HORIZON = timedelta(days=180)  # older evidence weighs < 1/60 at a 30-day half-life
QUESTION_COOLDOWN = timedelta(days=30)
CONFLICT_CONFIDENCE = 0.65
CONFLICT_MINUTES = 30
SNOOZE_SPREAD_MINUTES = 10.0
QUIET_MIN_DAYS = 7
QUIET_MIN_HOURS = 4
QUIET_SHARE = 0.01  # an hour holding less than this share of all activity counts as silent


@dataclass(frozen=True)
class Learned:
    value: str
    evidence: int
    confidence: float
    detail: dict[str, Any]


def _time_key(key: str, evidence: Evidence, now: datetime) -> Learned | None:
    found = estimate(evidence.times.get(key, []), now)
    if found is None:
        return None
    return Learned(clock(round_to(found.value)), found.count, found.confidence,
                   _detail(found, evidence.kinds.get(key, {}), "min"))


def _detail(found: Estimate, kinds: dict[str, int], unit: str) -> dict[str, Any]:
    return {"signals": dict(kinds), "spread": round(found.spread, 1), "unit": unit,
            "mass": round(found.mass, 2), "last": found.last.isoformat()}


def duration_words(minutes: float) -> str:
    if minutes < 60:
        return f"{max(5, round_to(minutes, 5, None))}m"
    total = round_to(minutes, 15, None)
    hours, rest = divmod(total, 60)
    return f"{hours}h{rest}m" if rest else f"{hours}h"


def _snooze(evidence: Evidence, now: datetime) -> Learned | None:
    found = estimate(evidence.snooze, now, circular=False, spread_scale=SNOOZE_SPREAD_MINUTES)
    if found is None:
        return None
    return Learned(duration_words(found.value), found.count, found.confidence,
                   _detail(found, evidence.kinds.get("snooze", {}), "min"))


def _channel(evidence: Evidence, now: datetime) -> Learned | None:
    mass = {name: sum(o.weight * decay(o.at, now) for o in obs)
            for name, obs in evidence.channels.items()}
    total = sum(mass.values())
    if total <= 1e-9:
        return None
    best = max(sorted(mass), key=lambda name: mass[name])
    share = mass[best] / total
    count = sum(len(obs) for obs in evidence.channels.values())
    last = max(o.at for obs in evidence.channels.values() for o in obs)
    return Learned(best, count, total / (total + PRIOR_MASS) * share,
                   {"signals": dict(evidence.kinds.get("channel", {})), "share": round(share, 2),
                    "shares": {k: round(v / total, 2) for k, v in sorted(mass.items())},
                    "last": last.isoformat()})


def _quiet_hours(evidence: Evidence, now: datetime) -> Learned | None:
    """The longest run of hours (wrapping midnight) with next to no activity over the weeks seen."""
    if not evidence.activity:
        return None
    days = {moment.date() for moment in evidence.activity}
    hours = [0.0] * 24
    for moment in evidence.activity:
        hours[moment.hour] += decay(moment, now)
    total = sum(hours)
    silent = [h <= QUIET_SHARE * total for h in hours]
    if all(silent) or not any(silent) or len(days) < QUIET_MIN_DAYS:
        return None
    best_start, best_length = 0, 0
    for start in range(24):
        if silent[start] and not silent[(start - 1) % 24]:
            length = 0
            while length < 24 and silent[(start + length) % 24]:
                length += 1
            if length > best_length:
                best_start, best_length = start, length
    if best_length < QUIET_MIN_HOURS:
        return None
    value = f"{best_start:02d}:00-{(best_start + best_length) % 24:02d}:00"
    return Learned(value, len(evidence.activity), len(days) / (len(days) + QUIET_MIN_DAYS),
                   {"signals": {"actions": len(evidence.activity)}, "days": len(days),
                    "last": max(evidence.activity).isoformat()})


def learn_all(events: list[Happened], zone_name: str, now: datetime) -> dict[str, Learned]:
    """Every key's current estimate from these events (pure; the eval and tests call it too)."""
    from taskd.resolve.zones import get_zone

    evidence = gather(events, get_zone(zone_name))
    found: dict[str, Learned | None] = {key: _time_key(key, evidence, now) for key in DEFAULT_TIMES}
    found["snooze"] = _snooze(evidence, now)
    found["channel"] = _channel(evidence, now)
    found["quiet_hours"] = _quiet_hours(evidence, now)
    return {key: value for key, value in found.items() if value is not None}


def load_events(db: Session, now: datetime) -> list[Happened]:
    from sqlmodel import col, select

    from taskd.store.tables import Event

    kinds = {"edited", "snoozed", "done", "created", "paused", "resumed", "removed", "pref_set",
             "pref_forgotten", "pref_question"}
    # Plain columns, not ORM rows: this runs after every answer and reads months of events.
    rows = db.exec(select(Event.kind, Event.at, Event.task_id, col(Event.data_json))
                   .where(col(Event.kind).in_(kinds), Event.at > now - HORIZON)
                   .order_by(col(Event.at), col(Event.id))).all()
    return [Happened.decode(kind, at, task_id, data) for kind, at, task_id, data in rows]


def refresh(db: Session, now: datetime, zone_name: str, *, ask: bool = True) -> list[str]:
    """Re-learn every key from the events and store it. Returns the questions to ask now (each is
    recorded as asked, so it is not asked again within QUESTION_COOLDOWN); `ask=False` where the
    caller has nowhere to show one (JSON output)."""
    from sqlmodel import select

    from taskd.store.repo import record
    from taskd.store.tables import Preference

    events = load_events(db, now)
    learned = learn_all(events, zone_name, now)
    stored = {row.key: row for row in db.exec(select(Preference)).all()}
    questions: list[str] = []
    for key in (*DEFAULT_TIMES, "snooze", "channel", "quiet_hours"):
        row = stored.get(key)
        found = learned.get(key)
        if row is not None and row.source == "explicit":
            detail = _loads(row.detail_json)
            detail["habits"] = {"value": found.value, "evidence": found.evidence,
                                "confidence": round(found.confidence, 3)} if found else None
            row.detail_json = json.dumps(detail)
            db.add(row)
            question = _conflict(key, row, events, zone_name, now) if ask else None
            if question and _may_ask(events, key, now, since=row.updated_at):
                questions.append(question)
                record(db, "pref_question", now, key=key, text=question)
            continue
        if found is None:
            if row is not None:  # its evidence was forgotten or faded away
                db.delete(row)
            continue
        bar = KEEP_BAR if row is not None and row.source == "learned" else USE_BAR
        source = "learned" if found.confidence >= bar else "learning"
        if row is None:
            row = Preference(key=key, value=found.value, source=source, updated_at=now)
        if (row.value, row.source, row.evidence) != (found.value, source, found.evidence):
            row.updated_at = now
        row.value, row.source, row.evidence = found.value, source, found.evidence
        row.confidence = round(found.confidence, 4)
        row.detail_json = json.dumps(found.detail)
        db.add(row)
        question = _unsure(key, found) if ask else None
        if question and _may_ask(events, key, now):
            questions.append(question)
            record(db, "pref_question", now, key=key, text=question)
    return questions


def _loads(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _may_ask(events: list[Happened], key: str, now: datetime,
             since: datetime | None = None) -> bool:
    """Not again within QUESTION_COOLDOWN; about a stated value, once at all (`since` it was set)."""
    return not any(e.kind == "pref_question" and e.data.get("key") == key
                   and (now - e.at < QUESTION_COOLDOWN or (since is not None and e.at > since))
                   for e in events)


def _conflict(key: str, row: Any, events: list[Happened], zone_name: str,
              now: datetime) -> str | None:
    """Strong evidence since the user stated a time, pointing elsewhere: ask, never overwrite."""
    if key not in DEFAULT_TIMES:
        return None
    since = [e for e in events if e.at > row.updated_at]
    found = learn_all(since, zone_name, now).get(key)
    if found is None or found.confidence < CONFLICT_CONFIDENCE:
        return None
    if abs(circular_gap(minutes_of(found.value), minutes_of(row.value))) < CONFLICT_MINUTES:
        return None
    word = WORDS[key]
    return (f"You set {word} to {row.value}, but your {word} tasks keep moving to about "
            f"{found.value}. Use that? taskd prefs set {key} {found.value}")


def _unsure(key: str, found: Learned) -> str | None:
    """Plenty of evidence that does not agree with itself: better to ask than to guess."""
    if key not in DEFAULT_TIMES or found.confidence >= USE_BAR:
        return None
    if found.detail.get("mass", 0) < 4 or found.detail.get("spread", 0) < 45:
        return None
    word = WORDS[key]
    return (f"Your {word} tasks move to quite different times (around {found.value}). "
            f"What does {word} mean for you? taskd prefs set {key} HH:MM")


def explain(key: str, source: str, detail: dict[str, Any] | None, now: datetime) -> str:
    """Why a key has its value, in a few words: "moved 6 morning tasks; spread 10 min; last 3 days
    ago"."""
    if not detail:
        return "no evidence yet" if source == "default" else ""
    parts: list[str] = []
    if detail.get("said"):
        parts.append(f"you said: {detail['said']}")
    elif detail.get("stated"):
        parts.append("set by you")
    habits = detail.get("habits")
    if habits:
        parts.append(f"your habits suggest {habits['value']} ({habits['evidence']} signals)")
    signals = detail.get("signals") or {}
    word = WORDS.get(key, key.replace("_", " "))
    for kind, count in signals.items():
        if kind == "moved":
            parts.append(f"moved {count} {word} task{'s' * (count != 1)}")
        elif kind == "snoozed later":
            parts.append(f"snoozed {count} {word} reminder{'s' * (count != 1)} later")
        elif kind == "snoozed":
            parts.append(f"{count} snooze{'s' * (count != 1)} you chose")
        else:
            parts.append(f"{kind}: {count}")
    if "spread" in detail and detail.get("unit") == "min":
        parts.append(f"spread {detail['spread']:.0f} min")
    if "shares" in detail:
        parts.append(", ".join(f"{k} {v:.0%}" for k, v in detail["shares"].items()))
    if "days" in detail:
        parts.append(f"over {detail['days']} days")
    if detail.get("last"):
        parts.append(f"last {_ago(datetime.fromisoformat(detail['last']), now)}")
    return "; ".join(parts)


def _ago(then: datetime, now: datetime) -> str:
    seconds = (now - then).total_seconds()
    if seconds < 3600:
        return "just now"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    return f"{days} day{'s' * (days != 1)} ago"

