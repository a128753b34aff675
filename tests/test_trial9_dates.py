"""Trial 9, items 2-4, 13 and 14: due dates that were silently misread, moved a year
or kept in the title, and repeating actions whose first due date skipped today. Each
is read (with a note where it could mean another day) or refused clearly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from domain.recurrence import Recurrence
from localapi.world import World
from register.recurrence import read_rule
from tests.helpers import assign_mine as assign
from tests.helpers import nothing_recorded, say

THURSDAY = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # Thu 26 Nov 2026, 10:00 in London


pytestmark = [pytest.mark.settings(WRITE_BURST="50"), pytest.mark.now(THURSDAY)]


@pytest.mark.parametrize(
    ("text", "recorded", "note"),
    [
        # item 2: long past this year is next year, with a note
        ("Report by 24/9", "Report — due Fri 24 Sep 2027.", "as Fri 24 Sep 2027"),
        # item 3
        ("Report by w/e", "Report — due Fri 27 Nov.", None),
        ("Report tomorrow at 5", "Report — due Fri 27 Nov 17:00.", "as Fri 27 Nov 17:00"),
        ("Report by next month", "Report — due Tue 1 Dec.", "as Tue 1 Dec"),
        ("Report by the week after next", "Report — due Mon 7 Dec.", "as Mon 7 Dec"),
        # item 4
        ("Report by Monday at 10", "Report — due Mon 30 Nov 10:00.", "as Mon 30 Nov 10:00"),
        ("Report by 3pm on Friday", "Report — due Fri 27 Nov 15:00.", None),
        # item 13
        ("Report (by Friday)", "Report — due Fri 27 Nov.", None),
        ("Report by Friday!", "Report — due Fri 27 Nov.", None),
        ("Report by friday?", "Report — due Fri 27 Nov.", None),
        ("Draft the bid - by Friday.", "Draft the bid — due Fri 27 Nov.", None),
        ("Report for Friday", "Report — due Fri 27 Nov.", None),
        ("Report for the 5th", "Report — due Sat 5 Dec.", None),
        ("Report w/c 7 Dec", "Report — due Mon 7 Dec.", None),
        ("Report first thing Monday", "Report — due Mon 30 Nov.", None),
        ("Report b4 Friday", "Report — due Fri 27 Nov.", None),
        ("Report by end Nov", "Report — due Mon 30 Nov.", None),
        ("Report by end Jan", "Report — due Sun 31 Jan 2027.", None),
        ("Report by Q2", "Report — due Wed 30 Jun 2027.", "as Wed 30 Jun 2027"),
        # the issue 10 tenth trial: a named month long past is next year's, with a note
        ("Report by 1 Sep", "Report — due Wed 1 Sep 2027.", "as Wed 1 Sep 2027"),
        ("Report by 5 Jan", "Report — due Tue 5 Jan 2027.", None),
    ],
)
async def test_a_due_date_is_read_and_leaves_the_title(
    app: Application, world: World, group, text: str, recorded: str, note: str | None
) -> None:
    first, *rest = (await assign(app, world, group, text)).splitlines()
    assert first == f"Recorded #1 for Alice: {recorded}"
    if note is not None:
        assert any(note in line for line in rest), rest


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        # item 2: a numeric date just gone is in the past, like its ISO form
        ("Report by 25/11", "is in the past"),
        ("Report 25/11", "is in the past"),
        # the issue 10 tenth trial: "24 Nov" was recorded as 24 Nov 2027 without a word
        ("Report by 24 Nov", "is in the past"),
        ("Report by 24th November", "is in the past"),
        ("Report by half term", "half term depends on the school"),
        ("Report every weekday", "weekdays"),
        ("Report every Monday and Thursday", "one day of the week"),
    ],
)
async def test_a_date_that_cant_be_used_is_refused(
    app: Application, world: World, group, text: str, problem: str
) -> None:
    reply = await assign(app, world, group, text)
    assert "Recorded" not in reply
    assert problem in reply
    await nothing_recorded(app, world, group)


async def test_a_decimal_number_is_no_date(app: Application, world: World, group) -> None:
    reply = await assign(app, world, group, "Review section 3.2")
    assert reply.splitlines()[0] == "Recorded #1 for Alice: Review section 3.2 — no due date."


async def test_punctuation_and_supporters_around_the_date(
    app: Application, world: World, group
) -> None:
    await say(app, world, world.people[101], group, "/partner add City Council")
    reply = await assign(app, world, group, "Bid, with @alice and City Council, by Friday")
    assert reply.splitlines()[0].startswith(
        "Recorded #1 for Alice: Bid — due Fri 27 Nov, with City Council."
    )


async def test_this_weekend_on_a_saturday_is_this_weekend(
    app: Application, world: World, group, clock: FrozenClock
) -> None:
    clock.advance(timedelta(days=2))  # Saturday 28 Nov
    first, *rest = (await assign(app, world, group, "Report by this weekend")).splitlines()
    assert first == "Recorded #1 for Alice: Report — due Sun 29 Nov."
    assert any("as Sun 29 Nov" in line for line in rest)


@pytest.mark.parametrize(
    "rule",
    [
        Recurrence("day"),
        Recurrence("week"),
        Recurrence("month"),
        Recurrence("month", 3),
        Recurrence("year"),
    ],
)
def test_today_counts_for_every_rule(rule: Recurrence) -> None:
    assert rule.first(date(2026, 11, 26)) == date(2026, 11, 26)


async def test_a_daily_action_is_first_due_today(app: Application, world: World, group) -> None:
    reply = await assign(app, world, group, "Check the inbox every day")
    assert reply.splitlines()[0].startswith(
        "Recorded #1 for Alice: Check the inbox — due Thu 26 Nov"
    )


async def test_every_31st_is_the_last_day_of_shorter_months(
    app: Application, world: World, group
) -> None:
    assert read_rule("every 31st") == Recurrence("month", monthday=31)
    reply = await assign(app, world, group, "Returns every 31st")
    assert reply.splitlines()[0].startswith("Recorded #1 for Alice: Returns — due Mon 30 Nov")


@pytest.mark.parametrize("title", ["Review item at 30", "Meet at 5", "Book venue for 20 people"])
async def test_numbers_that_are_no_time_stay_in_the_title(
    app: Application, world: World, group, title: str
) -> None:
    reply = await assign(app, world, group, title)
    assert reply.splitlines()[0] == f"Recorded #1 for Alice: {title} — no due date."
