"""Importing Taskwarrior's `task export` JSON: each recur form becomes an RRULE, what cannot be
translated is listed, completed/deleted are counted, and a bad file writes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from taskd.clock import FakeClock
from taskd.exchange.tw_recur import Untranslatable, period
from taskd.resolve.recurrence import split_rule
from tests.cli import taskd
from tests.conftest import local

ZONE = "America/New_York"
# 15:00Z is 10:00 in New York in winter (EST) and 11:00 in summer (EDT).
RECUR_FORMS: dict[str, tuple[str, dict[str, str]]] = {
    # recur: (due, the rule parts taskd stores besides BYHOUR/BYMINUTE/BYSECOND)
    "daily": ("20261202T150000Z", {"FREQ": "DAILY"}),
    "weekly": ("20261202T150000Z", {"FREQ": "WEEKLY", "BYDAY": "WE"}),
    "weekdays": ("20261202T150000Z", {"FREQ": "WEEKLY", "BYDAY": "MO,TU,WE,TH,FR"}),
    "biweekly": ("20261202T150000Z", {"FREQ": "WEEKLY", "INTERVAL": "2", "BYDAY": "WE"}),
    "fortnight": ("20261202T150000Z", {"FREQ": "WEEKLY", "INTERVAL": "2", "BYDAY": "WE"}),
    "monthly": ("20261215T150000Z", {"FREQ": "MONTHLY", "BYMONTHDAY": "15"}),
    "bimonthly": ("20261215T150000Z", {"FREQ": "MONTHLY", "INTERVAL": "2", "BYMONTHDAY": "15"}),
    "quarterly": ("20261231T150000Z", {"FREQ": "MONTHLY", "INTERVAL": "3",
                                       "BYMONTHDAY": "28,29,30,31", "BYSETPOS": "-1"}),
    "semiannual": ("20261215T150000Z", {"FREQ": "MONTHLY", "INTERVAL": "6", "BYMONTHDAY": "15"}),
    "annual": ("20261215T150000Z", {"FREQ": "YEARLY", "BYMONTH": "12", "BYMONTHDAY": "15"}),
    "yearly": ("20261215T150000Z", {"FREQ": "YEARLY", "BYMONTH": "12", "BYMONTHDAY": "15"}),
    "biannual": ("20261215T150000Z", {"FREQ": "YEARLY", "INTERVAL": "2", "BYMONTH": "12",
                                      "BYMONTHDAY": "15"}),
    "3d": ("20261202T150000Z", {"FREQ": "DAILY", "INTERVAL": "3"}),
    "2w": ("20261202T150000Z", {"FREQ": "WEEKLY", "INTERVAL": "2", "BYDAY": "WE"}),
    "2wk": ("20261202T150000Z", {"FREQ": "WEEKLY", "INTERVAL": "2", "BYDAY": "WE"}),
    "6m": ("20261215T150000Z", {"FREQ": "MONTHLY", "INTERVAL": "6", "BYMONTHDAY": "15"}),
    "2mo": ("20261215T150000Z", {"FREQ": "MONTHLY", "INTERVAL": "2", "BYMONTHDAY": "15"}),
    "1q": ("20261215T150000Z", {"FREQ": "MONTHLY", "INTERVAL": "3", "BYMONTHDAY": "15"}),
    "2y": ("20261215T150000Z", {"FREQ": "YEARLY", "INTERVAL": "2", "BYMONTH": "12",
                                "BYMONTHDAY": "15"}),
    "P1D": ("20261202T150000Z", {"FREQ": "DAILY"}),
    "P2W": ("20261202T150000Z", {"FREQ": "WEEKLY", "INTERVAL": "2", "BYDAY": "WE"}),
    "1.5d": ("20261202T150000Z", {"FREQ": "HOURLY", "INTERVAL": "36"}),
    "4h": ("20261202T150000Z", {"FREQ": "HOURLY", "INTERVAL": "4"}),
    "PT30M": ("20261202T150000Z", {"FREQ": "MINUTELY", "INTERVAL": "30"}),
}


def record(n: int, **fields: Any) -> dict[str, Any]:
    return {"id": n, "uuid": f"00000000-0000-4000-8000-{n:012d}", "entry": "20261101T120000Z",
            "modified": "20261101T120000Z", "status": "pending", "urgency": 1.2, **fields}


def sample() -> list[dict[str, Any]]:
    records = [record(n, description=f"recur {recur}", due=due, recur=recur, status="recurring",
                      mask="-")
               for n, (recur, (due, _)) in enumerate(RECUR_FORMS.items(), 1)]
    base = len(records)
    parent = records[0]["uuid"]
    records += [
        record(base + 1, description="instance of daily", due="20261203T150000Z", recur="daily",
               parent=parent, imask=1),
        record(base + 2, description="pay rent", due="20261215T170000Z",
               tags=["home", "money"], project="flat", priority="H",
               annotations=[{"entry": "20261101T120000Z", "description": "ask about the lease"}]),
        record(base + 3, description="call the bank", scheduled="20261203T140000Z",
               due="20261210T140000Z"),
        record(base + 4, description="hidden until", wait="20261205T130000Z"),
        record(base + 5, description="done already", status="completed", end="20261120T100000Z",
               due="20261110T100000Z"),
        record(base + 6, description="gone", status="deleted", end="20261120T100000Z"),
        record(base + 7, description="someday, no date"),
        record(base + 8, description="every 5 seconds", due="20261202T150000Z", recur="5s",
               status="recurring"),
        record(base + 9, description="weekly until new year", due="20261202T150000Z",
               recur="weekly", until="20261231T000000Z", status="recurring"),
    ]
    return records


@pytest.fixture
def ny(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    monkeypatch.setenv("TASKD_TZ", ZONE)
    return FakeClock(local("2026-12-01T12:00:00", ZONE))


def import_sample(capsys: pytest.CaptureFixture[str], clock: FakeClock, tmp_path: Path,
                  records: list[dict[str, Any]] | None = None) -> Any:
    path = tmp_path / "tw.json"
    path.write_text(json.dumps(records if records is not None else sample()))
    result = taskd(capsys, clock, "import", str(path), "--json")
    assert result.code == 0, result.err
    return result.json()


def test_each_recur_form_becomes_an_rrule(capsys: pytest.CaptureFixture[str], ny: FakeClock,
                                          tmp_path: Path) -> None:
    report = import_sample(capsys, ny, tmp_path)
    assert report["format"] == "taskwarrior"
    tasks = {t["title"]: t for t in taskd(capsys, ny, "list", "--json").json()}
    for recur, (_, parts) in RECUR_FORMS.items():
        stored = split_rule(tasks[f"recur {recur}"]["rrule"])
        sub_daily = parts["FREQ"] in ("HOURLY", "MINUTELY")
        expected = dict(parts) if sub_daily else {**parts, "BYHOUR": "10", "BYMINUTE": "0",
                                                  "BYSECOND": "0"}
        assert stored == expected, recur
    # Wall clock through DST: 10:00 EST stays 10:00 in summer (EDT), not 11:00 as 86400 s steps give.
    daily = tasks["recur daily"]
    assert daily["next"][0] == "2026-12-02T10:00:00-05:00"
    quarterly = taskd(capsys, ny, "show", str(tasks["recur quarterly"]["id"]), "--json").json()
    assert quarterly["next"][:3] == ["2026-12-31T10:00:00-05:00", "2027-03-31T10:00:00-04:00",
                                     "2027-06-30T10:00:00-04:00"]
    ended = split_rule(tasks["weekly until new year"]["rrule"])
    assert ended["UNTIL"] == "20261231T000000Z"


def test_what_is_not_translated_is_listed_and_skips_are_counted(
        capsys: pytest.CaptureFixture[str], ny: FakeClock, tmp_path: Path) -> None:
    report = import_sample(capsys, ny, tmp_path)
    assert report["skipped"] == {"completed": 1, "deleted": 1, "no date": 1,
                                 "recurrence instance (its parent carries the rule)": 1}
    assert report["added"] == len(RECUR_FORMS) + 5  # rent, bank, hidden, 5s (one-time), until
    lost = {(u["title"], u["field"]) for u in report["untranslated"]}
    assert {("pay rent", "tags"), ("pay rent", "project"), ("pay rent", "priority"),
            ("pay rent", "annotations"), ("call the bank", "scheduled"),
            ("someday, no date", "due"), ("every 5 seconds", "recur")} <= lost
    five = next(u for u in report["untranslated"] if u["field"] == "recur")
    assert "once a minute" in five["why"] and "one-time" in five["why"]
    tasks = {t["title"]: t for t in taskd(capsys, ny, "list", "--json").json()}
    assert tasks["call the bank"]["next"][0] == "2026-12-10T09:00:00-05:00"  # due wins
    assert tasks["hidden until"]["next"][0] == "2026-12-05T08:00:00-05:00"  # wait, when alone
    assert tasks["every 5 seconds"]["rrule"] is None
    text = taskd(capsys, ny, "import", str(tmp_path / "tw.json"))
    assert text.code == 0 and f"{report['added']} already here" in text.out


def test_importing_the_same_export_twice_adds_nothing(
        capsys: pytest.CaptureFixture[str], ny: FakeClock, tmp_path: Path) -> None:
    first = import_sample(capsys, ny, tmp_path)
    second = import_sample(capsys, ny, tmp_path)
    assert second["added"] == 0 and second["existing"] == first["added"]
    assert len(taskd(capsys, ny, "list", "--json").json()) == first["added"]
    uids = {t["uid"] for t in json.loads(taskd(capsys, ny, "export").out)["tasks"]}
    assert "00000000-0000-4000-8000-000000000001" in uids  # Taskwarrior's uuid is the uid


def test_a_bad_date_anywhere_writes_nothing(capsys: pytest.CaptureFixture[str], ny: FakeClock,
                                            tmp_path: Path) -> None:
    records = sample()
    records[-1]["due"] = "next tuesday"
    path = tmp_path / "tw.json"
    path.write_text(json.dumps(records))
    result = taskd(capsys, ny, "import", str(path))
    assert result.code == 1 and len(result.err.strip().splitlines()) == 1
    assert "next tuesday" in result.err and "20261202T100000Z" in result.err
    assert taskd(capsys, ny, "list", "--json").json() == []


def test_json_lines_exports_of_older_taskwarriors_are_read(
        capsys: pytest.CaptureFixture[str], ny: FakeClock, tmp_path: Path) -> None:
    path = tmp_path / "tw.jsonl"
    lines = [json.dumps(record(1, description="one", due="20261203T150000Z")),
             json.dumps(record(2, description="two", due="20261204T150000Z"))]
    path.write_text(",\n".join(lines) + "\n")
    result = taskd(capsys, ny, "import", str(path), "--json")
    assert result.code == 0 and result.json()["added"] == 2


@pytest.mark.parametrize("recur", ["1.5mo", "P1M2D", "every other tuesday", "0d"])
def test_recur_values_with_no_rule_say_why(recur: str) -> None:
    with pytest.raises(Untranslatable):
        period(recur)


def test_imported_rules_expand_the_same_in_a_calendar_app(
        capsys: pytest.CaptureFixture[str], ny: FakeClock, tmp_path: Path) -> None:
    from taskd.settings import load
    from taskd.store.db import session
    from taskd.store.repo import list_tasks
    from tests.test_ical import compare

    import_sample(capsys, ny, tmp_path)
    with session(load().database_url) as db:
        recurring = [t for t in list_tasks(db) if t.rrule is not None]
    assert len(recurring) == len(RECUR_FORMS) + 1
    assert all(compare(task, ny.now()) for task in recurring)


def test_descriptions_become_one_plain_line_and_odd_uuids_are_refused(
        capsys: pytest.CaptureFixture[str], ny: FakeClock, tmp_path: Path) -> None:
    messy = record(1, description="pay\nthe\trent\x07 now", due="20261203T150000Z")
    report = import_sample(capsys, ny, tmp_path, [messy])
    assert [t["title"] for t in report["tasks"]] == ["pay the rent now"]
    path = tmp_path / "odd.json"
    path.write_text(json.dumps([record(2, description="x", due="20261203T150000Z",
                                       uuid="../../etc passwd")]))
    result = taskd(capsys, ny, "import", str(path))
    assert result.code == 1 and "'uuid' must be" in result.err
    missing = taskd(capsys, ny, "import", str(tmp_path / "nowhere.json"))
    assert missing.code == 1 and "cannot read" in missing.err
