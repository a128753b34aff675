"""Trial 8, bugs 9 and 10: /actions with a filter it doesn't know says so and lists the
ones it does; /who says how many more matched, ranks whole-word matches first and
matches words across punctuation."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram.ext import Application

from config.settings import Settings, load_settings
from localapi.world import World
from tests.helpers import say


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        {"DATABASE_PATH": str(tmp_path / "accord.sqlite3"), "WRITE_BURST": "100"}, env_file=None
    )


async def alice(app: Application, world: World, group, text: str) -> str:
    replies = await say(app, world, world.people[101], group, text)
    assert len(replies) == 1
    return replies[0].text


@pytest.mark.parametrize(
    ("arguments", "shown"),
    [
        ("carol", "'carol'"),
        ("page -1", "'page -1'"),
        ("page 2 page 3", "'page 2'"),
        ("%", "'%'"),
        ("page 9223372036854775808", "'page 9223372036854775808'"),
    ],
)
async def test_an_unknown_filter_is_named_with_the_filters_known(
    app: Application, world: World, group, arguments: str, shown: str
) -> None:
    await alice(app, world, group, "/assign me Book the room")
    reply = await alice(app, world, group, f"/actions {arguments}")
    assert "no partner organisations yet" not in reply
    assert f"I don't know the filter {shown}" in reply
    assert "overdue, done, all, me, @name" in reply


async def test_a_person_written_without_at_is_suggested(
    app: Application, world: World, group
) -> None:
    reply = await alice(app, world, group, "/actions carol")
    assert "Did you mean /actions @carol?" in reply


async def test_a_close_partner_name_is_suggested(app: Application, world: World, group) -> None:
    await alice(app, world, group, "/partner add City Council")
    reply = await alice(app, world, group, "/actions Citty Council")
    assert "I don't know the filter 'Citty Council'" in reply
    assert "Did you mean /actions City Council?" in reply
    # and a known partner is still a filter
    reply = await alice(app, world, group, "/actions city council")
    assert "Open actions of City Council" in reply


async def test_page_n_still_pages(app: Application, world: World, group) -> None:
    await alice(app, world, group, "/assign me Book the room")
    reply = await alice(app, world, group, "/actions page 1")
    assert "Book the room" in reply
