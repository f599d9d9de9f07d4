"""Fast-forwarding DTSTART must never change which instants a rule fires at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from taskd.resolve import recurrence
from taskd.resolve.zones import get_zone

RULES = [
    "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0",
    "FREQ=DAILY;INTERVAL=3;BYHOUR=2;BYMINUTE=30;BYSECOND=0",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;BYHOUR=18;BYMINUTE=0;BYSECOND=0",
    "FREQ=WEEKLY;BYDAY=SU;BYHOUR=1;BYMINUTE=30;BYSECOND=0",
    "FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=9;BYMINUTE=0;BYSECOND=0",
    "FREQ=MONTHLY;INTERVAL=3;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;BYHOUR=9;BYMINUTE=0;BYSECOND=0",
    "FREQ=MONTHLY;BYHOUR=9;BYMINUTE=0;BYSECOND=0",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=9;BYMINUTE=0;BYSECOND=0",
    "FREQ=YEARLY;INTERVAL=2;BYHOUR=7;BYMINUTE=0;BYSECOND=0",
    "FREQ=HOURLY;INTERVAL=5",
    "FREQ=MINUTELY;INTERVAL=45;BYDAY=MO,TU,WE,TH,FR",
    "FREQ=DAILY;UNTIL=20300101T000000;BYHOUR=9;BYMINUTE=0;BYSECOND=0",
]
ZONES = ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago"]


@settings(max_examples=120, deadline=None)
@given(rule=st.sampled_from(RULES), zone=st.sampled_from(ZONES),
       start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2026, 1, 1)),
       gap_days=st.integers(min_value=0, max_value=2000))
def test_fast_forward_fires_like_the_full_expansion(rule: str, zone: str, start: datetime,
                                                    gap_days: int) -> None:
    tz = get_zone(zone)
    start = start.replace(microsecond=0)
    moment = (start + timedelta(days=gap_days)).replace(tzinfo=tz).astimezone(UTC)
    full: list[datetime] = []
    for instant in recurrence.instants(rule, start, tz):  # the reference: every step from DTSTART
        if instant > moment:
            full.append(instant)
            if len(full) == 4:
                break
    fast = recurrence.after(rule, start, tz, moment, 4)
    assert [t.astimezone(UTC) for t in fast] == [t.astimezone(UTC) for t in full]
