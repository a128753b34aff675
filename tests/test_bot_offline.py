"""The real Application through PTB, with Bot API calls answered in memory."""

from __future__ import annotations

import logging

import pytest
from telegram.ext import Application, CommandHandler

from app.context import services_of
from app.lifecycle import feed
from console.cast import Cast
from handlers.errors import APOLOGY
from handlers.fallback import UNKNOWN_COMMAND
from localapi.world import World
from tests.helpers import say


async def test_start_in_private_explains_accord_and_lists_commands(
    app: Application, world: World, cast: Cast
) -> None:
    alice = cast.first_person
    [reply] = await say(app, world, alice, world.private_chat(alice), "/start")
    assert reply.chat_id == alice.user_id
    assert "Accord keeps a partnership's work moving" in reply.text
    assert "/help — The commands you can use here" in reply.text
    assert "coordinators" not in reply.text.lower()


async def test_help_in_a_group_is_a_setup_guide_for_coordinators(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    [reply] = await say(app, world, world.people[102], group, "/help@accord_bot")  # an admin
    assert reply.chat_id == group.chat_id
    assert "Accord is set up in Partners for Health" in reply.text
    assert "creator and administrators are Accord's coordinators" in reply.text
    assert "/export — The register and its history as CSV files (coordinators)" in reply.text
    [member] = await say(app, world, world.people[103], group, "/help")  # Carol, a member
    assert member.text.startswith("Accord in Partners for Health")
    assert "/assign" in member.text
    assert "/export" not in member.text


async def test_group_title_is_escaped(app: Application, world: World, cast: Cast) -> None:
    group = world.add_group(-1009, "R&D <Board>", creator=cast.first_person)
    await feed(app, world.add_bot_to(group, cast.first_person))
    [reply] = await say(app, world, cast.first_person, group, "/start")
    assert "Accord is set up in R&D <Board>." in reply.text  # the world parsed valid HTML


async def test_command_menus_are_registered_per_scope(app: Application, world: World) -> None:
    names = {scope: [c["command"] for c in cmds] for scope, cmds in world.commands.items()}
    assert names["all_private_chats"] == [
        "start", "help", "mine", "done", "update", "reopen", "ask", "principles", "benefits",
        "challenges",
    ]  # fmt: skip
    assert names["default"] == names["all_private_chats"]
    assert names["all_group_chats"][:4] == ["start", "help", "assign", "actions"]
    assert {"export", "partner", "join", "coordinator", "who"} <= set(names["all_group_chats"])


async def test_chats_and_people_are_recorded(app: Application, world: World, cast: Cast) -> None:
    services = services_of(app)
    group = cast.groups["partners"]
    bob = world.people[102]
    await say(app, world, bob, group, "/help")
    stored_group = await services.chats.get(group.chat_id)
    assert stored_group.type == "supergroup"
    assert stored_group.title == "Partners for Health"
    assert stored_group.active is True
    stored_bob = await services.people.find_by_username("BOBBY_P")
    assert stored_bob.user_id == bob.user_id
    assert stored_bob.display_name == "Bob"
    assert stored_bob.has_private_chat is False

    await say(app, world, bob, world.private_chat(bob), "/start")
    assert (await services.people.get(bob.user_id)).has_private_chat is True
    assert (await services.chats.get(bob.user_id)).type == "private"


async def test_removal_marks_the_chat_inactive_and_return_reactivates(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["steering"]
    carol = world.people[103]
    await feed(app, world.remove_bot_from(group, carol))
    assert (await services_of(app).chats.get(group.chat_id)).active is False
    await feed(app, world.add_bot_to(group, carol))
    assert (await services_of(app).chats.get(group.chat_id)).active is True


async def test_unknown_commands(app: Application, world: World, cast: Cast) -> None:
    alice = cast.first_person
    [reply] = await say(app, world, alice, world.private_chat(alice), "/frobnicate")
    assert reply.text == UNKNOWN_COMMAND
    group = cast.groups["partners"]
    assert await say(app, world, alice, group, "/otherbotcommand") == []
    [reply] = await say(app, world, alice, group, "/frobnicate@accord_bot")
    assert reply.text == UNKNOWN_COMMAND


async def test_a_failing_handler_gets_an_apology_and_the_bot_keeps_going(
    app: Application, world: World, cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode(update, context) -> None:
        raise ZeroDivisionError("kaboom")

    app.handlers[0].insert(0, CommandHandler("explode", explode))  # ahead of the fallback
    alice = cast.first_person
    private = world.private_chat(alice)
    with caplog.at_level(logging.ERROR):
        [apology] = await say(app, world, alice, private, "/explode")
    assert apology.text == APOLOGY
    assert "Traceback" not in apology.text
    assert "kaboom" not in apology.text
    [logged] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert logged.getMessage().startswith("ZeroDivisionError while handling update ")
    assert "in explode" in logged.getMessage()  # where it failed, from the traceback
    [after] = await say(app, world, alice, private, "/help")
    assert "Commands" in after.text


async def test_network_error_while_replying_is_not_fatal(
    app: Application, world: World, cast: Cast
) -> None:
    from localapi.world import BotApiError

    alice = cast.first_person
    private = world.private_chat(alice)
    app.bot.request.first_delay = 0.0  # retry at once: this test is about the outcome
    for _ in range(4):  # more failures than the transport retries
        world.fail_next("sendMessage", BotApiError(502, "Bad Gateway"))
    assert await say(app, world, alice, private, "/help") == []
    [reply] = await say(app, world, alice, private, "/help")
    assert "Commands" in reply.text
