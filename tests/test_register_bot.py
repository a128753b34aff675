"""The register through the real Application: commands, permissions, isolation, buttons."""

from __future__ import annotations

import csv
import io

from telegram.ext import Application

from app.clock import FrozenClock
from app.context import services_of
from console.cast import Cast
from domain.model import Status
from localapi.world import World
from tests.helpers import BOTH_BACKENDS, press, say, toasts

pytestmark = BOTH_BACKENDS

# Cast: in "partners" Alice is the creator, Bob an admin, Carol and Dave members.
# In "steering" Carol is the creator and Alice a member.


def people(world: World):
    return (world.people[i] for i in (101, 102, 103, 104))


async def test_assign_list_update_done_history(app: Application, world: World, group) -> None:
    alice, bob, carol, _ = people(world)
    [reply] = await say(
        app, world, alice, group, "/assign @bobby_p Draft the funding bid by Friday"
    )
    assert reply.text.startswith("Recorded #1 for Bob: Draft the funding bid — due Fri 27 Nov.")
    assert [label for label, _ in reply.buttons()] == ["Done", "Update", "Snooze 1 week"]

    [listing] = await say(app, world, carol, group, "/actions")
    assert "Open actions — Partners for Health (1)" in listing.text
    assert "#1 Draft the funding bid — due Fri 27 Nov" in listing.text

    [noted] = await say(app, world, bob, group, "/update 1 at risk: waiting for the figures")
    assert "at risk" in noted.text
    [closed] = await say(app, world, bob, group, "/done #1 sent to the board")
    assert closed.text.startswith("Done: #1 Draft the funding bid.")

    [history] = await say(app, world, carol, group, "/history 1")
    lines = history.text.splitlines()
    assert lines[0] == "#1 Draft the funding bid"
    assert "Alice created it: Draft the funding bid" in lines[2]
    assert lines[3].endswith("Bob status open → at risk: waiting for the figures")  # once
    assert "Bob status at risk → done: sent to the board" in lines[4]
    [empty] = await say(app, world, carol, group, "/actions")
    assert "Open actions: none." in empty.text
    [done_list] = await say(app, world, carol, group, "/actions done")
    assert "#1 Draft the funding bid — done" in done_list.text


async def test_numbers_count_per_chat(app: Application, world: World, cast: Cast, group) -> None:
    alice, _, carol, _ = people(world)
    steering = cast.groups["steering"]
    await say(app, world, alice, group, "/assign me One")
    await say(app, world, alice, group, "/assign me Two")
    [reply] = await say(app, world, carol, steering, "/assign me First in steering")
    assert reply.text.startswith("Recorded #1 ")


async def test_isolation_between_groups(app: Application, world: World, cast: Cast, group) -> None:
    alice, _, carol, _ = people(world)
    steering = cast.groups["steering"]
    await say(app, world, alice, group, "/assign me Secret partners work")
    [reply] = await say(app, world, carol, steering, "/history 1")
    assert reply.text == "There is no action #1 in this chat. See /actions."
    [reply] = await say(app, world, carol, steering, "/done 1")
    assert "There is no action #1" in reply.text
    [reply] = await say(app, world, carol, steering, "/actions")
    assert "Secret" not in reply.text
    [reply] = await say(app, world, carol, steering, "/who secret")
    assert "No open action matches" in reply.text


async def test_permissions(app: Application, world: World, group) -> None:
    alice, bob, carol, dave = people(world)
    [refused] = await say(app, world, carol, group, "/assign @dave_k Do it")
    assert refused.text.startswith("Only coordinators")
    assert "/assign me" in refused.text
    [own] = await say(app, world, carol, group, "/assign @carol Do my own thing")
    assert own.text.startswith("Recorded #1 for Carol")
    await say(app, world, bob, group, "/assign @dave_k Dave's task")  # Bob is an admin
    for command in ("/reassign 2 @carol", "/due 2 friday", "/drop 2", "/partner add X", "/export"):
        [reply] = await say(app, world, carol, group, command)
        assert reply.text.startswith("Only coordinators"), command
    [reply] = await say(app, world, carol, group, "/done 2")
    assert reply.text == "Only #2's owner (Dave) or a coordinator can close it."
    [reply] = await say(app, world, carol, group, "/update 2 on track")
    assert "Only #2's owner" in reply.text
    [reply] = await say(app, world, dave, group, "/update 2 on track")
    assert "on track" in reply.text
    [reply] = await say(app, world, alice, group, "/done 1")  # the creator may close any
    assert reply.text.startswith("Done: #1")
    store = services_of(app).register.actions
    assert (await store.get(group.chat_id, 2)).status.value == "on_track"


