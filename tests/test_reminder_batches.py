"""Owner reminders falling due together come as one message per chat (or per person),
not one per action; each reminder is still logged and retried on its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram.ext import Application

from app.context import services_of
from domain.model import Status
from localapi.world import BotApiError, World
from tests.helpers import press, say, tick_at

TUESDAY_0900 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ATTEMPTS = 4  # the transport's attempts: an outage outlasts them all


pytestmark = pytest.mark.settings(WRITE_BURST="100000")


async def reminder_log(app: Application, chat_id: int) -> list[str]:
    log = await services_of(app).nudges.schedules.logged(chat_id)
    return [outcome for kind, _, outcome in log if kind == "reminder-before"]


async def test_a_groups_reminders_due_together_are_one_message(
    app, world: World, groups, clock
) -> None:
    partners, _ = groups
    alice = world.people[101]
    for name in ("carol", "dave_k"):
        for n in range(3):
            await say(app, world, alice, partners, f"/assign @{name} {name} task {n} by wednesday")
    before = len(world.bot_messages(partners.chat_id))
    await tick_at(app, clock, TUESDAY_0900)
    [message] = world.bot_messages(partners.chat_id)[before:]
    for number in range(1, 7):
        assert f"#{number} " in message.text
    assert message.text.count("Carol") == 1  # each owner mentioned once
    assert message.text.count("Dave") == 1
    assert "is due Wed 25 Nov" in message.text
    assert await reminder_log(app, partners.chat_id) == ["sent"] * 6
    await tick_at(app, clock, TUESDAY_0900 + timedelta(minutes=5))
    assert len(world.bot_messages(partners.chat_id)) == before + 1  # once


async def test_a_persons_private_reminders_are_one_message_with_buttons_per_action(
    app, world: World, groups, clock
) -> None:
    partners, steering = groups
    alice, carol = world.people[101], world.people[103]
    private = world.private_chat(carol)
    await say(app, world, carol, private, "/start")
    for n in range(3):
        await say(app, world, alice, partners, f"/assign @carol Partners task {n} by wednesday")
    await say(app, world, carol, steering, "/assign me Steering task by wednesday")
    before = len(world.bot_messages(carol.user_id))
    await tick_at(app, clock, TUESDAY_0900)
    [message] = world.bot_messages(carol.user_id)[before:]
    assert "Partners task 0" in message.text
    assert "Steering task" in message.text
    labels = [label for label, _ in message.buttons()]
    assert len(labels) == 12
    assert len(set(labels)) == 12  # each group has its own #1: the buttons say which
    assert "Partners for… #2 Done" in labels
    assert "Steering Board #1 Done" in labels
    assert world.bot_messages(partners.chat_id)[-1].text.startswith("Recorded")  # nothing there
    await press(app, world, carol, message, "Partners for… #2 Done")
    action = await services_of(app).register.actions.get(partners.chat_id, 2)
    assert action.status is Status.DONE
    kept = next(m for m in world.bot_messages(carol.user_id) if m.message_id == message.message_id)
    assert "Partners task 0" in kept.text  # the message still lists the others
    remaining = [label for label, _ in kept.buttons()]
    assert "Partners for… #2 Done" not in remaining
    assert "Partners for… #1 Done" in remaining


async def test_many_private_reminders_are_split_within_telegrams_limits(
    app, world: World, groups, clock
) -> None:
    partners, _ = groups
    alice, carol = world.people[101], world.people[103]
    await say(app, world, carol, world.private_chat(carol), "/start")
    for n in range(40):
        await say(app, world, alice, partners, f"/assign @carol Task {n} {'x' * 80} by wednesday")
    before = len(world.bot_messages(carol.user_id))
    await tick_at(app, clock, TUESDAY_0900)
    messages = world.bot_messages(carol.user_id)[before:]
    assert 2 <= len(messages) <= 4
    assert all(len(m.buttons()) <= 100 and len(m.text) <= 4096 for m in messages)
    listed = "\n".join(m.text for m in messages)
    assert all(f"Task {n} " in listed for n in range(40))
    assert sum(len(m.buttons()) for m in messages) == 120
    assert await reminder_log(app, partners.chat_id) == ["sent"] * 40


async def test_a_failed_batch_is_retried_as_one_message_and_other_chats_get_theirs(
    app, world: World, groups, clock
) -> None:
    partners, steering = groups
    alice, carol = world.people[101], world.people[103]
    for n in range(3):
        await say(app, world, alice, partners, f"/assign @carol Task {n} by wednesday")
    await say(app, world, carol, steering, "/assign @alice Alice's task by wednesday")
    before = len(world.bot_messages(partners.chat_id))
    world.fail_chat(partners.chat_id, BotApiError(502, "Bad Gateway"), times=ATTEMPTS)
    await tick_at(app, clock, TUESDAY_0900)
    assert len(world.bot_messages(partners.chat_id)) == before
    assert world.bot_messages(steering.chat_id)[-1].text.startswith("Alice, reminder")
    assert await reminder_log(app, partners.chat_id) == ["failed"] * 3
    await tick_at(app, clock, TUESDAY_0900 + timedelta(minutes=1))
    [message] = world.bot_messages(partners.chat_id)[before:]
    assert all(f"Task {n}" in message.text for n in range(3))
    assert await reminder_log(app, partners.chat_id) == ["failed"] * 3 + ["sent"] * 3
