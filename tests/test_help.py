"""Help (issue 9): /help <command> gives usage, who and examples for every command, from
the catalogue; a command one typo from one of Accord's gets "did you mean"."""

from __future__ import annotations

from telegram.ext import Application

from console.cast import Cast
from handlers.catalogue import catalogue_of
from localapi.world import World
from register.usage import USAGE
from tests.helpers import say


async def test_help_assign_shows_usage_who_and_examples(
    app: Application, world: World, cast: Cast
) -> None:
    alice, group = world.people[101], cast.groups["partners"]
    [reply] = await say(app, world, alice, group, "/help assign")
    lines = reply.text.splitlines()
    assert lines[0] == "/assign — Record an action and its owner"
    assert "Usage: /assign @name <what> [by <when>]" in reply.text
    assert "Example: /assign @samira Draft the bid by Friday" in reply.text
    assert "/assign me Book the venue tomorrow 5pm" in reply.text
    assert "Who: coordinators (anyone, for themselves with me)" in reply.text


async def test_every_command_has_usage_and_help(app: Application, world: World, cast: Cast) -> None:
    """One source: every command in the catalogue has its usage; /help shows it."""
    alice, group = world.people[101], cast.groups["partners"]
    catalogue = catalogue_of(app).all()
    assert {c.name for c in catalogue} == set(USAGE)
    for command in catalogue:
        usage = USAGE[command.name]
        assert command.example in usage.examples, command.name
        [reply] = await say(app, world, alice, group, f"/help {command.name}")
        assert f"Usage: {usage.syntax[0]}" in reply.text, command.name
        assert "Who: " in reply.text, command.name
        assert "Example: " in reply.text, command.name


async def test_help_for_the_new_commands(app: Application, world: World, cast: Cast) -> None:
    alice, group = world.people[101], cast.groups["partners"]
    [reply] = await say(app, world, alice, group, "/help edit")
    assert "Usage: /edit <#> <new title>" in reply.text
    assert "Who: the action's owner, coordinators" in reply.text
    [reply] = await say(app, world, alice, group, "/help reopen")
    assert "Usage: /reopen <#>" in reply.text
    assert "Who: the owner (for their own done), coordinators (any)" in reply.text


async def test_a_typo_in_a_group_gets_did_you_mean(
    app: Application, world: World, cast: Cast
) -> None:
    alice, group = world.people[101], cast.groups["partners"]
    [reply] = await say(app, world, alice, group, "/asign @bobby_p Draft the bid")
    assert reply.text == "Did you mean /assign? Send /help assign for how to use it."
    [reply] = await say(app, world, alice, group, "/hisotry 3")
    assert reply.text == "Did you mean /history? Send /help history for how to use it."
    assert await say(app, world, alice, group, "/frobnicate") == []  # maybe another bot's
    assert await say(app, world, alice, group, "/ban @bobby_p") == []  # far from any of ours
    assert await say(app, world, alice, group, "/asign@other_bot x") == []  # not ours
    [reply] = await say(app, world, alice, group, "/frobnicate@accord_bot")
    assert reply.text == "I don't know that command. Send /help for the list."
    [reply] = await say(app, world, alice, world.private_chat(alice), "/mien")
    assert reply.text == "Did you mean /mine? Send /help mine for how to use it."
