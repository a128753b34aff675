"""/assign of several lines: a meeting's actions pasted at once, all recorded or none."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from telegram.ext import Application

from app.context import services_of
from app.lifecycle import feed
from bench.harness import StallWatch
from config.settings import Settings, load_settings
from domain.model import OPEN_STATUSES
from formatting.html import MESSAGE_LIMIT, utf16_len
from localapi.world import SimChat, World
from tests.helpers import say

MINUTES = """\
/assign
@bobby_p Draft the funding bid by Friday
@carol Book the room for the away day by next Tuesday
me Send the minutes tomorrow"""


pytestmark = pytest.mark.settings(
    WRITE_BURST="40"
)  # Room for a 30-line /assign (each action counts against the flood limit).


async def open_titles(app: Application, chat: SimChat) -> list[str]:
    actions = await services_of(app).register.actions.in_chat(chat.chat_id, OPEN_STATUSES)
    return [f"#{a.number} {a.owner_name}: {a.title}" for a in actions]


async def test_several_lines_record_every_action_in_one_reply(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    [reply] = await say(app, world, alice, group, MINUTES)
    assert reply.text.splitlines() == [
        "Recorded 3 actions:",
        "#1 for Bob: Draft the funding bid — due Fri 27 Nov.",
        "#2 for Carol: Book the room for the away day — due Tue 1 Dec.",
        "  I read 'by next Tuesday' as Tue 1 Dec.",  # as a one-line /assign says it
        "#3 for Alice: Send the minutes — due Tue 24 Nov.",
    ]
    assert await open_titles(app, group) == [
        "#1 Bob: Draft the funding bid",
        "#2 Carol: Book the room for the away day",
        "#3 Alice: Send the minutes",
    ]
    # the first action may sit on the command's own line; bullets and numbering are ignored
    [reply] = await say(
        app,
        world,
        alice,
        group,
        "/assign @dave_k Order the banners\n- me Chase HSCB\n2) @bobby_p Print",
    )
    assert reply.text.startswith("Recorded 3 actions:\n#4 for Dave: Order the banners")
    assert "#5 for Alice: Chase HSCB" in reply.text
    assert "#6 for Bob: Print" in reply.text


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("@carol Book the room by 2020-01-01", "is in the past"),
        ("Book the room by Friday", "'Book' is not a person: start with @name or me."),
        ("@carol", "Say what the action is."),
        ("@carol Book the room every 0 weeks", "every 1 to 52 weeks"),
        ("@carol Book the room with @bobby_p and Nowhere Org", "no partner organisations yet"),
    ],
)
async def test_one_wrong_line_records_none_and_names_the_line(
    app: Application, world: World, group: SimChat, line: str, why: str
) -> None:
    alice = world.people[101]
    text = f"/assign\n@bobby_p Draft the bid by Friday\n{line}\nme Send the minutes"
    [reply] = await say(app, world, alice, group, text)
    assert reply.text.startswith(f"Line 2 ({line[:39]}")
    assert why in reply.text
    assert reply.text.endswith("Nothing was recorded.")
    assert await open_titles(app, group) == []


async def test_a_member_may_only_take_actions_on_themselves(
    app: Application, world: World, group: SimChat
) -> None:
    carol = world.people[103]
    [reply] = await say(
        app, world, carol, group, "/assign\nme Book the room\n@bobby_p Draft the bid"
    )
    assert reply.text.startswith("Line 2 (@bobby_p Draft the bid): Only coordinators")
    assert reply.text.endswith("Nothing was recorded.")
    assert await open_titles(app, group) == []
    [reply] = await say(app, world, carol, group, "/assign\nme Book the room\nme Bring the urn")
    assert reply.text.startswith("Recorded 2 actions:")


async def test_a_partner_line_that_is_not_a_partner_names_the_line(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/partner add Health Board")
    text = "/assign\n@bobby_p Draft the bid with @carol and Helth Board\nme Send the minutes"
    [reply] = await say(app, world, alice, group, text)
    assert reply.text.startswith("Line 1 (@bobby_p Draft the bid with @carol and …): There is no")
    assert "Did you mean Health Board?" in reply.text
    assert await open_titles(app, group) == []


async def test_more_than_thirty_lines_are_refused_before_reading(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    text = "/assign\n" + "\n".join(f"me Task {n} by 2020-01-01" for n in range(31))
    [reply] = await say(app, world, alice, group, text)
    assert reply.text == (
        "That is 31 actions; one /assign records at most 30. Split them over two messages."
    )
    assert await open_titles(app, group) == []


async def test_thirty_long_lines_are_recorded_and_the_reply_is_split_safely(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    title = "Review the <draft> & agree it " + "x" * 250
    text = "/assign\n" + "\n".join(f"@bobby_p {n} {title} by Friday" for n in range(30))
    replies = await say(app, world, alice, group, text)
    assert len(replies) >= 3
    assert all(utf16_len(r.text) <= MESSAGE_LIMIT for r in replies)
    joined = "\n".join(r.text for r in replies)
    assert joined.startswith("Recorded 30 actions:")
    assert all(f"#{n + 1} for Bob: {n} Review the <draft> & agree it" in joined for n in range(30))
    assert len(await open_titles(app, group)) == 30


async def test_a_redelivered_message_records_nothing_twice(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    update = world.user_says(alice, group, MINUTES)
    await feed(app, update)
    await feed(app, update)  # Telegram delivers it again after a crash
    replies = world.bot_messages(group.chat_id)[-2:]
    assert replies[0].text.startswith("Recorded 3 actions:")
    assert replies[1].text.startswith("Already recorded:\n#1 for Bob: Draft the funding bid")
    assert len(await open_titles(app, group)) == 3


async def test_a_reply_to_pasted_minutes_records_their_action_lines(
    app: Application, world: World, group: SimChat
) -> None:
    alice, carol = world.people[101], world.people[103]
    minutes = (
        "Steering group, 24 November\n"
        "Actions:\n"
        "- @bobby_p Draft the funding bid by Friday\n"
        "Discussed the venue at length.\n"
        "- @dave_k Send the minutes to partners by Thursday\n"
        "- me Check the budget lines by next Tuesday"
    )
    await say(app, world, carol, group, minutes)
    pasted = next(m for m in world.messages if m.text == minutes)
    await feed(app, world.user_says(alice, group, "/assign", reply_to=pasted.message_id))
    reply = world.bot_messages(group.chat_id)[-1]
    assert reply.text.splitlines() == [
        "Recorded 3 actions:",
        "#1 for Bob: Draft the funding bid — due Fri 27 Nov.",
        "#2 for Dave: Send the minutes to partners — due Thu 26 Nov.",
        "#3 for Carol: Check the budget lines — due Tue 1 Dec.",
        "  I read 'by next Tuesday' as Tue 1 Dec.",
    ]
    # a reply to a message with no action lines says how to write them
    await say(app, world, carol, group, "Thanks all, good meeting")
    thanks = next(m for m in world.messages if m.text == "Thanks all, good meeting")
    await feed(app, world.user_says(alice, group, "/assign", reply_to=thanks.message_id))
    assert world.bot_messages(group.chat_id)[-1].text.startswith("None of those lines names")


async def test_people_picked_from_the_mention_menu_own_their_line(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    erin = world.add_person(105, "Erin")  # no username: only the mention menu names her
    group.members[erin.user_id] = "member"
    text = "/assign\n@bobby_p Draft the bid\nErin Book the room with Erin"
    await feed(app, world.user_says(alice, group, text, linked=[("Erin", erin)]))
    reply = world.bot_messages(group.chat_id)[-1]
    # the second "Erin" is no mention and no partner: it stays in the title
    assert "#2 for Erin: Book the room with Erin — no due date." in reply.text


class TestFloods:
    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        return load_settings(
            {
                "DATABASE_PATH": str(tmp_path / "accord.sqlite3"),
                "WRITE_BURST": "3",
                "WRITE_RATE_PER_MINUTE": "6",
                "MAX_OPEN_ACTIONS": "4",
            },
            env_file=None,
        )

    async def test_each_action_counts_against_the_flood_limit(
        self, app: Application, world: World, cast
    ) -> None:
        alice, group = world.people[101], cast.groups["partners"]
        [reply] = await say(app, world, alice, group, "/assign\nme One\nme Two\nme Three\nme 4")
        assert reply.text == (
            "That is 4 actions; you may record at most 3 at once. Split them over two messages."
        )
        [reply] = await say(app, world, alice, group, "/assign\nme One\nme Two")
        assert reply.text.startswith("Recorded 2 actions:")
        [reply] = await say(app, world, alice, group, "/assign\nme Three\nme Four")
        assert reply.text.startswith("That's a lot of changes at once.")
        assert len(await open_titles(app, group)) == 2

    async def test_the_open_action_cap_counts_each_line(
        self, app: Application, world: World, cast
    ) -> None:
        alice, bob, group = world.people[101], world.people[102], cast.groups["partners"]
        await say(app, world, bob, group, "/assign\nme One\nme Two\nme Three")
        [reply] = await say(app, world, alice, group, "/assign\nme Four\nme Five")
        assert reply.text.startswith(
            "This chat has 3 open actions; these 2 would pass the most Accord keeps open"
        )
        assert len(await open_titles(app, group)) == 3


async def test_thirty_hostile_lines_are_answered_without_stalling_other_chats(
    app: Application, world: World, cast, group: SimChat
) -> None:
    """Every line asks the slow date reader twice: the loop is served between lines."""
    alice, carol = world.people[101], world.people[103]
    line = "@bobby_p Draft x with Council by sometime soonish on the morrow in a while"
    hostile = "/assign\n" + "\n".join([line] * 30)
    await say(app, world, alice, group, "/assign me Warm up by next Tuesday")  # dateparser loaded
    async with StallWatch() as watch:
        started = time.perf_counter()
        slow = asyncio.create_task(feed(app, world.user_says(alice, group, hostile)))
        await asyncio.sleep(0)
        await feed(app, world.user_says(carol, cast.groups["steering"], "/nudges"))
        await slow
        took = time.perf_counter() - started
    assert world.bot_messages(group.chat_id)[-1].text.startswith("Recorded 30 actions:")
    assert took < 2.0  # about 0.1 s unloaded
    # one line at a time: the longest stall is about 5% of the whole (all lines at once,
    # without serving the loop between them: about 35%)
    assert watch.longest < took / 5


async def test_minutes_written_as_name_to_do_something(app: Application, world: World, group):
    alice, carol = world.people[101], world.people[103]
    minutes = (
        "Action points\n@carol to draft the newsletter by Friday\n@bobby_p to chase the figures"
    )
    await say(app, world, carol, group, minutes)
    pasted = world.messages[-1]
    before = len(world.bot_messages())
    await feed(app, world.user_says(alice, group, "/assign", reply_to=pasted.message_id))
    [reply] = world.bot_messages()[before:]
    assert "Carol: draft the newsletter — due Fri 27 Nov" in reply.text, reply.text
    assert "Bob: chase the figures" in reply.text
    [single] = await say(app, world, alice, group, "/assign @bobby_p to book the room")
    assert "for Bob: book the room" in single.text
