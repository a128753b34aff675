"""Small things that read wrong: a due date set to what it already is, a timezone in
lower case, dates written two ways, and a tab after ``me`` or an @name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from localapi.world import World
from tests.helpers import BOTH_BACKENDS, say, tick_at
from tests.test_nudges import digests

WEDNESDAY = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
pytestmark = [BOTH_BACKENDS, pytest.mark.now(WEDNESDAY)]


async def test_due_to_the_date_it_already_has_records_nothing(
    app: Application, world: World, group
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign @bobby_p Send the minutes by Friday")
    [reply] = await say(app, world, alice, group, "/due 1 friday")
    assert reply.text == "#1 is already due Fri 4 Dec."
    [moved] = await say(app, world, alice, group, "/due 1 saturday")
    assert "now due Sat 5 Dec" in moved.text
    [history] = await say(app, world, alice, group, "/history 1")
    changes = [line for line in history.text.splitlines() if "→" in line]
    assert [change.split(" · ", 1)[1] for change in changes] == ["Alice due Fri 4 Dec → Sat 5 Dec"]


@pytest.mark.parametrize("typed", ["europe/london", "EUROPE/LONDON", "Europe/london", "utc"])
async def test_a_timezone_in_any_case_is_accepted(
    app: Application, world: World, group, typed: str
) -> None:
    [reply] = await say(app, world, world.people[101], group, f"/timezone {typed}")
    expected = "UTC" if typed == "utc" else "Europe/London"
    assert reply.text.startswith(f"Timezone set to {expected}."), reply.text
    [shown] = await say(app, world, world.people[101], group, "/timezone")
    assert f"This chat's timezone is {expected}." in shown.text


async def test_a_late_digest_says_when_it_was_due_as_the_register_does(
    app: Application, world: World, group, clock: FrozenClock
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/timezone UTC")
    await say(app, world, alice, group, "/assign me Something by Friday")
    await say(app, world, alice, group, "/nudges digest daily 09:00")
    await tick_at(app, clock, datetime(2026, 12, 3, 15, 0, tzinfo=UTC))  # down all morning
    [late] = digests(world, group.chat_id)
    assert "Late: this was due Thu 3 Dec 09:00, while Accord was offline." in late


async def test_nudges_and_the_digest_write_days_as_the_register_does(
    app: Application, world: World, group
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/timezone Europe/London")
    await say(app, world, alice, group, "/nudges digest weekly sun 09:00")
    [shown] = await say(app, world, alice, group, "/nudges")
    assert "next Sun 6 Dec 09:00" in shown.text, shown.text
    await say(app, world, alice, group, "/assign @bobby_p Send the minutes by Friday")
    digest = (await say(app, world, alice, group, "/digest"))[0]
    assert "· Wed 2 Dec" in digest.text, digest.text


@pytest.mark.parametrize("gap", ["\t", "\t\t", "   ", "\n"])
@pytest.mark.parametrize("owner", ["me", "@bobby_p"])
async def test_a_tab_or_several_spaces_after_the_owner_is_a_gap(
    app: Application, world: World, group, gap: str, owner: str
) -> None:
    [reply] = await say(app, world, world.people[101], group, f"/assign {owner}{gap}Book rooms")
    assert reply.text.startswith("Recorded "), reply.text
    assert "#1" in reply.text
    assert "Book rooms" in reply.text
    [listing] = await say(app, world, world.people[101], group, "/actions")
    assert "Book rooms" in listing.text
    assert "#2" not in listing.text


async def test_an_owner_alone_on_a_line_owns_the_line_below(
    app: Application, world: World, group
) -> None:
    text = "/assign\n@bobby_p\nDraft the bid by Friday\nme\nBook the room\n@carol Chair it"
    [reply] = await say(app, world, world.people[101], group, text)
    assert reply.text.startswith("Recorded 3 actions:"), reply.text
    assert "#1 for Bob: Draft the bid — due Fri 4 Dec." in reply.text
    assert "#2 for Alice: Book the room — no due date." in reply.text
    assert "#3 for Carol: Chair it" in reply.text
