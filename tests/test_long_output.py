"""Nothing Accord sends is too long for Telegram: echoed input is clipped, a long line is
split, and long listings come a page at a time with a way to the next page."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from app.context import services_of
from localapi.world import MAX_TEXT, SentMessage
from storage.actions import NewAction
from tests.helpers import press, say, toasts

pytestmark = pytest.mark.settings(
    WRITE_BURST="100000"
)  # These tests fill a register fast; the flood limits have tests of their own.


def one_short_reply(replies: list[SentMessage]) -> SentMessage:
    [only] = replies
    assert 0 < len(only.text) < MAX_TEXT
    return only


async def add_actions(app: Application, chat_id: int, owner: int, count: int) -> None:
    """Many actions straight into the register (typing them would take the test long)."""
    repository = services_of(app).register.actions
    now = services_of(app).clock.now()
    for number in range(count):
        new = NewAction(
            chat_id, f"Task {number} <&> ünïcödé 🙂", owner, None, None, None, owner, None
        )
        await repository.create(new, now)


async def test_echoed_input_is_clipped(app, world, group) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/partner add City Council")
    reply = one_short_reply(await say(app, world, alice, group, "/join " + "z" * 4090))
    assert "There is no partner called" in reply.text
    assert "z" * 100 not in reply.text
    await say(app, world, alice, group, "/assign me Something")
    reply = one_short_reply(await say(app, world, alice, group, "/due 1 " + "qx " * 1333))
    assert "too long" in reply.text
    assert "qx " * 40 not in reply.text
    reply = one_short_reply(await say(app, world, alice, group, "/who " + "w" * 4000))
    assert "No open action matches" in reply.text


async def test_a_typo_among_many_partners_does_not_list_them_all(app, world, group) -> None:
    alice = world.people[101]
    for number in range(56):
        await say(app, world, alice, group, f"/partner add Organisation {number} " + "p" * 60)
    reply = one_short_reply(await say(app, world, alice, group, "/join typo"))
    assert "/partners" in reply.text


async def test_partners_with_70_long_named_members_are_all_shown(app, world, group) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/partner add City Council")
    for number in range(70):
        person = world.add_person(5000 + number, f"Member{number:02d} " + "Longname" * 7)
        group.members[person.user_id] = "member"
        await say(app, world, person, group, "/join City Council")
    [first] = await say(app, world, alice, group, "/partners")
    assert first.text.startswith("Partners in Partners for Health")
    assert len(first.text) < MAX_TEXT
    shown = first.text
    message = first
    while any(label == "Next ›" for label, _ in message.buttons()):
        await press(app, world, alice, message, "Next ›")
        message = world.bot_messages(group.chat_id)[-1]  # edited in place
        assert message.message_id == first.message_id
        shown += message.text
    assert all(f"Member{n:02d}" in shown for n in range(70))


async def test_2000_actions_come_a_page_at_a_time(app, world, group) -> None:
    alice, carol = world.people[101], world.people[103]
    await add_actions(app, group.chat_id, alice.user_id, 2000)
    replies = await say(app, world, carol, group, "/actions")
    page = one_short_reply(replies)
    assert "Page 1 of " in page.text
    assert "/export" in page.text
    assert "#1 Task 0" in page.text
    assert [label for label, _ in page.buttons()] == ["Next ›"]
    await press(app, world, carol, page, "Next ›")
    turned = world.bot_messages(group.chat_id)[-1]
    assert turned.message_id == page.message_id
    assert "Page 2 of " in turned.text
    assert "#1 Task 0" not in turned.text
    assert [label for label, _ in turned.buttons()] == ["‹ Previous", "Next ›"]
    typed = one_short_reply(await say(app, world, carol, group, "/actions page 2"))
    assert typed.text == turned.text
    last = one_short_reply(await say(app, world, carol, group, "/actions page 9999"))
    assert "#2000 Task 1999" in last.text
    assert [label for label, _ in last.buttons()] == ["‹ Previous"]
    mine = one_short_reply(await say(app, world, alice, group, "/mine"))
    assert "Page 1 of " in mine.text
    await press(app, world, carol, mine, "Next ›")  # Alice's list: not Carol's to turn
    assert toasts(world)[-1].startswith("This list is someone else's")
    await press(app, world, alice, mine, "Next ›")
    assert "Page 2 of " in world.bot_messages(group.chat_id)[-1].text
    who = one_short_reply(await say(app, world, carol, group, "/who task"))  # the 10 best
    assert "#10 Task 9" in who.text


async def test_page_buttons_stay_in_their_chat(app, world, cast, group) -> None:
    """A page press shows that chat's register, whatever the button says."""
    from app.lifecycle import feed

    alice, carol = world.people[101], world.people[103]
    steering = cast.groups["steering"]
    await add_actions(app, group.chat_id, alice.user_id, 300)
    await say(app, world, carol, steering, "/assign me Steering only")
    [listing] = await say(app, world, carol, steering, "/actions")
    await feed(app, world.user_presses(carol, listing, "pg:actions:2:"))
    assert "Task" not in world.bot_messages(steering.chat_id)[-1].text
    assert "Steering only" in world.bot_messages(steering.chat_id)[-1].text
    await feed(app, world.user_presses(carol, listing, "pg:nosuch:2:"))
    assert toasts(world)[-1].startswith("This button no longer works")
    await feed(app, world.user_presses(carol, listing, "pg:history:2:abc"))
    assert toasts(world)[-1].startswith("Which action?")


