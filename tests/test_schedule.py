"""Schedule arithmetic: next slots across daylight saving, quiet hours, reminder times."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.due import Due
from domain.schedule import DEFAULT_DIGEST, QuietHours, Schedule
from nudges.schedule import ScheduleError, parse_quiet, parse_schedule, reminder_moments

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
DAILY_NINE = Schedule("digest", True, "daily", None, time(9, 0))


def slots(schedule: Schedule, zone: ZoneInfo, start: datetime, count: int) -> list[datetime]:
    found, after = [], start
    for _ in range(count):
        after = schedule.next_slot(zone, after)
        found.append(after)
    return found


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        (LONDON, datetime(2027, 3, 26, 12, tzinfo=UTC)),  # clocks go forward 28 March
        (LONDON, datetime(2027, 10, 29, 12, tzinfo=UTC)),  # and back 31 October
        (NEW_YORK, datetime(2027, 3, 12, 18, tzinfo=UTC)),  # forward 14 March
        (NEW_YORK, datetime(2027, 11, 5, 18, tzinfo=UTC)),  # back 7 November
    ],
)
def test_a_0900_nudge_fires_once_a_day_at_0900_local_across_dst(
    zone: ZoneInfo, start: datetime
) -> None:
    found = slots(DAILY_NINE, zone, start, 5)
    local = [slot.astimezone(zone) for slot in found]
    assert [(t.hour, t.minute) for t in local] == [(9, 0)] * 5
    assert len({t.date() for t in local}) == 5
    assert [(b.date() - a.date()).days for a, b in itertools.pairwise(local)] == [1] * 4
    offsets = {slot.astimezone(zone).utcoffset() for slot in found}
    assert len(offsets) == 2  # the change happened in the window


def test_weekly_default_is_monday_0900() -> None:
    wednesday = datetime(2026, 11, 25, 12, tzinfo=UTC)
    assert DEFAULT_DIGEST.next_slot(LONDON, wednesday) == datetime(2026, 11, 30, 9, tzinfo=UTC)
    slot = datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert DEFAULT_DIGEST.next_slot(LONDON, slot) == datetime(2026, 12, 7, 9, tzinfo=UTC)


def test_quiet_hours_release() -> None:
    night = QuietHours(time(20, 0), time(8, 0))
    evening = datetime(2026, 11, 25, 21, tzinfo=UTC)
    assert night.release(evening, LONDON) == datetime(2026, 11, 26, 8, tzinfo=UTC)
    early = datetime(2026, 11, 26, 6, tzinfo=UTC)
    assert night.release(early, LONDON) == datetime(2026, 11, 26, 8, tzinfo=UTC)
    noon = datetime(2026, 11, 26, 12, tzinfo=UTC)
    assert night.release(noon, LONDON) == noon
    weekends = QuietHours(time(20, 0), time(8, 0), weekends=True)
    saturday = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert weekends.release(saturday, LONDON) == datetime(2026, 11, 30, 8, tzinfo=UTC)
    friday_night = datetime(2026, 11, 27, 22, tzinfo=UTC)
    assert weekends.release(friday_night, LONDON) == datetime(2026, 11, 30, 8, tzinfo=UTC)
    daytime = QuietHours(time(12, 0), time(14, 0))
    assert daytime.release(datetime(2026, 11, 26, 13, tzinfo=UTC), LONDON) == datetime(
        2026, 11, 26, 14, tzinfo=UTC
    )


def test_reminder_moments() -> None:
    all_day = Due(on=date(2026, 11, 27))  # Friday
    before, overdue = reminder_moments(all_day, LONDON)
    assert before == datetime(2026, 11, 26, 9, tzinfo=UTC)
    assert overdue == datetime(2026, 11, 28, 9, tzinfo=UTC)
    early = Due(at=datetime(2026, 11, 27, 8, 0, tzinfo=UTC))  # Friday 08:00
    assert reminder_moments(early, LONDON)[1] == datetime(2026, 11, 27, 9, tzinfo=UTC)


def test_parsing_schedules_and_quiet_hours() -> None:
    assert parse_schedule("digest", ["weekly", "Fri", "15:00"], DEFAULT_DIGEST) == Schedule(
        "digest", True, "weekly", 4, time(15, 0)
    )
    assert parse_schedule("digest", ["daily", "7:30"], DEFAULT_DIGEST).at == time(7, 30)
    off = parse_schedule("digest", ["off"], DEFAULT_DIGEST)
    assert not off.enabled
    assert parse_schedule("digest", ["on"], off) == DEFAULT_DIGEST
    for words in (["weekly", "funday", "09:00"], ["daily", "25:00"], ["hourly"], []):
        with pytest.raises(ScheduleError):
            parse_schedule("digest", words, DEFAULT_DIGEST)
    assert parse_quiet(["20:00-08:00", "weekends"]) == QuietHours(time(20), time(8), True)
    assert parse_quiet(["off"]) is None
    for words in (["20:00"], ["20:00-20:00"], ["8pm-20:00"], ["20:00-08:00", "sundays"]):
        with pytest.raises(ScheduleError):
            parse_quiet(words)


def test_next_slot_is_strictly_after() -> None:
    nine = datetime(2026, 11, 26, 9, tzinfo=UTC)
    assert DAILY_NINE.next_slot(LONDON, nine) == nine + timedelta(days=1)
    assert DAILY_NINE.next_slot(LONDON, nine - timedelta(seconds=2)) == nine


@pytest.mark.parametrize(
    ("words", "at"),
    [
        (["weekly", "mon", "3pm"], time(15, 0)),
        (["weekly", "mon", "3", "pm"], time(15, 0)),
        (["weekly", "fri", "at", "9:30am"], time(9, 30)),
        (["daily", "9am"], time(9, 0)),
        (["daily", "17:30"], time(17, 30)),
        (["daily", "noon"], time(12, 0)),
    ],
)
def test_nudge_times_take_the_forms_due_times_do(words: list[str], at: time) -> None:
    """One time-of-day reader (register.dates.read_clock) for due dates and nudges."""
    assert parse_schedule("digest", words, DEFAULT_DIGEST).at == at


def test_quiet_hours_in_the_forms_people_write() -> None:
    assert parse_quiet(["8pm-8am"]) == QuietHours(time(20), time(8))
    assert parse_quiet(["8pm", "-", "7:30am", "weekends"]) == QuietHours(
        time(20), time(7, 30), True
    )
    for words in (["13pm-8am"], ["8pm-25:00"], ["tea-8am"]):
        with pytest.raises(ScheduleError):
            parse_quiet(words)
