"""Every test gets its own TASKD_HOME, a fixed zone and the offline backend; no network, no real home."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from taskd.clock import FakeClock
from taskd.resolve.zones import get_zone, localize

if TYPE_CHECKING:
    from taskd.schedule.engine import Engine
    from tests.conftest_service import RecordingChannel


@pytest.fixture(autouse=True)
def taskd_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "taskd-home"
    monkeypatch.setenv("TASKD_HOME", str(home))
    monkeypatch.setenv("TASKD_TZ", "Europe/Berlin")
    monkeypatch.setenv("TASKD_BACKEND", "rules")
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "TASKD_MODEL", "TASKD_DB", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)
    yield home
    from taskd.store.db import dispose_all

    dispose_all()


def local(iso: str, zone: str = "Europe/Berlin") -> datetime:
    """An aware instant from a local wall-clock string."""
    return localize(datetime.fromisoformat(iso), get_zone(zone))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(local("2026-11-21T10:00:00"))


# The engine tests' world (tests/test_*_engine.py): each module gives its own `fake` clock, set
# to the instant its story starts; these give the channel that records and the engine on both.
@pytest.fixture
def rec() -> RecordingChannel:
    from tests.conftest_service import RecordingChannel

    return RecordingChannel()


@pytest.fixture
def engine(taskd_home: Path, fake: FakeClock, rec: RecordingChannel) -> Engine:
    from tests.conftest_service import make_engine

    return make_engine(taskd_home, fake, rec)