async def test_history_after_300_notes_is_paged(app, world, group) -> None:
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, group, "/assign me Long running")
    from zoneinfo import ZoneInfo

    from domain.model import Actor, ChatScope

    services = services_of(app)
    scope = ChatScope(group.chat_id, group.title, ZoneInfo("Europe/London"))
    actor = Actor(alice.user_id, "Alice", True)
    for number in range(300):
        note = f"Note {number} " + "n" * 50
        await services.register.update(scope, actor, 1, note, services.clock.now())
    page = one_short_reply(await say(app, world, carol, group, "/history 1"))
    assert "Page 1 of " in page.text
    assert page.text.startswith("#1 Long running")
    await press(app, world, carol, page, "Next ›")
    assert world.bot_messages(group.chat_id)[-1].text.startswith("#1 Long running")
    typed = one_short_reply(await say(app, world, carol, group, "/history 1 page 2"))
    assert "Page 2 of " in typed.text


async def test_unanswered_pages_only_for_coordinators(app, world, group) -> None:
    alice, carol = world.people[101], world.people[103]
    guidance = services_of(app).guidance
    for number in range(30):
        await guidance.log_unanswered(
            group.chat_id,
            carol.user_id,
            f"Question {number} " + "q" * 280,
            services_of(app).clock.now(),
        )
    page = one_short_reply(await say(app, world, alice, group, "/unanswered"))
    assert "Page 1 of " in page.text
    await press(app, world, carol, page, "Next ›")
    assert toasts(world)[-1].startswith("Only coordinators")
    await press(app, world, alice, page, "Next ›")
    assert "Page 2 of " in world.bot_messages(group.chat_id)[-1].text


async def test_register_questions_answered_through_guidance_are_paged(app, world, group) -> None:
    alice = world.people[101]
    await add_actions(app, group.chat_id, alice.user_id, 500)
    private = world.private_chat(alice)
    replies = await say(app, world, alice, private, "what are my actions?")
    page = one_short_reply(replies)
    assert "Page 1 of " in page.text


@pytest.mark.parametrize(
    "command",
    [
        "/assign me {}",
        "/due 1 {}",
        "/who {}",
        "/join {}",
        "/partner add {}",
        "/partner remove {}",
        "/timezone {}",
        "/quiet {}",
        "/nudges digest weekly {} 09:00",
        "/update 1 {}",
        "/done 1 {}",
        "/drop 1 {}",
        "/history {}",
        "/reassign 1 {}",
        "/coordinator add {}",
        "/actions {}",
        "/actions {} page 2",
        "/ask {}",
    ],
)
async def test_every_command_with_4kb_arguments_gets_a_short_reply(
    app, world, group, command: str
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Something")
    await say(app, world, alice, group, "/partner add City Council")
    replies = await say(app, world, alice, group, command.format("Zq" * 2000))
    assert replies, "silent"
    assert all(0 < len(r.text) < MAX_TEXT for r in replies)
    assert len(replies) == 1