async def test_named_coordinators(app: Application, world: World, group) -> None:
    alice, _, carol, dave = people(world)
    [reply] = await say(app, world, carol, group, "/coordinator add @dave_k")
    assert reply.text.startswith("Only coordinators")
    [reply] = await say(app, world, alice, group, "/coordinator add @carol")
    assert reply.text == "Carol is now a coordinator of Partners for Health."
    [reply] = await say(app, world, carol, group, "/assign @dave_k Now allowed")
    assert reply.text.startswith("Recorded #1 for Dave")
    [reply] = await say(app, world, dave, group, "/coordinator")
    assert reply.text.endswith("Bob (administrator), Carol (named with /coordinator add).")
    await say(app, world, alice, group, "/coordinator remove @carol")
    [reply] = await say(app, world, carol, group, "/assign @dave_k Not any more")
    assert reply.text.startswith("Only coordinators")


async def test_admin_status_is_cached_for_a_few_minutes(
    app: Application, world: World, group, clock: FrozenClock
) -> None:
    from datetime import timedelta

    _, _, carol, _ = people(world)
    await say(app, world, carol, group, "/assign @dave_k x")  # asks Telegram: not an admin
    group.members[carol.user_id] = "administrator"
    [reply] = await say(app, world, carol, group, "/assign @dave_k x")
    assert reply.text.startswith("Only coordinators")  # still cached
    clock.advance(timedelta(minutes=6))
    [reply] = await say(app, world, carol, group, "/assign @dave_k x")
    assert reply.text.startswith("Recorded")


async def test_pending_handle_links_when_they_speak(app: Application, world: World, group) -> None:
    alice = world.people[101]
    [reply] = await say(app, world, alice, group, "/assign @Erin_W Write the comms plan")
    assert "Recorded #1 for @erin_w" in reply.text
    assert "I haven't seen @erin_w write here yet" in reply.text
    erin = world.add_person(200, "Erin", "Erin_W")
    group.members[erin.user_id] = "member"
    await say(app, world, alice, group, "/partner add Health Board")
    await say(app, world, erin, group, "/join health board")
    [listing] = await say(app, world, erin, group, "/mine")
    assert "#1 Write the comms plan" in listing.text
    [history] = await say(app, world, erin, group, "/history 1")
    assert "Accord linked @erin_w to Erin" in history.text
    action = await services_of(app).register.actions.get(group.chat_id, 1)
    assert action.partner_name == "Health Board"


async def test_text_mention_owner(app: Application, world: World, group) -> None:
    alice = world.people[101]
    nameless = world.add_person(300, "Nadia")  # no username: picked from the mention menu
    group.members[nameless.user_id] = "member"
    before = len(world.bot_messages())
    from app.lifecycle import feed

    await feed(
        app,
        world.user_says(
            alice, group, "/assign Nadia Chair the review", linked=[("Nadia", nameless)]
        ),
    )
    [reply] = world.bot_messages()[before:]
    assert reply.text.startswith("Recorded #1 for Nadia: Chair the review")
    assert (await services_of(app).register.actions.get(group.chat_id, 1)).owner_user_id == 300


async def test_reply_form_uses_the_replied_message(app: Application, world: World, group) -> None:
    alice, bob, *_ = people(world)
    await say(app, world, bob, group, "Someone should send the minutes to the board")
    original = world.messages[-1]
    from app.lifecycle import feed

    await feed(
        app,
        world.user_says(alice, group, "/assign @bobby_p by tomorrow", reply_to=original.message_id),
    )
    reply = world.bot_messages()[-1]
    assert reply.text.startswith(
        "Recorded #1 for Bob: Someone should send the minutes to the board — due Tue 24 Nov."
    )


async def test_partners_and_grouping(app: Application, world: World, group) -> None:
    alice, bob, carol, dave = people(world)
    await say(app, world, alice, group, "/partner add City Council")
    await say(app, world, alice, group, "/partner add Health Board")
    [reply] = await say(app, world, bob, group, "/join Helth Bord")
    assert "Did you mean Health Board?" in reply.text
    await say(app, world, bob, group, "/join HEALTH BOARD")
    await say(app, world, carol, group, "/join city council")
    await say(app, world, alice, group, "/assign @carol Council paper by friday")
    await say(app, world, alice, group, "/assign @bobby_p Board paper yesterday")  # stays a title
    await say(app, world, alice, group, "/assign @dave_k Unattached task")
    await say(app, world, alice, group, "/assign @bobby_p Overdue thing by tomorrow")
    services_of(app).clock.advance(__import__("datetime").timedelta(days=2))
    [listing] = await say(app, world, alice, group, "/actions")
    text = listing.text
    assert text.index("Health Board") < text.index("City Council") < text.index("No partner")
    assert "#4 Overdue thing — due Tue 24 Nov · OVERDUE" in text
    [partners] = await say(app, world, dave, group, "/partners")
    assert "City Council — Carol" in partners.text
    assert "Health Board — Bob" in partners.text
    [filtered] = await say(app, world, dave, group, "/actions city council")
    assert "#1 Council paper" in filtered.text
    assert "Board paper" not in filtered.text
    [overdue] = await say(app, world, dave, group, "/actions overdue")
    assert "#4" in overdue.text
    assert "#1" not in overdue.text
    [of_bob] = await say(app, world, dave, group, "/actions @bobby_p")
    assert "#2 Board paper yesterday" in of_bob.text
    [removed] = await say(app, world, alice, group, "/partner remove health board")
    assert "Removed Health Board" in removed.text
    [partners] = await say(app, world, dave, group, "/partners")
    assert "Health Board" not in partners.text


