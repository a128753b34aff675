"""Supporting people and partners: shown and looked for, never in the owner's place."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from telegram.ext import Application

from app.clock import FrozenClock
from app.context import services_of
from domain.model import OPEN_STATUSES
from handlers.nudges import run_tick
from localapi.world import SimChat, World
from tests.helpers import BOTH_BACKENDS, say

pytestmark = BOTH_BACKENDS


async def setup(app: Application, world: World, group: SimChat) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/partner add HSCB")
    await say(app, world, alice, group, "/partner add City Council")


async def test_supporters_are_recorded_shown_and_filterable(
    app: Application, world: World, group: SimChat
) -> None:
    alice, bob, carol = world.people[101], world.people[102], world.people[103]
    await setup(app, world, group)
    await say(app, world, carol, group, "/join City Council")
    [reply] = await say(
        app,
        world,
        alice,
        group,
        "/assign @bobby_p Draft the funding bid with @carol and HSCB by Fri",
    )
    assert reply.text.startswith(
        "Recorded #1 for Bob: Draft the funding bid — due Fri 27 Nov, with Carol, HSCB."
    )
    await say(app, world, alice, group, "/assign @carol Book the room by Friday")

    # listings show them; the owner stays the owner
    [listing] = await say(app, world, alice, group, "/actions")
    assert "#1 Draft the funding bid — with Carol, HSCB · due Fri 27 Nov" in listing.text
    [bobs] = await say(app, world, alice, group, "/actions @bobby_p")
    assert "#1 Draft the funding bid" in bobs.text
    [carols] = await say(app, world, alice, group, "/actions @carol")
    assert "#2 Book the room" in carols.text
    assert "#1" not in carols.text
    [council] = await say(app, world, alice, group, "/actions City Council")
    assert "#2 Book the room" in council.text
    assert "#1" not in council.text

    # /actions with …: what a person or partner supports
    [helped] = await say(app, world, bob, group, "/actions with @carol")
    assert "Open actions Carol supports" in helped.text
    assert "#1 Draft the funding bid" in helped.text
    assert "#2" not in helped.text
    [helped] = await say(app, world, bob, group, "/actions with hscb")
    assert "Open actions HSCB supports" in helped.text
    assert "#1 Draft" in helped.text
    [none] = await say(app, world, bob, group, "/actions with City Council")
    assert none.text == "Open actions City Council supports: none."

    # /who shows them beside the owner
    [who] = await say(app, world, bob, group, "/who funding bid")
    assert "#1 Draft the funding bid — Bob · with Carol, HSCB" in who.text

    # history and export carry them
    [history] = await say(app, world, bob, group, "/history 1")
    assert "Alice supporters none → Carol, HSCB" in history.text
    register_doc, history_doc = await say(app, world, alice, group, "/export")
    rows = list(csv.DictReader(io.StringIO(register_doc.document[1].decode("utf-8-sig"))))
    assert rows[0]["owner"] == "Bob"
    assert rows[0]["supporters"] == "Carol, HSCB"
    assert rows[1]["supporters"] == ""
    events = list(csv.reader(io.StringIO(history_doc.document[1].decode("utf-8-sig"))))
    assert ["supporters", "", "Carol, HSCB"] in [row[3:6] for row in events]


async def test_a_pending_supporter_and_with_words_that_are_no_partner(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await setup(app, world, group)
    [reply] = await say(app, world, alice, group, "/assign me Plan the launch with @alexk")
    assert "Plan the launch — no due date, with @alexk." in reply.text
    assert "I haven't seen @alexk write here yet" in reply.text  # a typo is seen when made
    [helped] = await say(app, world, alice, group, "/actions with @alexk")
    assert "#1 Plan the launch" in helped.text
    [changed] = await say(app, world, alice, group, "/supporters 1 @nobodyatall")
    assert "I haven't seen @nobodyatall write here yet" in changed.text
    # "with the council" names no person and no partner here: it is part of the title
    [reply] = await say(app, world, alice, group, "/assign me Meet with the council by Friday")
    assert "#2 for Alice: Meet with the council — due Fri 27 Nov." in reply.text
    # with a person named, every name must stand
    [reply] = await say(app, world, alice, group, "/assign me Meet with @bobby_p and the counsel")
    assert reply.text.startswith("There is no partner called 'the counsel' here.")
    # words after an @name that are no list of names: a title
    [reply] = await say(app, world, alice, group, "/assign me Catch up with @bobby_p about the bid")
    assert "#3 for Alice: Catch up with @bobby_p about the bid — no due date." in reply.text


async def test_the_digest_shows_supporters(
    app: Application, world: World, group: SimChat, clock: FrozenClock
) -> None:
    alice = world.people[101]
    await setup(app, world, group)
    await say(app, world, alice, group, "/assign @bobby_p Draft the bid with HSCB by tomorrow")
    await say(app, world, alice, group, "/nudges digest daily 09:00")
    before = len(world.bot_messages(group.chat_id))
    clock.advance(timedelta(hours=2))
    await run_tick(app)
    digest = "\n".join(m.text for m in world.bot_messages(group.chat_id)[before:])
    assert "#1 Draft the bid — Bob with HSCB" in digest


async def test_supporters_follow_a_merged_partner_into_the_supergroup(
    app: Application, world: World, group: SimChat
) -> None:
    """The group's HSCB and its supergroup's HSCB become one: the supporters follow."""
    alice = world.people[101]
    await setup(app, world, group)
    await say(app, world, alice, group, "/assign me Draft the bid with HSCB")
    services = services_of(app)
    now = services.clock.now()
    new_id = -1009999999999
    await services.chats.record(new_id, "supergroup", "Partners (super)", now)
    partner, _ = await services.register.partners.add(new_id, "HSCB", now)
    await services.chats.migrate(group.chat_id, new_id, now)
    [action] = await services.register.actions.in_chat(new_id, OPEN_STATUSES)
    assert action.supporters == ("HSCB",)
    supported = await services.register.actions.in_chat(
        new_id, OPEN_STATUSES, supporter=("partner_id", partner.partner_id)
    )
    assert [a.title for a in supported] == ["Draft the bid"]


async def test_a_pending_supporter_is_linked_when_they_first_write(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    erin = world.add_person(105, "Erin", "erin_k")
    group.members[erin.user_id] = "member"
    await say(app, world, alice, group, "/assign @bobby_p Draft the bid with @erin_k")
    await say(app, world, erin, group, "hello all")
    [helped] = await say(app, world, alice, group, "/actions with @erin_k")
    assert "Open actions Erin supports" in helped.text
    assert "#1 Draft the bid — with Erin" in helped.text


async def test_supporters_can_be_changed_and_the_history_says_so(
    app: Application, world: World, group: SimChat
) -> None:
    alice, bob, carol = world.people[101], world.people[102], world.people[103]
    await setup(app, world, group)
    await say(app, world, alice, group, "/assign @bobby_p Draft the bid with HSCB")
    [reply] = await say(app, world, bob, group, "/supporters 1 @carol and city council")
    assert reply.text == "#1 Draft the bid — supported by Carol, City Council."
    [refused] = await say(app, world, carol, group, "/supporters 1 none")
    assert refused.text == "Only #1's owner (Bob) or a coordinator can change it."
    [same] = await say(app, world, bob, group, "/supporters 1 with @carol, City Council")
    assert same.text == "#1's supporters are already Carol, City Council."
    [unknown] = await say(app, world, bob, group, "/supporters 1 @carol and Food Bank")
    assert unknown.text.startswith("There is no partner called 'Food Bank' here.")
    [cleared] = await say(app, world, alice, group, "/supporters 1 none")
    assert cleared.text == "#1 Draft the bid — supported by no one."
    [history] = await say(app, world, bob, group, "/history 1")
    assert "Alice supporters none → HSCB" in history.text
    assert "Bob supporters HSCB → Carol, City Council" in history.text
    assert "Alice supporters Carol, City Council → none" in history.text
    [usage] = await say(app, world, bob, group, "/supporters 1")
    assert usage.text.startswith("Name who supports it, or none.\nUsage: /supporters <#>")
