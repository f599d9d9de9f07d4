"""Any sequence of adds, exports and imports between two homes: a home ends up with exactly the
tasks it made plus those of the files it imported (by uid), never a duplicate; re-importing a
file, or a home's own export, adds nothing. Checked against a model of sets of uids."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from taskd.clock import FakeClock
from taskd.exchange.export import export_data
from taskd.exchange.import_json import import_taskd
from taskd.extract import get_extractor
from taskd.pipeline import parse
from taskd.settings import load
from taskd.store import repo
from taskd.store.db import dispose_all, session
from tests.conftest import local

TEXTS = ("every day at 9am stretch", "tomorrow at 5pm call bob", "every Monday at 8am plan",
         "in 2 hours check the oven", "every 30 minutes drink water")
HOMES = ("a", "b")


class Exchange(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        import tempfile

        self.root = Path(tempfile.mkdtemp(prefix="taskd-exchange-"))
        self.urls = {h: f"sqlite:///{self.root / h / 'taskd.db'}" for h in HOMES}
        self.clock = FakeClock(local("2026-11-21T10:00:00"))
        self.model: dict[str, set[str]] = {h: set() for h in HOMES}
        self.files: list[tuple[dict, set[str]]] = []
        self.extractor = get_extractor("rules", load())

    def teardown(self) -> None:
        dispose_all()

    @rule(home=st.sampled_from(HOMES), text=st.sampled_from(TEXTS))
    def add(self, home: str, text: str) -> None:
        now = self.clock.now()
        parsed = parse(text, extractor=self.extractor, now=now, tz="Europe/Berlin")
        assert parsed.resolved is not None and parsed.draft.schedule is not None
        with session(self.urls[home], write=True) as db:
            task = repo.create(db, text=text, draft_json=parsed.draft.model_dump_json(),
                               backend="rules", title=parsed.draft.title or "x", kind="reminder",
                               message=None, resolved=parsed.resolved, time_source="explicit",
                               daypart=None, now=now)
            self.model[home].add(task.uid)
        self.clock.advance(timedelta(minutes=7))

    @rule(home=st.sampled_from(HOMES), include_all=st.booleans())
    def export(self, home: str, include_all: bool) -> None:
        with session(self.urls[home]) as db:
            document = export_data(db, self.clock.now(), include_all=include_all)
        self.files.append((document, {t["uid"] for t in document["tasks"]}))

    @precondition(lambda self: self.files)
    @rule(home=st.sampled_from(HOMES), pick=st.integers(min_value=0))
    def import_file(self, home: str, pick: int) -> None:
        document, uids = self.files[pick % len(self.files)]
        with session(self.urls[home], write=True) as db:
            report = import_taskd(db, document, self.clock.now())
        new = uids - self.model[home]
        assert len(report.added) == len(new)
        assert report.existing == len(uids & self.model[home])
        self.model[home] |= uids

    @invariant()
    def homes_hold_the_model(self) -> None:
        for home in HOMES:
            with session(self.urls[home]) as db:
                from sqlmodel import select

                from taskd.store.tables import Task

                uids = [t.uid for t in db.exec(select(Task))]
            assert len(uids) == len(set(uids))
            assert set(uids) == self.model[home]


Exchange.TestCase.settings = settings(max_examples=12, stateful_step_count=10, deadline=None,
                                      suppress_health_check=[HealthCheck.too_slow])
test_exchange_sequences = Exchange.TestCase
