"""Trial 8, bugs 9 and 10: /actions with a filter it doesn't know says so and lists the
ones it does; /who says how many more matched, ranks whole-word matches first and
matches words across punctuation."""

from __future__ import annotations

from dataclasses import replace

import pytest
from telegram.ext import Application

from localapi.world import World
from tests.helpers import say

pytestmark = pytest.mark.settings(WRITE_BURST="100")


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
    assert reply.endswith("a partner name (none here yet), and page N.")  # not clipped


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


def flood_items(count: int) -> list:
    from datetime import UTC, datetime

    from domain.model import Action, Status

    now = datetime(2026, 11, 25, tzinfo=UTC)
    return [
        Action(n, -1, n, f"Flood item {n}", 1, None, "Bob", None, None, Status.OPEN, None,
               None, 1, now, now, None)
        for n in range(1, count + 1)
    ]  # fmt: skip


def test_a_number_matches_only_itself() -> None:
    from register.matching import best_matches

    numbers = [a.number for a in best_matches("flood item 42", flood_items(500))]
    assert numbers == [42]


def test_whole_word_matches_rank_first() -> None:
    from register.matching import best_matches

    first, second = flood_items(2)
    actions = [replace(first, title="Budgets review"), replace(second, title="Budget report")]
    assert [a.title for a in best_matches("budget", actions)] == ["Budget report", "Budgets review"]


async def test_who_says_how_many_more_matched(app: Application, world: World, group) -> None:
    lines = "\n".join(f"me Flood item {n}" for n in range(1, 26))
    await alice(app, world, group, f"/assign\n{lines}")
    reply = await alice(app, world, group, "/who flood")
    assert reply.count("Flood item") == 10
    assert reply.splitlines()[-1] == "…and 15 more: narrow it down or see /actions"
    reply = await alice(app, world, group, "/who flood item 12")
    assert "#12 Flood item 12" in reply
    assert "Flood item 1 " not in reply
    assert "more:" not in reply
    assert reply.count("Flood item") == 1


@pytest.mark.parametrize("query", ["done_ish", "done-ish", "done ish", "DONE_ISH"])
async def test_who_matches_words_across_punctuation(
    app: Application, world: World, group, query: str
) -> None:
    await alice(app, world, group, "/assign me Tidy the done_ish list")
    await alice(app, world, group, "/assign me Something else")
    reply = await alice(app, world, group, f"/who {query}")
    assert "Tidy the done_ish list" in reply
    assert "Something else" not in reply
