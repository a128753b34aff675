"""Due dates in plain words, read in the chat's timezone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from register.dates import DueDateError, parse_due

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
# Monday 23 November 2026, 10:00 in London.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def local(text: str, zone: ZoneInfo = LONDON, now: datetime = NOW) -> tuple[str, bool]:
    due = parse_due(text, now, zone)
    return due.local(zone).strftime("%Y-%m-%d %H:%M"), due.all_day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("by Friday", "2026-11-27 23:59"),
        ("friday", "2026-11-27 23:59"),
        ("by fri", "2026-11-27 23:59"),
        ("by Monday", "2026-11-23 23:59"),  # today is Monday: by the end of today
        ("by next Tuesday", "2026-12-01 23:59"),  # the Tuesday of next week
        ("this Tuesday", "2026-11-24 23:59"),
        ("on 31 Jan", "2027-01-31 23:59"),
        ("31st of January", "2027-01-31 23:59"),
        ("Jan 31", "2027-01-31 23:59"),
        ("on 30 November", "2026-11-30 23:59"),
        ("31/12", "2026-12-31 23:59"),
        ("5/1/2027", "2027-01-05 23:59"),
        ("in 2 weeks", "2026-12-07 23:59"),
        ("in 3 days", "2026-11-26 23:59"),
        ("in a month", "2026-12-23 23:59"),
        ("by end of month", "2026-11-30 23:59"),
        ("end of week", "2026-11-27 23:59"),
        ("next week", "2026-11-30 23:59"),
        ("today", "2026-11-23 23:59"),
        ("tomorrow", "2026-11-24 23:59"),
        ("2026-12-01", "2026-12-01 23:59"),
        ("the day after tomorrow", "2026-11-25 23:59"),  # dateparser's territory
        ("3rd of december", "2026-12-03 23:59"),
    ],
)
def test_all_day_forms(text: str, expected: str) -> None:
    assert local(text) == (expected, True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow 5pm", "2026-11-24 17:00"),
        ("tomorrow at 5:30pm", "2026-11-24 17:30"),
        ("friday 17:00", "2026-11-27 17:00"),
        ("2026-12-01 09:00", "2026-12-01 09:00"),
        ("noon", "2026-11-23 12:00"),
        ("today 11am", "2026-11-23 11:00"),
        ("12am tomorrow", "2026-11-24 00:00"),
    ],
)
def test_timed_forms(text: str, expected: str) -> None:
    assert local(text) == (expected, False)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("yesterday", "in the past"),
        ("9am", "in the past"),  # 09:00 today has gone by 10:00
        ("2020-01-01", "in the past"),
        ("Fridya", "couldn't read"),
        ("the auditors", "couldn't read"),
        ("2026-02-30", "not a real date"),
        ("31/02", "not a real date"),
        ("25:00", "not a time of day"),
        ("13pm", "not a time of day"),
        ("by", "empty"),
    ],
)
def test_unusable_dates_say_why(text: str, problem: str) -> None:
    with pytest.raises(DueDateError, match=problem):
        parse_due(text, NOW, LONDON)


def test_the_chat_timezone_decides_the_instant() -> None:
    london = parse_due("tomorrow 5pm", NOW, LONDON)
    new_york = parse_due("tomorrow 5pm", NOW, NEW_YORK)
    assert (new_york.deadline(NEW_YORK) - london.deadline(LONDON)).total_seconds() == 5 * 3600


def test_local_date_not_utc_date_decides_today() -> None:
    """At 23:30 UTC it is already tomorrow in Tokyo: "today" is Tokyo's today."""
    tokyo = ZoneInfo("Asia/Tokyo")
    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert local("today", tokyo, late) == ("2026-11-24 23:59", True)


def test_across_a_daylight_saving_change() -> None:
    """London's clocks go forward on 29 March 2027: 9am stays 9am local."""
    before = datetime(2027, 3, 26, 12, 0, tzinfo=UTC)
    due = parse_due("monday 9am", before, LONDON)
    assert due.local(LONDON).strftime("%Y-%m-%d %H:%M %Z") == "2027-03-29 09:00 BST"
    assert due.deadline(LONDON).hour == 8


def test_describe_shows_the_year_only_when_not_this_year() -> None:
    assert parse_due("friday", NOW, LONDON).describe(LONDON, NOW) == "Fri 27 Nov"
    assert parse_due("31 jan", NOW, LONDON).describe(LONDON, NOW) == "Sun 31 Jan 2027"
    assert parse_due("friday 5pm", NOW, LONDON).describe(LONDON, NOW) == "Fri 27 Nov 17:00"
