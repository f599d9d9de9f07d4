"""One simulated user living with taskd for some weeks, through the real code paths.

The persona types into the real CLI (`taskd add/edit/snooze/done/prefs`, in-process with a FakeClock),
the real service engine fires the reminders into two channels that stand for the persona's devices
(a phone that always rings and a desktop that only shows while the persona is at the desk), the real
SQLite store records everything and the real learner learns. Nothing here knows how learning works:
the persona only acts on its hidden truth, with noise, and the snapshots read `taskd prefs --json`.
What quiet hours and the channel then do to its reminders is watched in evals.learning.checks.
"""

from __future__ import annotations

import contextlib
import heapq
import io
import itertools
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from evals.learning.checks import Watch
from taskd.clock import FakeClock
from taskd.deliver.base import Skipped
from taskd.fire.message import Message
from taskd.resolve.zones import get_zone, localize, wall

TIME_KEYS = ("morning", "evening", "default_time")
WINDOWS = {"morning": ("05:00", "11:55"), "evening": ("17:00", "23:00"),
           "default_time": ("07:00", "12:00")}
START = date(2026, 10, 12)  # a Monday; eight weeks cross both the EU and the US DST change
SNAPSHOT_WEEKS = (1, 2, 4, 8)
TITLES = ("call the bank", "water the plants", "pay the rent", "email Sam", "book the dentist",
          "buy milk", "stretch", "read the report", "take out the bins", "check the oven")


def minutes(clock_text: str) -> int:
    hour, minute = clock_text.split(":")
    return int(hour) * 60 + int(minute)


def clock_text(value: float) -> str:
    value = round(value) % 1440
    return f"{value // 60:02d}:{value % 60:02d}"


def gap(a: float, b: float) -> float:
    """Shortest distance between two times of day, in minutes."""
    diff = (a - b) % 1440
    return min(diff, 1440 - diff)


def in_span(value: int, span: str) -> bool:
    start, end = (minutes(t) for t in span.split("-"))
    return start <= value < end if start <= end else value >= start or value < end


@dataclass
class Persona:
    name: str
    about: str
    zone: str
    seed: int
    truth: dict[str, Any]
    habits: dict[str, Any]
    behaves: dict[str, str] = field(default_factory=dict)
    statements: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    # "actions": answers only through notification actions (done/snooze with via = the channel)
    answers: str = "mixed"

    @classmethod
    def load_all(cls, path: Path | None = None) -> list[Persona]:
        path = path or Path(__file__).with_name("personas.json")
        return [cls(**item) for item in json.loads(path.read_text())]

    def truth_on(self, day: int) -> dict[str, Any]:
        truth = dict(self.truth)
        for change in self.changes:
            if day >= change["day"]:
                truth.update(change["truth"])
        return truth

    def acts_as(self, key: str, day: int) -> str:
        """The time the persona behaves as meaning: usually the truth, unless it says otherwise."""
        return str(self.behaves.get(key) or self.truth_on(day)[key])


class Device:
    """A channel that stands for one of the persona's devices; the world hears what it shows."""

    retries = 0
    backoff = 0.0

    def __init__(self, name: str, world: World) -> None:
        self.name = name
        self.world = world

    def send(self, message: Message) -> str:
        self.world.tried.setdefault(message.run_id, []).append(self.name)
        if self.name == "desktop" and not self.world.at_desk():
            raise Skipped("away from the desk")
        self.world.shown.setdefault(message.run_id, (message, []))[1].append(self.name)
        return "shown"


@dataclass
class Outcome:
    persona: str
    snapshots: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    truths: dict[int, dict[str, Any]] = field(default_factory=dict)
    questions: list[str] = field(default_factory=list)
    explicit_violations: list[str] = field(default_factory=list)
    forget_checks: dict[str, bool] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    stated_violations: list[str] = field(default_factory=list)  # stated, yet held or rerouted
    acting: dict[str, Any] = field(default_factory=dict)  # what quiet hours and channel did


