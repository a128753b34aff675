"""Trial 8, bug 5: due dates that were silently kept in the title, silently cut short or
wrongly refused. Each is read or refused clearly, and a refusal records nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram.ext import Application

from localapi.world import World
from tests.helpers import assign_mine as assign
from tests.helpers import nothing_recorded

WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 25 Nov 2026, 10:00 in London


pytestmark = [pytest.mark.settings(WRITE_BURST="50"), pytest.mark.now(WEDNESDAY)]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Test K in 999999999999 days", "more than 10 years away"),
        ("Test K in 5000 weeks", "more than 10 years away"),
        ("Test K by 99999999999999999999 months", "more than 10 years away"),
        ("Test M tomorrow 0am", "'0am' is not a time of day: try 9am, 5:30pm, noon"),
    ],
)
async def test_a_date_out_of_reach_is_refused_not_kept_in_the_title(
    app: Application, world: World, group, text: str, problem: str
) -> None:
    reply = await assign(app, world, group, text)
    assert "Recorded" not in reply
    assert problem in reply
    await nothing_recorded(app, world, group)


async def test_a_time_after_at_is_read(app: Application, world: World, group) -> None:
    reply = await assign(app, world, group, "Test AM at 5pm")
    assert reply.startswith("Recorded #1 for Alice: Test AM — due Wed 25 Nov 17:00.")


async def test_an_iso_moment_keeps_its_time_and_offset(
    app: Application, world: World, group
) -> None:
    reply = await assign(app, world, group, "Test T by 2027-01-31T10:00+05:00")
    # 10:00 at +05:00 is 05:00 in London (GMT in January)
    assert reply.startswith("Recorded #1 for Alice: Test T — due Sun 31 Jan 2027 05:00.")
    reply = await assign(app, world, group, "Test U by 2027-01-31T10:00")
    assert reply.startswith("Recorded #2 for Alice: Test U — due Sun 31 Jan 2027 10:00.")
    reply = await assign(app, world, group, "Test V by 2027-01-31T10:00Z")
    assert reply.startswith("Recorded #3 for Alice: Test V — due Sun 31 Jan 2027 10:00.")


async def test_a_past_iso_moment_is_refused(app: Application, world: World, group) -> None:
    reply = await assign(app, world, group, "Test T by 2026-11-25T09:00+00:00")
    assert "is in the past" in reply
    await nothing_recorded(app, world, group)


async def test_an_impossible_iso_moment_is_refused(app: Application, world: World, group) -> None:
    reply = await assign(app, world, group, "Test T by 2027-01-31T25:00")
    assert "Recorded" not in reply
    await nothing_recorded(app, world, group)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Test Mid by midnight", "due Wed 25 Nov."),
        ("Test Mid by midnight tomorrow", "due Thu 26 Nov."),
        ("Test Mid by Friday midnight", "due Fri 27 Nov."),
    ],
)
async def test_by_midnight_is_the_end_of_that_day(
    app: Application, world: World, group, text: str, due: str
) -> None:
    reply = await assign(app, world, group, text)
    first, *rest = reply.splitlines()
    assert first.startswith("Recorded #1 for Alice: Test Mid — ")
    assert first.endswith(due)
    assert any("as the end of" in line for line in rest)
