"""Trial 9, late findings 1-5: counts that look like dates, "week commencing", how
"next week" and "before Friday" are read, and courtesy words after a due date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram.ext import Application

from localapi.world import World
from tests.helpers import assign_mine as assign
from tests.helpers import say

THURSDAY = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # Thu 26 Nov 2026, 10:00 in London


pytestmark = [pytest.mark.settings(WRITE_BURST="50"), pytest.mark.now(THURSDAY)]


@pytest.mark.parametrize(
    "title",
    [
        "Check items 1/2",
        "Read pages 3/4",
        "Agree actions 2/3",
        "Finish step 1/2",
        "Review chapters 5/6",
    ],
)
async def test_a_count_that_looks_like_a_date_stays_in_the_title(
    app: Application, world: World, group, title: str
) -> None:
    reply = await assign(app, world, group, title)
    assert reply.splitlines()[0] == f"Recorded #1 for Alice: {title} — no due date."


@pytest.mark.parametrize(
    ("text", "recorded"),
    [
        ("Send report 31/12", "Send report — due Thu 31 Dec."),
        ("Check items by 1/12", "Check items — due Tue 1 Dec."),
        ("Check items 1/2 by Friday", "Check items 1/2 — due Fri 27 Nov."),
    ],
)
async def test_a_date_after_other_words_is_still_read(
    app: Application, world: World, group, text: str, recorded: str
) -> None:
    reply = await assign(app, world, group, text)
    assert reply.splitlines()[0] == f"Recorded #1 for Alice: {recorded}"


@pytest.mark.parametrize(
    "text",
    [
        "Report by the week commencing 7th Dec",
        "Report week commencing 7 Dec",
        "Report by week beginning 7 Dec",
        "Report the week beginning 7th December",
        "Report w/b 7 Dec",
        "Report by w/b 7 Dec",
        "Report w/c 7 Dec",
    ],
)
async def test_week_commencing_is_read_like_w_c(
    app: Application, world: World, group, text: str
) -> None:
    reply = await assign(app, world, group, text)
    assert reply.splitlines()[0] == "Recorded #1 for Alice: Report — due Mon 7 Dec."


@pytest.mark.parametrize("text", ["Report next week", "Report by next week"])
async def test_next_week_says_how_it_was_read(
    app: Application, world: World, group, text: str
) -> None:
    first, *rest = (await assign(app, world, group, text)).splitlines()
    assert first == "Recorded #1 for Alice: Report — due Mon 30 Nov."
    phrase = text.removeprefix("Report ")
    assert f"I read {phrase!r} as Mon 30 Nov." in rest


@pytest.mark.parametrize(
    ("text", "recorded", "note"),
    [
        (
            "Report before Friday",
            "Report — due Thu 26 Nov.",
            "I read 'before Friday' as Thu 26 Nov, the day before",
        ),
        ("Report before 4/12", "Report — due Thu 3 Dec.", "I read 'before 4/12' as Thu 3 Dec"),
        (
            "Report due before Mon 30 Nov",
            "Report — due Sun 29 Nov.",
            "I read 'due before Mon 30 Nov' as Sun 29 Nov",
        ),
        # a time of day is its own deadline: before 3pm is by 3pm
        ("Report before 3pm Friday", "Report — due Fri 27 Nov 15:00.", None),
    ],
)
async def test_before_a_day_is_the_day_before(
    app: Application, world: World, group, text: str, recorded: str, note: str | None
) -> None:
    first, *rest = (await assign(app, world, group, text)).splitlines()
    assert first == f"Recorded #1 for Alice: {recorded}"
    if note is not None:
        assert any(note in line for line in rest), rest


@pytest.mark.parametrize(
    "text",
    [
        "Report by Friday, please",
        "Report by Friday please",
        "Report by Friday pls",
        "Report by Friday, thanks!",
        "Report by Friday thank you",
        "Report by Friday - cheers",
        "Report by Friday, ta",
        "Report by Friday if possible",
        "Report by Friday, asap",
        "Report Friday please",
    ],
)
async def test_courtesy_words_after_the_due_date_are_dropped(
    app: Application, world: World, group, text: str
) -> None:
    reply = await assign(app, world, group, text)
    assert reply.splitlines()[0] == "Recorded #1 for Alice: Report — due Fri 27 Nov."


@pytest.mark.parametrize("title", ["Send the report asap", "Send the report please"])
async def test_asap_or_please_alone_is_no_due_date(
    app: Application, world: World, group, title: str
) -> None:
    """ "asap" names no day: it stays in the title, with no due date guessed."""
    reply = await assign(app, world, group, title)
    assert reply.splitlines()[0] == f"Recorded #1 for Alice: {title} — no due date."


async def test_due_takes_courtesy_words_too(app: Application, world: World, group) -> None:
    await assign(app, world, group, "Report")
    [reply] = await say(app, world, world.people[101], group, "/due 1 Friday please")
    assert "Fri 27 Nov" in reply.text
