"""What the page shows, made from the core's plain data: times in words, and the Jinja2 setup.

Nothing here reads the database: the routes ask `taskd.core.Core` and hand its dicts (the same
objects `taskd … --json` prints) to the templates through these helpers.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

HERE = Path(__file__).parent

# The lifecycle buttons a task offers, by its status: nothing here acts on a task the core
# would refuse (a done task cannot be snoozed), so a click never ends in a puzzling error.
ACTIONS = {
    "active": ("done", "snooze", "pause", "run", "delete"),
    "paused": ("done", "resume", "run", "delete"),
}
SNOOZE_CHOICES = (("", "default"), ("10m", "10 min"), ("1h", "1 hour"), ("3h", "3 hours"),
                  ("1d", "1 day"))


def parse_instant(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def local_time(value: str | None, zone: str | None = None) -> str:
    """"Wed 02 Dec, 09:00": in the zone the core wrote it in (a task's own), or in `zone`."""
    moment = parse_instant(value)
    if moment is None:
        return "—"
    if zone:
        from taskd.resolve.zones import get_zone

        moment = moment.astimezone(get_zone(zone))
    return f"{moment:%a %d %b, %H:%M}"


def relative(value: str | None, now: datetime) -> str:
    """"in 5 min", "2 h ago": how far an instant is from now, coarse on purpose (it is re-drawn
    each minute by the live poll, not each second)."""
    moment = parse_instant(value)
    if moment is None:
        return ""
    seconds = (moment - now).total_seconds()
    ahead = seconds >= 0
    seconds = abs(seconds)
    if seconds < 60:
        return "now" if ahead else "just now"
    if seconds < 3600:
        words = f"{int(seconds // 60)} min"
    elif seconds < 24 * 3600:
        hours, rest = divmod(int(seconds // 60), 60)
        words = f"{hours} h {rest} min" if rest and hours < 10 else f"{hours} h"
    else:
        days = round(seconds / 86400)
        words = "1 day" if days == 1 else f"{days} days"
    return f"in {words}" if ahead else f"{words} ago"


def short(text: str | None, limit: int = 400) -> str:
    """Outputs can be long (an agent's answer): the list shows the head, the title attribute
    and a <details> the rest."""
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stamp(html: str) -> str:
    """A fingerprint of a rendered fragment: the live poll sends it back, and an unchanged
    fragment answers 204 so the browser keeps its DOM (and any focus or open <details>)."""
    return hashlib.sha256(html.encode()).hexdigest()[:16]


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        # Every value is escaped: task titles, outputs and evidence are untrusted text.
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters |= {"local_time": local_time, "short": short}
    from taskd.extract import MAX_TEXT

    env.globals |= {"MAX_TEXT": MAX_TEXT, "ACTIONS": ACTIONS, "SNOOZE_CHOICES": SNOOZE_CHOICES,
                    "relative": relative}
    return env


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
