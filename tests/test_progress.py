"""/progress: the numbers behind the chart, the PNG it sends, and who sees what."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import Image
from telegram.ext import Application

from app.clock import FrozenClock
from charts.progress import MAX_PARTNERS, NO_PARTNER, OTHERS, progress_data, render_progress
from domain.due import Due
from domain.model import Action, Status
from localapi.world import SimChat, World
from tests.helpers import say

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday


def action(
    number: int,
    status: Status = Status.OPEN,
    partner: str | None = "Council",
    due: date | None = None,
    closed: datetime | None = None,
) -> Action:
    return Action(
        number, -1, number, f"Action {number}", 101, None, "Alice", None, partner, status,
        Due(on=due) if due else None, None, 101, NOW, NOW, closed,
    )  # fmt: skip


def test_counts_by_partner_and_state_and_done_per_week() -> None:
    actions = [
        action(1),  # open, no due date
        action(2, due=date(2026, 11, 24)),  # overdue (yesterday)
        action(3, due=date(2026, 11, 25)),  # due today: not overdue yet
        action(4, Status.DONE, closed=NOW - timedelta(days=1)),  # this week
        action(5, Status.DONE, "Health Board", closed=NOW - timedelta(days=7)),  # last week
        action(6, Status.DONE, "Health Board", closed=NOW - timedelta(weeks=9)),  # too old
        action(7, Status.DROPPED, closed=NOW),  # dropped: not counted
        action(8, Status.BLOCKED, None),
    ]
    data = progress_data(actions, NOW, LONDON)
    by_name = {p.name: (p.open, p.overdue, p.done) for p in data.partners}
    assert by_name == {"Council": (2, 1, 1), "Health Board": (0, 0, 2), NO_PARTNER: (1, 0, 0)}
    assert [p.name for p in data.partners] == ["Council", "Health Board", NO_PARTNER]
    assert data.weeks[-1] == date(2026, 11, 23)
    assert data.weeks[0] == date(2026, 10, 5)
    assert data.done_per_week == (0, 0, 0, 0, 0, 0, 1, 1)
    assert data.summary() == "4 open (1 overdue), 3 done; 2 done in the last 8 weeks, 1 this week."


def test_weeks_are_counted_in_the_chats_timezone() -> None:
    # Sunday 22 Nov 23:30 in Auckland is already Monday 23 Nov there: this week.
    late = datetime(2026, 11, 22, 11, 30, tzinfo=UTC)
    data = progress_data([action(1, Status.DONE, closed=late)], NOW, ZoneInfo("Pacific/Auckland"))
    assert data.done_per_week[-1] == 1
    data = progress_data([action(1, Status.DONE, closed=late)], NOW, LONDON)
    assert data.done_per_week[-2:] == (1, 0)


def test_many_partners_fold_into_others() -> None:
    actions = [action(n, partner=f"Partner {n:02}") for n in range(1, 16)]
    data = progress_data(actions, NOW, LONDON)
    assert len(data.partners) == MAX_PARTNERS
    assert data.partners[-1].name == OTHERS
    assert data.partners[-1].open == 15 - (MAX_PARTNERS - 1)
    assert data.open == 15


def test_an_empty_register_says_so() -> None:
    data = progress_data([], NOW, LONDON)
    assert data.partners == ()
    assert data.done_per_week == (0,) * 8
    assert "Nothing recorded yet" in data.summary()


def test_the_chart_is_a_phone_sized_png() -> None:
    actions = [action(1), action(2, Status.DONE, closed=NOW)]
    png = render_progress(progress_data(actions, NOW, LONDON), "Partners")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width == 1000
    assert 600 < image.height < 1600


async def test_progress_sends_the_chart_with_its_summary(
    app: Application, world: World, groups: tuple[SimChat, SimChat], clock: FrozenClock
) -> None:
    partners, steering = groups
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, partners, "/partner add City Council")
    await say(app, world, alice, partners, "/join City Council")
    for title in ("Draft the bid by tomorrow", "Book the venue", "Send the minutes"):
        await say(app, world, alice, partners, f"/assign me {title}")
    await say(app, world, alice, partners, "/done 3")
    await say(app, world, carol, steering, "/assign me Steering only")  # another group's
    clock.advance(timedelta(days=3))  # #1 is overdue now
    [chart] = await say(app, world, carol, partners, "/progress")
    assert chart.photo is not None
    assert Image.open(io.BytesIO(chart.photo)).format == "PNG"
    assert chart.text == "2 open (1 overdue), 1 done; 1 done in the last 8 weeks, 1 this week."


async def test_progress_belongs_in_a_group(app: Application, world: World) -> None:
    alice = world.people[101]
    [answer] = await say(app, world, alice, world.private_chat(alice), "/progress")
    assert answer.photo is None
    assert "works in your partnership's group" in answer.text
