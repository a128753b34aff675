"""Issue 9, "Check-ins" and "Digest": private check-ins for owners who started the bot,
one combined group message for the others; a digest that always goes out with open
actions, a summary line and what comes next, and statuses on every line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.context import services_of
from domain.model import Status
from localapi.world import BotApiError, World
from tests.helpers import press, say, tick_at, toasts

MONDAY_0900 = datetime(2026, 11, 23, 9, tzinfo=UTC)


pytestmark = pytest.mark.settings(
    WRITE_BURST="100000"
)  # Some tests record many actions as one person; the flood limits have their own.


def digests(world: World, chat_id: int) -> list[str]:
    return [m.text for m in world.bot_messages(chat_id) if m.text.startswith("Digest —")]


async def four_owners(app, world, group) -> None:
    """Bob and Carol have started the bot; Dave and Alice have not."""
    alice, bob, carol = (world.people[i] for i in (101, 102, 103))
    for person in (bob, carol):
        await say(app, world, person, world.private_chat(person), "/start")
    await say(app, world, alice, group, "/assign @bobby_p Bob one by friday")
    await say(app, world, alice, group, "/assign @bobby_p Bob two")
    await say(app, world, alice, group, "/assign @carol Carol one")
    await say(app, world, alice, group, "/assign @dave_k Dave one")
    await say(app, world, alice, group, "/assign me Alice one")
    await say(app, world, alice, group, "/nudges digest off")
    await say(app, world, alice, group, "/nudges checkin weekly mon 09:30")


async def test_checkins_go_privately_and_one_group_message_for_the_rest(
    app, world, group, clock
) -> None:
    """'A check-in posted six messages at once in the group, one per owner'"""
    bob, carol, dave = (world.people[i] for i in (102, 103, 104))
    await four_owners(app, world, group)
    before = len(world.bot_messages(group.chat_id))
    await tick_at(app, clock, MONDAY_0900 + timedelta(minutes=30))
    [in_group] = world.bot_messages(group.chat_id)[before:]
    assert "Dave" in in_group.text
    assert "Alice" in in_group.text
    assert "Bob one" not in in_group.text
    assert "Carol one" not in in_group.text
    sent = [
        p for m, p in world.calls if m == "sendMessage" and str(p["chat_id"]) == str(group.chat_id)
    ]
    assert f'<a href="tg://user?id={dave.user_id}">Dave</a>' in sent[-1]["text"]
    assert len(in_group.buttons()) == 8  # #4 and #5, four answers each
    [bobs] = [m for m in world.bot_messages(bob.user_id) if m.text.startswith("Check-in")]
    assert "#1 Bob one" in bobs.text
    assert "#2 Bob two" in bobs.text
    assert "Partners for Health" in bobs.text
    assert len(bobs.buttons()) == 8
    assert all(len(d.encode()) <= 64 and str(group.chat_id) in d for _, d in bobs.buttons())
    [carols] = [m for m in world.bot_messages(carol.user_id) if m.text.startswith("Check-in")]
    await press(app, world, bob, bobs, "#2 Blocked")
    assert toasts(world)[-1] == "#2: blocked. Thanks!"
    await press(app, world, carol, bobs, "#1 At risk")  # forged onto Bob's message
    assert toasts(world)[-1].startswith("Only #1's owner")
    await press(app, world, carol, carols, "#3 Done")
    await press(app, world, dave, in_group, "#4 At risk")
    assert await services_of(app).register.actions.get(group.chat_id, 4) is not None
    assert (await services_of(app).register.actions.get(group.chat_id, 4)).status is Status.AT_RISK
    await say(app, world, world.people[101], group, "/digest")
    digest = digests(world, group.chat_id)[-1]
    assert "#2 blocked — Bob" in digest
    assert "#3 done — Carol" in digest
    assert "#4 at risk — Dave" in digest


async def test_a_blocked_private_checkin_falls_back_to_the_group(app, world, group, clock) -> None:
    bob = world.people[102]
    await four_owners(app, world, group)
    world.private_chat(bob).members[bob.user_id] = "kicked"  # Bob blocked the bot
    before = len(world.bot_messages(group.chat_id))
    await tick_at(app, clock, MONDAY_0900 + timedelta(minutes=30))
    [in_group] = world.bot_messages(group.chat_id)[before:]
    assert "Bob one" in in_group.text
    assert "Dave one" in in_group.text
    assert "Carol one" not in in_group.text


async def test_a_failed_private_checkin_is_retried_alone(app, world, group, clock) -> None:
    bob, carol = world.people[102], world.people[103]
    await four_owners(app, world, group)
    app.bot.request.first_delay = 0.0
    world.fail_chat(bob.user_id, BotApiError(502, "Bad Gateway"), times=4)
    await tick_at(app, clock, MONDAY_0900 + timedelta(minutes=30))
    assert [m for m in world.bot_messages(bob.user_id) if m.text.startswith("Check-in")] == []
    assert len([m for m in world.bot_messages(carol.user_id) if "Check-in" in m.text]) == 1
    group_messages = len(world.bot_messages(group.chat_id))
    await tick_at(app, clock, MONDAY_0900 + timedelta(minutes=31))
    assert len([m for m in world.bot_messages(bob.user_id) if "Check-in" in m.text]) == 1
    assert len([m for m in world.bot_messages(carol.user_id) if "Check-in" in m.text]) == 1
    assert len(world.bot_messages(group.chat_id)) == group_messages  # not repeated
    log = await services_of(app).nudges.schedules.logged(group.chat_id)
    assert [o for k, _, o in log if k == "checkin-owner"] == ["failed", "sent", "sent"]


async def test_many_actions_stay_within_telegrams_button_limit(app, world, group, clock) -> None:
    """Four owners, none of whom started the bot, with nine actions each: 32 shown would
    need 128 buttons."""
    alice = world.people[101]
    for name in ("alice", "bobby_p", "carol", "dave_k"):
        for number in range(9):
            await say(app, world, alice, group, f"/assign @{name} Task {number}")
    before = len(world.bot_messages(group.chat_id))
    await say(app, world, alice, group, "/checkin")
    new = world.bot_messages(group.chat_id)[before:]
    assert len(new) == 1
    assert len(new[0].buttons()) <= 100
    assert "/update" in new[0].text  # a pointer for what has no buttons


async def test_a_digest_with_open_actions_always_goes_out(app, world, group, clock) -> None:
    """'a group whose only open action is due in two weeks and on track gets nothing'"""
    alice = world.people[101]
    await say(app, world, alice, group, "/assign @carol Carers survey by 7 december")
    await say(app, world, alice, group, "/nudges digest daily 09:00")
    await tick_at(app, clock, MONDAY_0900)
    [digest] = digests(world, group.chat_id)
    assert "1 open · 0 overdue · 0 due this week · 0 done since the last digest" in digest
    assert "Coming up\n  #1 Carers survey — Carol · due Mon 7 Dec" in digest


async def test_a_digest_is_skipped_only_with_nothing_open_or_closed(
    app, world, group, clock
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Only task")
    await say(app, world, alice, group, "/nudges digest daily 09:00")
    await say(app, world, alice, group, "/done 1")
    await tick_at(app, clock, MONDAY_0900)
    [digest] = digests(world, group.chat_id)
    assert "0 open · 0 overdue · 0 due this week · 1 done since the last digest" in digest
    await tick_at(app, clock, MONDAY_0900 + timedelta(days=1))
    assert len(digests(world, group.chat_id)) == 1
    log = await services_of(app).nudges.schedules.logged(group.chat_id)
    assert [o for k, _, o in log if k == "digest"] == ["sent", "empty"]


async def test_every_digest_line_shows_a_risky_status(app, world, group, clock) -> None:
    """'today #6, blocked, appears as "#6 … — Carol · due Tue 1 Dec"'"""
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, group, "/assign @carol Draft the carers survey by tuesday 1 dec")
    await say(app, world, carol, group, "/update 1 blocked: no data yet")
    await say(app, world, alice, group, "/assign @carol Late thing by today")
    await say(app, world, carol, group, "/update 2 at risk")
    clock.advance(timedelta(days=1))
    await say(app, world, alice, group, "/digest")
    digest = digests(world, group.chat_id)[-1]
    assert "#1 Draft the carers survey — Carol · due Tue 1 Dec · blocked" in digest
    assert "#2 Late thing — Carol · was due Mon 23 Nov · at risk" in digest


async def test_a_blocked_action_is_not_listed_twice(app, world, group, clock) -> None:
    """second trial: 'a blocked action due next week appears twice in the digest'"""
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, group, "/assign @carol Carers survey by 7 december")
    await say(app, world, carol, group, "/update 1 blocked: no data yet")
    await say(app, world, alice, group, "/digest")
    digest = digests(world, group.chat_id)[-1]
    assert digest.count("#1 Carers survey") == 1, digest
