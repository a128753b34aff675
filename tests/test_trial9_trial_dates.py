"""New-user trial of issue 9, findings 2, 3, 5, 10, 14 and 16: due-date words left in
titles, "by 9", a time before "on the 4th", common UK phrasings and typos of day names,
"/actions overdue please", and readings that say how they were taken."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from localapi.world import World
from tests.helpers import assign_mine as assign
from tests.helpers import nothing_recorded

TRIAL_START = datetime(2026, 11, 26, 2, 42, tzinfo=UTC)  # Thu 26 Nov 2026, 02:42 in London


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(TRIAL_START)


pytestmark = pytest.mark.settings(WRITE_BURST="50")


def lines(reply: str) -> tuple[str, list[str]]:
    first, *rest = reply.splitlines()
    return first, [line.strip() for line in rest]


# --- 2: date words are read or refused, never left silently in the title ---------------


@pytest.mark.parametrize(
    ("text", "recorded", "note"),
    [
        (
            "Review the budget next month",
            "Review the budget — due Thu 31 Dec.",
            "I read 'next month' as Thu 31 Dec, the end of next month.",
        ),
        (
            "Review the budget this month",
            "Review the budget — due Mon 30 Nov.",
            "I read 'this month' as Mon 30 Nov, the end of this month.",
        ),
        ("Review the budget by the fifteenth", "Review the budget — due Tue 15 Dec.", None),
        (
            "Review the budget by the first of next month",
            "Review the budget — due Tue 1 Dec.",
            None,
        ),
        (
            "Review the budget in a couple of weeks",
            "Review the budget — due Thu 10 Dec.",
            "I read 'in a couple of weeks' as Thu 10 Dec.",
        ),
        (
            "Review the budget in the new year",
            "Review the budget — due Fri 1 Jan 2027.",
            "I read 'in the new year' as Fri 1 Jan 2027.",
        ),
        # "by next month" is still by its start, as before
        ("Review the budget by next month", "Review the budget — due Tue 1 Dec.", None),
    ],
)
async def test_date_words_at_the_end_of_a_title_are_read(
    app: Application, world: World, group, text: str, recorded: str, note: str | None
) -> None:
    first, rest = lines(await assign(app, world, group, text))
    assert first == f"Recorded #1 for Alice: {recorded}"
    if note is not None:
        assert note in rest


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Review the budget after Christmas", "after Christmas"),
        ("Review the budget after Friday", "after Friday"),
    ],
)
async def test_after_a_date_is_refused_as_no_due_date(
    app: Application, world: World, group, text: str, shown: str
) -> None:
    reply = await assign(app, world, group, text)
    assert f"{shown!r} says when to start, not when it is due" in reply
    assert f"like '… {shown} by " in reply  # how to keep the words and give a due date
    await nothing_recorded(app, world, group)


async def test_after_a_date_with_a_due_date_keeps_the_words(
    app: Application, world: World, group
) -> None:
    reply = await assign(app, world, group, "Review the budget after Christmas by 8 Jan")
    assert reply.splitlines()[0] == (
        "Recorded #1 for Alice: Review the budget after Christmas — due Fri 8 Jan 2027."
    )