async def test_who_finds_owners_despite_typos(app: Application, world: World, group) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign @bobby_p Draft the funding bid")
    await say(app, world, alice, group, "/assign @carol Book the venue")
    [reply] = await say(app, world, alice, group, "/who is responsible for the fundng bid?")
    assert "#1 Draft the funding bid — Bob" in reply.text
    assert "venue" not in reply.text


async def test_mine_in_private_spans_groups(
    app: Application, world: World, cast: Cast, group
) -> None:
    alice, _, carol, _ = people(world)
    steering = cast.groups["steering"]
    await say(app, world, alice, group, "/assign @carol Partners task")
    await say(app, world, carol, steering, "/assign me Steering task")
    await say(app, world, alice, group, "/assign me Alice's own")
    [reply] = await say(app, world, carol, world.private_chat(carol), "/mine")
    assert "Partners for Health" in reply.text
    assert "Steering Board" in reply.text
    assert "Partners task" in reply.text
    assert "Steering task" in reply.text
    assert "Alice's own" not in reply.text


async def test_bad_input_gets_usage_and_changes_nothing(
    app: Application, world: World, group
) -> None:
    alice = world.people[101]
    cases = {
        "/assign": "Say who owns it.",
        "/assign @bobby_p": "Say what the action is.",
        "/assign @bobby_p thing by Fridya": "couldn't read 'by Fridya' as a date",
        "/assign @bobby_p thing by 2020-01-01": "in the past",
        "/assign @bobby_p " + "x" * 301: "keep it to 300",
        "/done": "Usage: /done <#> [note]",
        "/done abc": "Give its number",
        "/update 1": "Add a note",
        "/reassign 1": "Say who should own it.",
        "/due 1": "Say when it is due.",
        "/history": "Usage: /history",
        "/who": "Say what to look for.",
        "/partner": "Usage: /partner add",
        "/join": "Usage: /join",
        "/history 42": "There is no action #42",
    }
    for command, expected in cases.items():
        [reply] = await say(app, world, alice, group, command)
        assert expected in reply.text, command
    assert await services_of(app).register.actions.in_chat(group.chat_id, list(Status)) == []


async def test_group_commands_in_private_point_to_the_group(
    app: Application, world: World, cast: Cast
) -> None:
    alice = cast.first_person
    [reply] = await say(app, world, alice, world.private_chat(alice), "/assign me x")
    assert "works in your partnership's group" in reply.text


async def test_long_listings_are_paged_below_the_limit(
    app: Application, world: World, group, clock: FrozenClock
) -> None:
    from datetime import timedelta

    alice = world.people[101]
    for n in range(60):
        clock.advance(timedelta(seconds=2))  # within the per-person rate limit
        await say(
            app, world, alice, group, f"/assign me Task {n} " + "with a long description " * 9
        )
    [page] = await say(app, world, alice, group, "/actions")
    pages = [page.text]
    while "Next ›" in dict(page.buttons()):
        await press(app, world, alice, page, "Next ›")
        pages.append(page.text)  # edited in place
    assert len(pages) >= 2
    assert all(len(text) <= 4096 for text in pages)
    joined = "\n".join(pages)
    assert all(f"#{n + 1} Task {n} " in joined for n in range(60))


async def test_user_text_is_escaped(app: Application, world: World, group) -> None:
    alice = world.people[101]
    [reply] = await say(app, world, alice, group, "/assign me Fix <b>tags</b> & <script>")
    assert "Fix <b>tags</b> & <script>" in reply.text  # shown literally, parsed without error


