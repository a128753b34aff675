"""The command catalogue is the one source: /help, /help <command> and the README table."""

from __future__ import annotations

import re
from pathlib import Path

from telegram.ext import Application

from console.cast import Cast
from handlers.catalogue import catalogue_of
from localapi.world import World
from tests.helpers import say

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_commands() -> dict[str, str]:
    """Command name → the 'who' column, for every row of the README's command table."""
    found: dict[str, str] = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) != 3 or not cells[0].startswith("`/"):
            continue
        for name in re.findall(r"`/([a-z_]+)", cells[0]):
            found.setdefault(name, cells[1])
    return found


def test_the_readme_table_lists_exactly_the_catalogue(app: Application) -> None:
    catalogue = {command.name: command for command in catalogue_of(app).all()}
    documented = readme_commands()
    assert set(documented) == set(catalogue)
    for name, command in catalogue.items():
        if command.coordinators_only:
            assert documented[name].startswith("coordinators"), name


async def test_help_for_one_command(app: Application, world: World, cast: Cast) -> None:
    alice, group = world.people[101], cast.groups["partners"]
    [reply] = await say(app, world, alice, group, "/help assign")
    assert reply.text.startswith("/assign — Record an action and its owner")
    assert "Example: /assign @samira Draft the bid by Friday" in reply.text
    [reply] = await say(app, world, alice, world.private_chat(alice), "/help /export")
    assert "Who: coordinators; where: in your partnership's group." in reply.text
    [reply] = await say(app, world, alice, group, "/help frobnicate")
    assert reply.text.startswith("There is no command /frobnicate. Commands: /start, /help")
