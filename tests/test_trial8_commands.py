"""Trial 8, bugs 11-14: several numbers after /done, several days in a nudge schedule,
owners who can't be, and a reply-assign to Accord's own message."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from domain.model import OPEN_STATUSES
from localapi.world import World
from tests.helpers import say

pytestmark = pytest.mark.settings(WRITE_BURST="40")


async def one(app: Application, world: World, group, person: int, text: str) -> str:
    replies = await say(app, world, world.people[person], group, text)
    assert len(replies) == 1, [r.text for r in replies]
    return replies[0].text


async def open_numbers(app: Application, group) -> list[int]:
    from app.builder import services_of

    actions = await services_of(app).register.actions.in_chat(group.chat_id, OPEN_STATUSES)
    return [a.number for a in actions]


async def test_done_with_several_numbers_closes_each(app: Application, world: World, group) -> None:
    for title in ("One", "Two", "Three", "Four"):
        await one(app, world, group, 102, f"/assign me {title}")
    reply = await one(app, world, group, 102, "/done 1 2, #3")
    assert reply.splitlines() == [
        "Closed 3 actions:",
        "Done: #1 One. Thank you!",
        "Done: #2 Two. Thank you!",
        "Done: #3 Three. Thank you!",
    ]
    assert await open_numbers(app, group) == [4]


async def test_done_with_several_numbers_reports_each_refusal(
    app: Application, world: World, group
) -> None:
    await one(app, world, group, 102, "/assign me Bob's")
    await one(app, world, group, 103, "/assign me Carol's")
    reply = await one(app, world, group, 103, "/done 1 2 9 sent")
    lines = reply.splitlines()
    assert lines[0] == "Closed 1 of 3 actions:"
    assert lines[1].startswith("#1: Only #1's owner (Bob) or a coordinator")
    assert lines[2] == "Done: #2 Carol's. Thank you!"
    assert lines[3].startswith("#9: ")
    assert await open_numbers(app, group) == [1]


async def test_done_with_a_note_that_starts_with_words_is_one_action(
    app: Application, world: World, group
) -> None:
    for title in ("One", "Two"):
        await one(app, world, group, 102, f"/assign me {title}")
    reply = await one(app, world, group, 102, "/done 1 sent to the board 2 copies")
    assert reply == "Done: #1 One. Thank you!"
    assert await open_numbers(app, group) == [2]


async def test_done_with_a_number_twice_closes_it_once(
    app: Application, world: World, group
) -> None:
    await one(app, world, group, 102, "/assign me One")
    reply = await one(app, world, group, 102, "/done 1 #1 finished")
    assert reply == "Done: #1 One. Thank you!"
    [history] = await say(app, world, world.people[102], group, "/history 1")
    assert "done: finished" in history.text


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ("digest weekly mon,wed 09:00", "on one day a week"),
        ("digest weekly mon, wed 09:00", "on one day a week"),
        ("digest weekly mon wed 09:00", "on one day a week"),
        ("digest weekly mon and wed 09:00", "on one day a week"),
        ("digest weekly monkey 09:00", "'monkey' is not a day of the week"),
        ("digest weekly mon 09:00 please", "not a time"),
        ("digest on please", "Usage"),
        ("reminders off please", "Usage"),
    ],
)
async def test_a_nudge_schedule_with_words_it_cant_use_is_refused(
    app: Application, world: World, group, arguments: str, problem: str
) -> None:
    reply = await one(app, world, group, 101, f"/nudges {arguments}")
    assert problem in reply
    shown = await one(app, world, group, 101, "/nudges")
    assert "Digest: weekly on Monday at 09:00" in shown  # unchanged: the default
    assert "Reminders: on" in shown


async def test_a_full_day_name_is_still_a_day(app: Application, world: World, group) -> None:
    reply = await one(app, world, group, 101, "/nudges digest weekly Wednesday 3pm")
    assert "Digest: weekly on Wednesday at 15:00" in reply
    reply = await one(app, world, group, 101, "/nudges checkin weekly thurs at 9am")
    assert "Check-in: weekly on Thursday at 09:00" in reply


@pytest.mark.parametrize("arguments", ["8pm-8am please", "8pm-8am weekend", "off now", "8pm"])
async def test_quiet_hours_with_words_it_cant_use_are_refused(
    app: Application, world: World, group, arguments: str
) -> None:
    await one(app, world, group, 101, f"/quiet {arguments}")
    shown = await one(app, world, group, 101, "/nudges")
    assert "Quiet hours: none" in shown


@pytest.mark.parametrize(
    "text",
    [
        "/assign @accord_bot Book the room",
        "/assign @Accord_Bot Book the room",
        "/assign @carol Book the room with @accord_bot",
    ],
)
async def test_accord_itself_can_own_or_support_nothing(
    app: Application, world: World, group, text: str
) -> None:
    reply = await one(app, world, group, 101, text)
    assert "@accord_bot is me, Accord" in reply
    assert await open_numbers(app, group) == []


async def test_accord_itself_cant_be_given_an_action(app: Application, world: World, group) -> None:
    await one(app, world, group, 101, "/assign @carol Book the room")
    reply = await one(app, world, group, 101, "/reassign 1 @accord_bot")
    assert "@accord_bot is me, Accord" in reply
    reply = await one(app, world, group, 101, "/reassign 1 @xyz")
    assert "@xyz can't be a Telegram username" in reply
    [listing] = await say(app, world, world.people[101], group, "/actions")
    assert "Carol" in listing.text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("/assign @xyz Book the room", "@xyz"),
        ("/assign @abcd Book the room", "@abcd"),
        ("/assign @carol Book the room with @xyz", "@xyz"),
        (
            "/assign @a_very_long_username_that_exceeds_thirty_two_characters Book the room",
            "@a_very_long_username_that_exceeds_thirty_two_characters",
        ),
    ],
)
async def test_a_name_no_telegram_username_can_be_is_refused(
    app: Application, world: World, group, text: str, shown: str
) -> None:
    reply = await one(app, world, group, 101, text)
    assert f"{shown} can't be a Telegram username" in reply
    assert "5 to 32" in reply
    assert await open_numbers(app, group) == []


async def test_a_short_near_miss_offers_the_names_but_not_keeping_it(
    app: Application, world: World, group
) -> None:
    replies = await say(app, world, world.people[101], group, "/assign @caro Book the room")
    [question] = replies
    assert question.text.startswith("I haven't seen @caro in this group. Did you mean @carol?")
    assert "@caro can't be a Telegram username" in question.text
    assert [label for label, _ in question.buttons()] == ["Assign to @carol", "Cancel"]
    assert await open_numbers(app, group) == []


async def test_a_long_name_gets_no_mention_entity_in_the_world(world: World) -> None:
    from localapi.world import find_entities

    long = "@a_very_long_username_that_exceeds_thirty_two_characters"
    assert [e for e in find_entities(f"/assign {long} x") if e["type"] == "mention"] == []
    [mention] = [e for e in find_entities("/assign @carol_b x") if e["type"] == "mention"]
    assert (mention["offset"], mention["length"]) == (8, 8)
    assert [e for e in find_entities("/assign @car x") if e["type"] == "mention"] == []
    name32 = "@" + "a" * 32
    assert [e["length"] for e in find_entities(name32) if e["type"] == "mention"] == [33]


async def test_a_seen_person_keeps_their_name(app: Application, world: World, group) -> None:
    reply = await one(app, world, group, 101, "/assign @bobby_p Book the room")  # the cast's
    assert reply.startswith("Recorded #1 for Bob")
    reply = await one(app, world, group, 101, "/assign @new_person Book the hall")
    assert reply.startswith("Recorded #2 for @new_person")


async def reply_to(app: Application, world: World, group, person: int, text: str, message) -> str:
    from app.lifecycle import feed

    before = len(world.bot_messages())
    await feed(app, world.user_says(world.people[person], group, text, reply_to=message.message_id))
    [answer] = world.bot_messages()[before:]
    return answer.text


@pytest.mark.parametrize("text", ["/assign @bobby_p by Monday", "/assign @bobby_p", "/assign"])
async def test_a_reply_assign_to_accords_own_message_is_refused(
    app: Application, world: World, group, text: str
) -> None:
    [usage_error] = await say(app, world, world.people[101], group, "/assign @bobby_p")
    answer = await reply_to(app, world, group, 101, text, usage_error)
    assert "reply to the message that says what the action is, not to mine" in answer.lower()
    assert await open_numbers(app, group) == []


async def test_a_whole_assign_replying_to_accord_is_recorded(
    app: Application, world: World, group
) -> None:
    [usage_error] = await say(app, world, world.people[101], group, "/assign @bobby_p")
    answer = await reply_to(
        app, world, group, 101, "/assign @bobby_p Draft the bid by Friday", usage_error
    )
    assert answer.startswith("Recorded #1 for Bob: Draft the bid — due Fri 27 Nov.")


async def test_a_reply_assign_to_a_person_still_takes_their_words(
    app: Application, world: World, group
) -> None:
    await say(app, world, world.people[103], group, "Send the minutes")
    minutes = next(m for m in world.messages if m.text == "Send the minutes")
    answer = await reply_to(app, world, group, 101, "/assign @bobby_p by Friday", minutes)
    assert answer.startswith("Recorded #1 for Bob: Send the minutes — due Fri 27 Nov.")


async def test_done_with_several_numbers_in_private_is_refused(
    app: Application, world: World, group
) -> None:
    for title in ("One", "Two"):
        await one(app, world, group, 102, f"/assign me {title}")
    bob = world.people[102]
    [reply] = await say(app, world, bob, world.private_chat(bob), "/done 1 2")
    assert "In a private chat, close one action at a time" in reply.text
    assert await open_numbers(app, group) == [1, 2]
