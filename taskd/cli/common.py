"""What every command shares: settings, the clock, the core, JSON output."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from taskd import settings as settings_mod
from taskd.clock import Clock, SystemClock
from taskd.core import MAX_ID
from taskd.errors import NotFound
from taskd.terminal import STEERING

if TYPE_CHECKING:
    from taskd.cli.remote import RemoteCore
    from taskd.core import Core
    from taskd.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])



class TaskIdType(click.ParamType):
    """A task id, for every command that takes one. Not a number: usage (exit 2); a number no
    task can have (0, or past the key's range, which SQLite and PostgreSQL would refuse with an
    overflow): "no task #N", as for any id that names no task (exit 1)."""

    name = "ID"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().removeprefix("#")
        if not (text.isascii() and text.isdigit()):
            from taskd.terminal import shown

            self.fail(f"{shown(str(value))[:40]!r} is not a task id; give a number such as 3 "
                      "(`taskd list` shows them)", param, ctx)
        number = int(text)
        if not 1 <= number <= MAX_ID:
            raise NotFound(f"no task #{text if len(text) <= 30 else text[:27] + '...'}")
        return number


TASK_ID = TaskIdType()


class CleanTextType(click.ParamType):
    """Text a user typed for a title, a time or a value: cleaned once, here, at the boundary
    (`taskd.extract.clean_text`: terminal escapes and bidi overrides refused, spaces collapsed)."""

    name = "TEXT"

    def __init__(self, what: str) -> None:
        self.what = what

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from taskd.extract import clean_text

        return clean_text(str(value), self.what)


def clean_text_type(what: str) -> CleanTextType:
    return CleanTextType(what)


def json_option(fn: F) -> F:
    return click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON document on stdout.")(fn)


def clock(ctx: click.Context | None = None) -> Clock:
    """Tests inject a FakeClock as `obj={"clock": ...}`; users get the system clock."""
    ctx = ctx or click.get_current_context()
    obj = ctx.find_root().obj
    if isinstance(obj, dict) and "clock" in obj:
        return obj["clock"]  # type: ignore[no-any-return]
    return SystemClock()


def load_settings(tz: str | None = None, backend: str | None = None) -> Settings:
    return settings_mod.load(tz=tz, backend=backend)


def emit_json(data: Any) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    # JSON escapes C0 itself; C1 controls, DEL and bidi overrides it would print raw: \u-escape them
    # (still the same JSON) so that piping --json to a terminal cannot steer it.
    text = _JSON_STEERING.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    sys.stdout.write(text + "\n")


_JSON_STEERING = re.compile(f"[{STEERING}]")


def make_core(settings: Settings | None = None, *,
              fire: Callable[[int], int] | None = None) -> Core | RemoteCore:
    """The core every command calls: the running service's (thin, `taskd.cli.ops`) or one in
    this process with this command's settings and clock; each write in process pokes the
    service (it also polls, so a service that is down loses nothing)."""
    from taskd.cli.ops import select

    settings = settings or load_settings()
    return select(settings, clock(), on_change=lambda: notify_service(settings), fire=fire)


def emit(data: Any, as_json: bool, lines: Callable[[Any], list[Any]]) -> None:
    """`--json`: the data; else its human rendering (a pure function of the data)."""
    if as_json:
        emit_json(data)
        return
    from taskd.cli.render import emit as show

    show(lines(data))


def notify_service(settings: Settings) -> None:
    """Tell a running service that tasks changed; it also polls, so silence is fine."""
    try:
        from taskd.schedule.control import poke  # type: ignore[import-not-found]
    except ImportError:
        return
    poke(settings)