async def test_buttons_done_snooze_update_and_permissions(
    app: Application, world: World, group
) -> None:
    alice, _bob, carol, dave = people(world)
    [confirmation] = await say(app, world, alice, group, "/assign @dave_k Prepare slides by friday")
    await press(app, world, carol, confirmation, "Done")
    assert toasts(world)[-1] == "Only #1's owner (Dave) or a coordinator can close it."
    await press(app, world, carol, confirmation, "Snooze 1 week")
    assert toasts(world)[-1] == "Only #1's owner (Dave) or a coordinator can snooze it."
    await press(app, world, dave, confirmation, "Snooze 1 week")  # the owner, as reminders offer
    assert toasts(world)[-1] == "#1 is now due Fri 4 Dec."
    assert "due Fri 4 Dec" in confirmation.text  # the message was edited
    [prompt] = await press(app, world, dave, confirmation, "Update")
    assert prompt.text.startswith("Update on #1 — Dave, reply to this message")
    from app.lifecycle import feed

    await feed(
        app, world.user_says(dave, group, "blocked by the printer", reply_to=prompt.message_id)
    )
    assert "blocked" in world.bot_messages()[-1].text
    await press(app, world, dave, confirmation, "Done")
    assert toasts(world)[-1] == "#1 is done."
    assert [label for label, _ in confirmation.buttons()] == ["Reopen"]  # trial 9, finding 1
    await press(
        app,
        world,
        dave,
        confirmation.__class__(
            **{
                **confirmation.__dict__,
                "reply_markup": {
                    "inline_keyboard": [[{"text": "Done", "callback_data": "act:done:1"}]]
                },
            }
        ),
        "Done",
    )
    assert toasts(world)[-1] == "#1 is already done."


async def test_forged_buttons_change_nothing(
    app: Application, world: World, cast: Cast, group
) -> None:
    alice, _, carol, _ = people(world)
    steering = cast.groups["steering"]
    await say(app, world, alice, group, "/assign me Partners only")
    [theirs] = await say(app, world, carol, steering, "/assign me Steering thing")
    from app.lifecycle import feed

    # Carol forges a press for #1 on a steering message: it can only mean steering's #1.
    await feed(app, world.user_presses(carol, theirs, "act:done:1"))
    partners_one = await services_of(app).register.actions.get(group.chat_id, 1)
    assert partners_one.status.value == "open"
    await feed(app, world.user_presses(alice, theirs, "act:done:99"))
    assert toasts(world)[-1] == "There is no action #99 in this chat. See /actions."
    sent = len(world.bot_messages())
    await feed(app, world.user_presses(alice, theirs, "act:explode:1"))
    assert toasts(world)[-1] == "This button no longer works."  # no spinner left hanging
    assert len(world.bot_messages()) == sent
    # A handler that really fails is apologised for: tests/test_permissions_bot.py.


async def test_redelivered_assign_is_not_duplicated(app: Application, world: World, group) -> None:
    from app.lifecycle import feed

    alice = world.people[101]
    update = world.user_says(alice, group, "/assign me Only once")
    await feed(app, update)
    await feed(app, update)  # Telegram redelivers an unconfirmed update after a crash
    assert world.bot_messages()[-1].text.startswith("Already recorded as #1")
    actions = await services_of(app).register.actions.in_chat(group.chat_id, [Status.OPEN])
    assert len(actions) == 1


async def test_export_sends_two_utf8_csv_documents(app: Application, world: World, group) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/partner add Café Ünion")
    await say(app, world, alice, group, "/join café ünion")
    await say(app, world, alice, group, '/assign me Budget, "draft" by friday')
    await say(app, world, alice, group, "/update 1 at risk")
    register_doc, history_doc = await say(app, world, alice, group, "/export")
    name, content = register_doc.document
    assert name.startswith("register-")
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [
        "number",
        "title",
        "owner",
        "partner",
        "status",
        "due",
        "created",
        "closed",
        "last note",
        "supporters",
        "repeats",
    ]
    assert rows[1][:6] == ["1", 'Budget, "draft"', "Alice", "Café Ünion", "at risk", "2026-11-27"]
    assert rows[1][8] == "at risk"
    events = list(csv.reader(io.StringIO(history_doc.document[1].decode("utf-8-sig"))))
    assert events[0] == ["number", "when", "who", "what", "old", "new", "note"]
    assert [row[3] for row in events[1:]] == ["created", "status"]


async def test_one_owner_per_action(app: Application, world: World, group) -> None:
    alice = world.people[101]
    for text in ("/assign @bobby_p @carol Joint task", "/assign me and @bobby_p Joint task"):
        [reply] = await say(app, world, alice, group, text)
        assert "One owner per action" in reply.text, text
    [listing] = await say(app, world, alice, group, "/actions")
    assert "none" in listing.text


async def test_snoozing_an_overdue_action_leaves_it_due_ahead(
    app: Application, world: World, group, clock: FrozenClock
) -> None:
    from datetime import timedelta

    alice = world.people[101]
    [recorded] = await say(app, world, alice, group, "/assign me Overdue thing by Friday")
    clock.advance(timedelta(days=21))
    await press(app, world, alice, recorded, "Snooze 1 week")
    [listing] = await say(app, world, alice, group, "/actions")
    assert "OVERDUE" not in listing.text, listing.text
