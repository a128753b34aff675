"""Due dates as people write them, through the real Application: the messages quoted in
issue 9, each answered with the date meant, how an ambiguous one was read, or a refusal
whose examples are still to come (and nothing recorded)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from config.settings import Settings, SettingsError, load_settings
from localapi.world import World
from tests.helpers import say

WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 25 Nov 2026, as in the issue


# Writes enough for one person's dozen /assigns in a row.
pytestmark = [pytest.mark.settings(WRITE_BURST="50"), pytest.mark.now(WEDNESDAY)]


async def assign(app: Application, world: World, group, text: str) -> str:
    [reply] = await say(app, world, world.people[101], group, f"/assign @bobby_p {text}")
    return reply.text


@pytest.mark.parametrize(
    ("text", "recorded"),
    [
        # Silently kept in the title before, with no due date:
        ("Draft the carers' survey 31/12", "Draft the carers' survey — due Thu 31 Dec."),
        ("Draft the carers' survey next Tues", "Draft the carers' survey — due Tue 1 Dec."),
        ("Draft the carers' survey by christmas", "Draft the carers' survey — due Fri 25 Dec."),
        ("Draft the carers' survey end of next month", "survey — due Thu 31 Dec."),
        # Refused before, though clear:
        ("Book the venue by the 15th", "Book the venue — due Tue 15 Dec."),
        ("Book the venue by end of next month", "Book the venue — due Thu 31 Dec."),
        ("Book the venue by the end of January", "Book the venue — due Sun 31 Jan 2027."),
        ("Book the venue by 31st", "Book the venue — due Thu 31 Dec."),
        ("Book the venue by close of play Friday", "Book the venue — due Fri 27 Nov."),
        ("Book the venue by 2 weeks time", "Book the venue — due Wed 9 Dec."),
    ],
)
async def test_the_issues_dates_are_read(
    app: Application, world: World, group, text: str, recorded: str
) -> None:
    reply = await assign(app, world, group, text)
    assert reply.startswith("Recorded #1 for Bob: ")
    assert recorded in reply.splitlines()[0]


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("Send the minutes by 05/12", "I read 'by 05/12' as Sat 5 Dec."),
        ("Send the minutes Monday week", "I read 'Monday week' as Mon 7 Dec."),
        ("Send the minutes mid-January", "I read 'mid-January' as Fri 15 Jan 2027."),
        ("Send the minutes by end of Q1", "I read 'by end of Q1' as Wed 31 Mar 2027."),
    ],
)
async def test_an_ambiguous_date_says_how_it_was_read(
    app: Application, world: World, group, text: str, note: str
) -> None:
    reply = await assign(app, world, group, text)
    assert reply.splitlines()[1] == note


async def test_a_plain_date_has_no_note(app: Application, world: World, group) -> None:
    reply = await assign(app, world, group, "Send the minutes by Friday")
    assert reply.splitlines()[0].endswith("— due Fri 27 Nov.")
    assert "I read" not in reply


@pytest.mark.parametrize(
    "text",
    [
        "Draft the carers' survey by next Thursdy",
        "Draft the carers' survey next Thursdy",
        "Draft the carers' survey by the end of the quater",
        "Draft the carers' survey 31/13",
        "Draft the carers' survey by Chrismas",
        "Draft the carers' survey by early January",
    ],
)
async def test_a_date_that_cant_be_read_is_refused_with_future_examples(
    app: Application, world: World, group, text: str
) -> None:
    reply = await assign(app, world, group, text)
    assert "Recorded" not in reply
    examples = [date.fromisoformat(found) for found in re.findall(r"\d{4}-\d{2}-\d{2}", reply)]
    assert all(example > WEDNESDAY.date() for example in examples)
    assert "2026-01-31" not in reply
    [listing] = await say(app, world, world.people[101], group, "/actions")
    assert "none" in listing.text  # nothing recorded


async def test_the_refusal_hint_is_always_in_the_future(
    app: Application, world: World, group, clock: FrozenClock
) -> None:
    [reply] = await say(app, world, world.people[101], group, "/assign @bobby_p X by Fridya")
    assert "Try: Friday, next Tuesday, the 15th, 4 Jan, in 2 weeks" in reply.text
    assert "2027-02-08" in reply.text


async def test_due_says_how_it_read_an_ambiguous_date(
    app: Application, world: World, group
) -> None:
    await assign(app, world, group, "Send the minutes")
    [reply] = await say(app, world, world.people[101], group, "/due 1 05/12")
    assert "now due Sat 5 Dec." in reply.text
    assert "I read '05/12' as Sat 5 Dec." in reply.text


class TestMonthFirst:
    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        return load_settings(
            {"DATABASE_PATH": str(tmp_path / "accord.sqlite3"), "DATE_ORDER": "mdy"},
            env_file=None,
        )

    async def test_numeric_dates_are_read_month_first(
        self, app: Application, world: World, group
    ) -> None:
        reply = await assign(app, world, group, "Send the minutes by 12/05")
        assert "due Sat 5 Dec." in reply
        assert "I read 'by 12/05' as Sat 5 Dec." in reply
        reply = await assign(app, world, group, "Send the minutes by 31/12")
        assert "'31/12' is not a real date (dates are read month/day)" in reply

    async def test_several_lines_are_read_month_first_too(
        self, app: Application, world: World, group
    ) -> None:
        alice = world.people[101]
        [reply] = await say(
            app, world, alice, group, "/assign\n@bobby_p Send the minutes by 12/05\nme Book it"
        )
        assert "due Sat 5 Dec" in reply.text, reply.text


def test_date_order_is_validated(tmp_path: Path) -> None:
    environ = {"DATABASE_PATH": str(tmp_path / "a.sqlite3")}
    assert load_settings(environ, env_file=None).date_order == "DMY"
    with pytest.raises(SettingsError, match=r"DATE_ORDER.*'YMD' is not DMY"):
        load_settings(environ | {"DATE_ORDER": "YMD"}, env_file=None)


async def test_a_past_or_impossible_date_is_refused_with_future_examples(
    app: Application, world: World, group
) -> None:
    for text in ("Send the minutes by 24/11", "Send the minutes by 30/02", "Send it by 3/13"):
        reply = await assign(app, world, group, text)
        assert "Try: Friday, next Tuesday, the 15th, 4 Jan, in 2 weeks" in reply, reply
        assert "2027-02-08" in reply  # the ISO example is in the future too
    [listing] = await say(app, world, world.people[101], group, "/actions")
    assert "none" in listing.text