class World:
    def __init__(self, persona: Persona, home: Path, weeks: int = 8) -> None:
        self.persona = persona
        self.rng = random.Random(persona.seed)
        # Its own stream: routing a reminder to fewer devices must not reshuffle later draws.
        self.via_rng = random.Random(persona.seed * 7919 + 1)
        self.watch = Watch()
        self.tried: dict[int, list[str]] = {}
        self.zone = get_zone(persona.zone)
        self.weeks = weeks
        home.mkdir(parents=True, exist_ok=True)
        (home / "config.toml").write_text('default_channels = ["phone", "desktop"]\n')
        os.environ.update(TASKD_HOME=str(home), TASKD_TZ=persona.zone, TASKD_BACKEND="rules")
        for name in ("TASKD_DB", "OPENAI_BASE_URL", "TASKD_MODEL", "XDG_RUNTIME_DIR"):
            os.environ.pop(name, None)
        self.clock = FakeClock(localize(datetime.combine(START, time(0, 0)), self.zone))
        from taskd.schedule.engine import Engine
        from taskd.settings import load

        self.engine = Engine(load(), self.clock, {"phone": Device("phone", self),
                                                  "desktop": Device("desktop", self)}, workers=1)
        self.queue: list[tuple[datetime, int, Callable[[], None]]] = []
        self.order = itertools.count()
        self.shown: dict[int, tuple[Message, list[str]]] = {}
        self.tasks: dict[int, dict[str, Any]] = {}
        self.outcome = Outcome(persona.name)
        self.counts: dict[str, int] = {}

    # -- time ------------------------------------------------------------------------------------
    @property
    def now(self) -> datetime:
        return self.clock.now()

    def local(self, instant: datetime | None = None) -> datetime:
        return wall(instant or self.now, self.zone)

    def day(self) -> int:
        return (self.local().date() - START).days

    def truth(self) -> dict[str, Any]:
        return self.persona.truth_on(self.day())

    def awake(self, instant: datetime) -> bool:
        local = wall(instant, self.zone)
        quiet = self.persona.truth_on((local.date() - START).days)["quiet_hours"]
        return not in_span(local.hour * 60 + local.minute, quiet)

    def at_desk(self) -> bool:
        local = self.local()
        return self.awake(self.now) and local.weekday() < 5 and \
            in_span(local.hour * 60 + local.minute, self.persona.habits["desk_hours"])

    def next_awake(self, instant: datetime) -> datetime:
        while not self.awake(instant):
            instant += timedelta(minutes=15)
        return instant

    def at(self, instant: datetime, action: Callable[[], None]) -> None:
        heapq.heappush(self.queue, (instant, next(self.order), action))

    # -- the CLI, as the persona types it -------------------------------------------------------
    def taskd(self, *args: str) -> tuple[int, str]:
        from taskd.cli import main

        out, err = io.StringIO(), io.StringIO()
        code = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args), {"clock": self.clock})
            except SystemExit as exc:
                code = int(exc.code or 0)
        self.counts[args[0]] = self.counts.get(args[0], 0) + 1
        if code not in (0, 1):
            raise RuntimeError(f"taskd {' '.join(args)} -> {code}: {err.getvalue().strip()}")
        return code, out.getvalue()

    def taskd_json(self, *args: str) -> Any:
        code, out = self.taskd(*args, "--json")
        return json.loads(out) if code == 0 and out.strip() else None

    # -- what the persona does ------------------------------------------------------------------
    def plan_day(self, day: date) -> None:
        habits = self.persona.habits
        for kind, chance in habits["adds"].items():
            if self.rng.random() < chance:
                self.at(self._awake_moment(day), lambda kind=kind: self.add(kind))
        for statement in self.persona.statements:
            if (day - START).days == statement["day"]:
                self.at(self._awake_moment(day), lambda s=statement: self.state(s))

    def _awake_moment(self, day: date) -> datetime:
        for _ in range(100):
            moment = localize(datetime.combine(day, time()) +
                              timedelta(minutes=self.rng.randrange(0, 1440)), self.zone)
            if self.awake(moment):
                return moment
        raise RuntimeError("a persona that never wakes")

    def add(self, kind: str) -> None:
        title = self.rng.choice(TITLES)
        local = self.local()
        if kind == "clock":
            text = f"{title} tomorrow at {self.rng.randrange(10, 18)}:{self.rng.choice(('00', '30'))}"
        elif kind == "late_clock":  # a time stated inside the persona's quiet hours
            text = f"{title} tomorrow at {self.persona.habits['late_clock']}"
        elif kind == "default_time":
            text = f"{title} on {(local + timedelta(days=2)).strftime('%A')}"
        else:
            text = f"{title} tomorrow {kind}"
        data = self.taskd_json("add", text)
        if data is None:
            return
        schedule = data["draft"]["schedule"]
        key = schedule["daypart"] if schedule["time_source"] == "daypart" else \
            "default_time" if schedule["time_source"] == "default" else None
        task_id = int(data["id"])
        self.tasks[task_id] = {"key": key, "snoozes": 0, "later": False}
        self.watch.added(task_id, data, stated=kind in ("clock", "late_clock"))
        if key in TIME_KEYS and self.rng.random() < self.persona.habits["edit_chance"]:
            first = wall(datetime.fromisoformat(data["next"][0]), self.zone)
            self._maybe_edit(task_id, key, first)

    def _maybe_edit(self, task_id: int, key: str, first: datetime) -> None:
        habits = self.persona.habits
        target = minutes(self.persona.acts_as(key, self.day())) + self.rng.gauss(0, habits["edit_noise"])
        if self.rng.random() < habits["outlier_chance"]:  # an edit that is about something else
            low, high = (minutes(t) for t in WINDOWS[key])
            target = self.rng.uniform(low, high)
        target = round(target / 5) * 5
        if gap(target, first.hour * 60 + first.minute) < 15:
            return
        moved = datetime.combine(first.date(), time()) + timedelta(minutes=target % 1440)
        self.at(self.now + timedelta(minutes=self.rng.randint(1, 3)),
                lambda: self.edit(task_id, moved))

    def edit(self, task_id: int, moved: datetime) -> None:
        code, _ = self.taskd("edit", str(task_id), "--at", moved.strftime("%Y-%m-%d %H:%M"))
        if code == 0:
            self.tasks[task_id]["key"] = None
            self.watch.edited(task_id, localize(moved, self.zone))

    def state(self, statement: dict[str, Any]) -> None:
        self.taskd("prefs", "set", statement["key"], statement["value"])
        self.watch.said(statement["key"], statement["value"])

    def heard(self, message: Message, devices: list[str]) -> None:
        """A reminder was shown: answer it once awake, after a short, noisy delay."""
        delay = timedelta(minutes=self.rng.expovariate(1 / self.persona.habits["answer_delay"]))
        when = self.next_awake(self.now) + delay
        self.at(when, lambda: self.answer(message.task_id, devices))

    def answer(self, task_id: int, devices: list[str]) -> None:
        task = self.tasks.get(task_id)
        if task is None:
            return
        habits = self.persona.habits
        truth = self.truth()
        via = self._via(self.persona.behaves.get("channel") or truth["channel"], devices)
        key = task["key"]
        now_minutes = self.local().hour * 60 + self.local().minute
        if task["snoozes"] < habits["snooze_habit"] and self.rng.random() < habits["snooze_chance"]:
            task["snoozes"] += 1
            self.snooze(task_id, truth["snooze"], via)
            return
        if key in TIME_KEYS and not task["later"]:
            wanted = minutes(self.persona.acts_as(key, self.day()))
            later = (wanted - now_minutes) % 1440
            if 20 <= later <= 6 * 60:
                task["later"] = True
                noisy = max(5, later + self.rng.gauss(0, habits["snooze_noise"]))
                self.taskd("snooze", str(task_id), f"{int(round(noisy / 5) * 5)}m", "--via", via,
                           "--json")
                return
        data = self.taskd_json("done", str(task_id), "--via", via)
        self._heard_questions(data)
        self.tasks.pop(task_id, None)

    def _via(self, favourite: str, devices: list[str]) -> str:
        """Through the favourite device when it showed the reminder, now and then through another
        one that did, else at the command line. A persona that answers through actions only never
        uses the command line: the favourite when it showed the reminder, else one that did."""
        roll = self.via_rng.random()
        if favourite in devices and (roll < self.persona.habits["via_chance"]
                                     or self.persona.answers == "actions"):
            return favourite
        others = [d for d in devices if d != favourite]
        if others and (roll > 0.9 or self.persona.answers == "actions"):
            return self.via_rng.choice(others)
        return "cli"

    def snooze(self, task_id: int, typical: int, via: str) -> None:
        habits = self.persona.habits
        if self.rng.random() < habits["typed_snooze_chance"]:
            length = max(5, round((typical + self.rng.gauss(0, habits["snooze_noise"])) / 5) * 5)
            data = self.taskd_json("snooze", str(task_id), f"{length}m", "--via", via)
        else:
            data = self.taskd_json("snooze", str(task_id), "--via", via)
        self._heard_questions(data)

    def _heard_questions(self, data: Any) -> None:
        if isinstance(data, dict):
            self.outcome.questions.extend(data.get("questions") or [])

    # -- the loop -------------------------------------------------------------------------------
    def run(self) -> Outcome:
        end = START + timedelta(weeks=self.weeks)
        day = START
        while day < end:
            self.plan_day(day)
            midnight = localize(datetime.combine(day + timedelta(days=1), time()), self.zone)
            self._until(midnight)
            day += timedelta(days=1)
            weeks = (day - START).days / 7
            if weeks in SNAPSHOT_WEEKS:
                self.snapshot(int(weeks))
        self.watch.finish(self.engine.url)
        self.outcome.stated_violations = list(self.watch.violations)
        self.outcome.acting = self.watch.as_json()
        self.check_forget()
        self.outcome.counts = dict(self.counts)
        from taskd.store.db import dispose_all

        self.engine.close()
        dispose_all()
        return self.outcome

    def _until(self, end: datetime) -> None:
        while True:
            wakes = self.engine.next_wakes(1)
            fire = wakes[0] if wakes else None
            action = self.queue[0][0] if self.queue else None
            moment = min(t for t in (fire, action, end) if t is not None)
            if moment > self.now:
                self.clock.advance(moment - self.now)
            if fire is not None and fire <= self.now:
                self.engine.tick(self.now)
                for run_id in sorted(self.shown):
                    message, devices = self.shown.pop(run_id)
                    self.watch.shown(message, self.tried.get(run_id, []), self.day(), self.awake)
                    self.heard(message, devices)
                self.tried.clear()
                continue
            if action is not None and action <= self.now:
                heapq.heappop(self.queue)[2]()
                continue
            if moment >= end:
                return

    def snapshot(self, week: int) -> None:
        rows = self.taskd_json("prefs")
        self.outcome.snapshots[week] = rows
        self.outcome.truths[week] = self.truth()
        in_force = {row["key"]: row for row in rows}
        for statement in self.persona.statements:
            if statement["day"] < week * 7:
                row = in_force[statement["key"]]
                if row["source"] != "explicit" or row["value"] != statement["value"]:
                    self.outcome.explicit_violations.append(
                        f"week {week}: {statement['key']} is {row['value']} ({row['source']}), "
                        f"stated {statement['value']}")

    def check_forget(self) -> None:
        """Forget every learned key; it must be back to its default at once and stay there when
        the learner runs again over the same old events."""
        rows = self.taskd_json("prefs")
        for row in rows:
            if row["source"] not in ("learned", "explicit"):
                continue
            self.taskd("prefs", "forget", row["key"])
            after = {r["key"]: r for r in self.taskd_json("prefs")}[row["key"]]
            self.clock.advance(timedelta(minutes=1))
            again = {r["key"]: r for r in self.taskd_json("prefs")}[row["key"]]
            self.outcome.forget_checks[row["key"]] = all(
                r["source"] == "default" and r["evidence"] == 0 and r["learning"] is None
                for r in (after, again))


def simulate(persona: Persona, home: Path, weeks: int = 8) -> Outcome:
    return World(persona, home, weeks).run()
