"""Answer links at unit level: signing, expiry, tampering, single use, the URL base (the key
itself: test_actions_keys)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from taskd import settings as settings_mod
from taskd.clock import FakeClock
from taskd.core import Core
from taskd.deliver import actions
from taskd.deliver.actions import BadLink
from taskd.store import repo
from taskd.store.db import session
from taskd.store.tables import Event, Run
from tests.conftest import local
from tests.conftest_service import add_task

START = local("2026-03-02T08:00:00")


@pytest.fixture(autouse=True)
def fresh_keys() -> None:
    actions._keys.clear()
    actions._defaults.clear()


def _settings(home: Path, config: str = "") -> settings_mod.Settings:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(config)
    return settings_mod.load()


def test_signature_binds_run_action_channel_and_expiry() -> None:
    key, exp = b"k" * 32, int((START + timedelta(days=7)).timestamp())
    sig = actions.sign(key, 5, "done", "hook", exp)
    actions.verify(key, 5, "done", "hook", exp, sig, START)
    for run, action, via, when in ((6, "done", "hook", exp), (5, "snooze", "hook", exp),
                                   (5, "done", "mail", exp), (5, "done", "hook", exp + 86400)):
        with pytest.raises(BadLink) as info:
            actions.verify(key, run, action, via, when, sig, START)
        assert info.value.status == 403
    with pytest.raises(BadLink) as info:
        actions.verify(b"x" * 32, 5, "done", "hook", exp, sig, START)
    assert info.value.status == 403
    with pytest.raises(BadLink) as info:
        actions.verify(key, 5, "done", "hook", exp, sig, START + timedelta(days=7, seconds=1))
    assert info.value.status == 410 and "expired" in info.value.message
    with pytest.raises(BadLink) as info:
        actions.verify(key, 5, "delete", "hook", exp, sig, START)
    assert info.value.status == 400


def test_urls_need_a_base_public_url_wins_over_the_listener(taskd_home: Path) -> None:
    none = actions.links(_settings(taskd_home), 3, "hook", START)
    assert [link.action for link in none] == ["done", "snooze", "snooze_1h"]
    assert all(link.url is None and link.sig for link in none)
    assert [link.label for link in none] == ["Done", "Snooze 10m", "Snooze 1 h"]
    assert "no Done/Snooze links" in actions.status(_settings(taskd_home))["note"]
    listen = _settings(taskd_home, '[api]\nlisten = "127.0.0.1:8377"\n')
    assert actions.base_url(listen) == "http://127.0.0.1:8377"
    public = _settings(taskd_home, '[api]\nlisten = "127.0.0.1:8377"\n'
                                   'public_url = "https://tasks.example.org/"\n')
    (done, *_) = actions.links(public, 3, "hook", START)
    assert done.url is not None and done.url.startswith("https://tasks.example.org/v1/runs/3/act?")
    assert f"exp={int((START + timedelta(days=7)).timestamp())}" in done.url
    assert "via=hook" in done.url and f"sig={done.sig}" in done.url
    with pytest.raises(Exception, match="public_url"):
        actions.base_url(_settings(taskd_home, '[api]\npublic_url = "ftp://x"\n'))


def test_ntfy_header_short_form() -> None:
    link = actions.ActionLink(1, "done", "Done, now", "ntfy", 9, "s", "http://h/v1/runs/1/act?a=1&b=2")
    assert actions.ntfy_header((link,)) == \
        "http, Done  now, http://h/v1/runs/1/act?a=1&b=2, method=POST, clear=true"
    assert actions.ntfy_header((actions.ActionLink(1, "done", "Done", "n", 9, "s", None),)) is None


def _fired_task(settings: settings_mod.Settings, fake: FakeClock) -> tuple[int, int]:
    task_id = add_task(settings.database_url, START, first=START + timedelta(minutes=1))
    with session(settings.database_url, write=True) as db:
        run = db.exec(select(Run).where(Run.task_id == task_id)).one()
        run.state, run.fired_at = "delivered", START + timedelta(minutes=1)
        db.add(run)
        assert run.id is not None
        return task_id, run.id


def test_act_applies_once_and_records_the_learning_signal(taskd_home: Path) -> None:
    settings = _settings(taskd_home)
    fake = FakeClock(START + timedelta(minutes=4))
    task_id, run_id = _fired_task(settings, fake)
    changed: list[int] = []
    answers = Core(settings, fake, on_change=lambda: changed.append(1))
    done = next(link for link in actions.links(settings, run_id, "hook", fake.now())
                if link.action == "done")
    args = (run_id, "done", done.exp, done.sig, "hook")
    assert answers.check_answer(*args)["answered"] is None
    data = answers.act(*args)
    assert data["answered"] == "done" and data["status"] == "done" and changed == [1]
    with session(settings.database_url) as db:
        event = db.exec(select(Event).where(Event.kind == "done")).one()
        assert repo.get(db, task_id).status == "done"
    assert '"via": "hook"' in (event.data_json or "")
    assert '"seconds_after_fire": 180.0' in (event.data_json or "")
    with pytest.raises(BadLink) as info:
        answers.act(*args)
    assert info.value.status == 409 and "already answered (done via hook" in info.value.message
    assert answers.check_answer(*args)["answered"]["via"] == "hook"
    with pytest.raises(BadLink) as info:  # the run is answered: another copy's link is spent too
        other = actions.links(settings, run_id, "mail", fake.now())[1]
        answers.act(run_id, other.action, other.exp, other.sig, "mail")
    assert info.value.status == 409
    with pytest.raises(BadLink) as info:
        answers.act(run_id, "done", "soon", done.sig, "hook")
    assert info.value.status == 400


def test_a_failed_change_leaves_the_link_usable(taskd_home: Path) -> None:
    settings = _settings(taskd_home)
    fake = FakeClock(START + timedelta(minutes=4))
    task_id, run_id = _fired_task(settings, fake)
    with session(settings.database_url, write=True) as db:
        repo.pause(db, repo.get(db, task_id), fake.now(), None)
    snooze = actions.links(settings, run_id, "hook", fake.now())[1]
    answers = Core(settings, fake)
    with pytest.raises(Exception, match="paused"):
        answers.act(run_id, "snooze", snooze.exp, snooze.sig, "hook")
    with session(settings.database_url, write=True) as db:
        repo.resume(db, repo.get(db, task_id), fake.now())
    assert answers.act(run_id, "snooze", snooze.exp, snooze.sig, "hook")["answered"] == "snooze"
    with session(settings.database_url) as db:
        kinds = [e.kind for e in db.exec(select(Event).order_by(col(Event.id)))]
    assert kinds.count("snoozed") == 1


def test_clicks_at_once_answer_once(taskd_home: Path) -> None:
    import threading

    settings = _settings(taskd_home)
    fake = FakeClock(START + timedelta(minutes=4))
    _task_id, run_id = _fired_task(settings, fake)
    answers = Core(settings, fake)
    snooze = actions.links(settings, run_id, "hook", fake.now())[2]
    outcomes: list[str] = []

    def click() -> None:
        try:
            outcomes.append(answers.act(run_id, "snooze_1h", snooze.exp, snooze.sig, "hook")["answered"])
        except BadLink as exc:
            outcomes.append(str(exc.status))

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(outcomes) == ["409"] * 5 + ["snooze_1h"]
    assert len(Core(settings, fake).check_answer(run_id, "snooze_1h", snooze.exp, snooze.sig,
                                             "hook")["answered"]) == 3


def test_a_later_fire_retires_the_older_reminders_links(taskd_home: Path) -> None:
    settings = _settings(taskd_home)
    fake = FakeClock(START + timedelta(minutes=4))
    task_id, run_id = _fired_task(settings, fake)
    old = actions.links(settings, run_id, "mail", fake.now())[0]
    with session(settings.database_url, write=True) as db:  # snoozed at the CLI; the repeat fires
        repo.snooze(db, repo.get(db, task_id), fake.now(), timedelta(minutes=10))
        repeat = db.exec(select(Run).where(Run.task_id == task_id, Run.origin == "snooze")).one()
        repeat.state, repeat.fired_at = "delivered", fake.now() + timedelta(minutes=10)
        db.add(repeat)
    assert repeat.id is not None
    fake.advance(timedelta(minutes=11))
    answers = Core(settings, fake)
    with pytest.raises(BadLink, match="later reminder") as info:
        answers.act(run_id, "done", old.exp, old.sig, "mail")
    assert info.value.status == 409
    new = actions.links(settings, repeat.id, "mail", fake.now())[0]
    assert answers.act(repeat.id, "done", new.exp, new.sig, "mail")["status"] == "done"
