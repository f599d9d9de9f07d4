"""The channel preference acts: a task that names no channel goes through the channel the user
answers through once that is learned with confidence (or stated), with the defaults behind it;
`taskd show` says which channel and why. End to end with a real webhook receiver on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from taskd import settings as settings_mod
from taskd.clock import FakeClock
from taskd.learn.channel import ChannelPref, route
from taskd.schedule.engine import Engine
from tests.cli import taskd
from tests.conftest import local
from tests.conftest_service import Receiver, add_task

DEFAULTS = ("console", "desktop")
HERE = {"console", "desktop", "hook"}


def test_a_task_that_names_its_channels_keeps_them() -> None:
    chosen = route(json.dumps(["desktop"]), DEFAULTS, HERE, ChannelPref("hook", "learned", 0.9, 9))
    assert chosen.names == ("desktop",) and chosen.source == "task" and chosen.fallback == ()


def test_a_confident_channel_carries_it_with_the_defaults_behind() -> None:
    chosen = route(None, DEFAULTS, HERE, ChannelPref("hook", "learned", 0.71, 5, 1.0))
    assert chosen.names == ("hook",) and chosen.fallback == DEFAULTS
    assert chosen.why == ("learned: you answer 100% of your reminders through hook "
                          "(5 answers, confidence 0.71)")
    stated = route(None, DEFAULTS, HERE, ChannelPref("hook", "explicit"))
    assert stated.names == ("hook",) and stated.source == "explicit" and "you chose" in stated.why


@pytest.mark.parametrize(("pref", "why"), [
    (None, "no channel learned yet"),
    (ChannelPref("hook", "learning", 0.4, 2, 1.0), "still learning"),
    (ChannelPref("phone", "learned", 0.9, 20, 0.9), "phone, which you answer through, is not a channel here"),
])
def test_otherwise_the_defaults(pref: ChannelPref | None, why: str) -> None:
    chosen = route(None, DEFAULTS, HERE, pref)
    assert chosen.names == DEFAULTS and chosen.source == "default" and why in chosen.why
    assert chosen.fallback == ()


def test_no_defaults_means_the_console() -> None:
    assert route(None, (), HERE, None).names == ("console",)


# -- end to end ------------------------------------------------------------------------------------

@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    yield hook
    hook.close()


@pytest.fixture
def fake() -> FakeClock:
    return FakeClock(local("2026-11-20T08:00:00"))


def engine_for(home: Path, hook_url: str, clock: FakeClock) -> Engine:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        'default_channels = ["console"]\n[channels.hook]\ntype = "webhook"\n'
        f'url = "{hook_url}"\nretries = 0\n')
    return Engine(settings_mod.load(), clock, workers=1)


def answer_through_hook(engine: Engine, fake: FakeClock, capsys: pytest.CaptureFixture[str],
                        days: int) -> None:
    """A reminder a day, each answered through the webhook's action (as `taskd done --via hook`)."""
    for _ in range(days):
        task_id = add_task(engine.url, fake.now(), first=fake.now() + timedelta(minutes=5))
        fake.advance(timedelta(minutes=5))
        engine.tick(fake.now())
        fake.advance(timedelta(minutes=3))
        assert taskd(capsys, fake, "done", str(task_id), "--via", "hook").code == 0
        fake.advance(timedelta(days=1))


def test_learned_channel_routes_and_show_says_why(taskd_home: Path, receiver: Receiver,
                                                  fake: FakeClock,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    engine = engine_for(taskd_home, receiver.url, fake)
    answer_through_hook(engine, fake, capsys, 1)
    assert receiver.total() == 0  # one answer is not confidence: still the default console
    prefs = {r["key"]: r for r in taskd(capsys, fake, "prefs", "--json").json()}
    assert prefs["channel"]["source"] == "default" and prefs["channel"]["learning"]["value"] == "hook"
    answer_through_hook(engine, fake, capsys, 5)
    prefs = {r["key"]: r for r in taskd(capsys, fake, "prefs", "--json").json()}
    assert prefs["channel"]["source"] == "learned"

    unnamed = add_task(engine.url, fake.now(), title="water plants",
                       first=fake.now() + timedelta(minutes=5))
    named = add_task(engine.url, fake.now(), title="on screen", channels=["console"],
                     first=fake.now() + timedelta(minutes=5))
    shown = taskd(capsys, fake, "show", str(unnamed), "--json").json()["delivery"]
    assert shown["channels"] == ["hook"] and shown["source"] == "learned"
    assert "through hook" in shown["why"] and shown["fallback"] == ["console"]
    own = taskd(capsys, fake, "show", str(named), "--json").json()["delivery"]
    assert own["channels"] == ["console"] and own["source"] == "task"
    human = taskd(capsys, fake, "show", str(unnamed)).out
    assert "hook" in human and "learned" in human

    fake.advance(timedelta(minutes=5))
    capsys.readouterr()
    engine.tick(fake.now())
    printed = capsys.readouterr().out
    assert [p["title"] for p in receiver.posts][-1:] == ["water plants"]
    assert "on screen" in printed and "water plants" not in printed  # stated channel kept

    # The learned channel breaks: the default behind it delivers, and the run is delivered.
    receiver.status = 500
    again = add_task(engine.url, fake.now(), title="pay rent", first=fake.now() + timedelta(minutes=1))
    fake.advance(timedelta(minutes=1))
    engine.tick(fake.now())
    assert "pay rent" in capsys.readouterr().out
    runs = taskd(capsys, fake, "history", str(again), "--json").json()
    assert runs[0]["state"] == "delivered"
    assert [(d["channel"], d["ok"]) for d in runs[0]["deliveries"]] == [("hook", False),
                                                                        ("console", True)]
    engine.close()


def test_a_stated_channel_preference_routes_at_once(taskd_home: Path, receiver: Receiver,
                                                    fake: FakeClock,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    engine = engine_for(taskd_home, receiver.url, fake)
    assert taskd(capsys, fake, "prefs", "set", "channel", "hook").code == 0
    task_id = add_task(engine.url, fake.now(), first=fake.now() + timedelta(minutes=1))
    fake.advance(timedelta(minutes=1))
    engine.tick(fake.now())
    assert receiver.total() == 1
    delivery = taskd(capsys, fake, "show", str(task_id), "--json").json()["delivery"]
    assert delivery["source"] == "explicit" and delivery["channels"] == ["hook"]
    engine.close()
