"""Names and partners (issue 9): an unseen @name close to a known one is asked about
before anything is recorded; partners match on a unique word or prefix; /coordinator
names the coordinators."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import Application

from app.clock import FrozenClock
from app.context import services_of
from app.lifecycle import feed
from console.cast import Cast
from localapi.world import BotApiError, SimChat, World
from tests.helpers import BOTH_BACKENDS, foreign_keys_hold, introduce, press, say, toasts

pytestmark = BOTH_BACKENDS


def people(world: World):
    return (world.people[i] for i in (101, 102, 103, 104))


async def action(app: Application, group: SimChat, number: int):
    return await services_of(app).register.actions.get(group.chat_id, number)


async def test_a_near_miss_name_is_asked_about_first(
    app: Application, world: World, group: SimChat
) -> None:
    alice, _, carol, dave = people(world)
    [question] = await say(app, world, alice, group, "/assign @carlo Draft the survey by Friday")
    assert question.text == (
        "I haven't seen @carlo in this group. Did you mean @carol? "
        "Nothing is recorded until you choose."
    )
    assert [label for label, _ in question.buttons()] == [
        "Assign to @carol",
        "Keep @carlo (not seen yet)",
        "Cancel",
    ]
    assert all(len(data.encode()) <= 64 for _, data in question.buttons())
    assert await action(app, group, 1) is None
    # Only the person who asked, or a coordinator, may choose.
    await press(app, world, dave, question, "Assign to @carol")
    assert toasts(world)[-1] == "Only Alice, who sent the command, or a coordinator can choose."
    assert await action(app, group, 1) is None
    keep = dict(question.buttons())["Keep @carlo (not seen yet)"]
    [confirmation] = await press(app, world, alice, question, "Assign to @carol")
    assert confirmation.text == "Recorded #1 for Carol: Draft the survey — due Fri 27 Nov."
    assert question.text.endswith("Chosen: @carol.")
    assert question.buttons() == []
    assert [label for label, _ in confirmation.buttons()] == ["Done", "Update", "Snooze 1 week"]
    recorded = await action(app, group, 1)
    assert recorded.owner_user_id == carol.user_id
    # The question is answered: a second press (say, from another client) does nothing.
    await feed(app, world.user_presses(alice, question, keep))
    assert toasts(world)[-1] == "This question has been answered already."
    assert await action(app, group, 2) is None


async def test_keeping_the_unseen_name(app: Application, world: World, group: SimChat) -> None:
    alice = world.people[101]
    [question] = await say(app, world, alice, group, "/assign @carlo Draft the survey")
    [confirmation] = await press(app, world, alice, question, "Keep @carlo (not seen yet)")
    assert confirmation.text.startswith("Recorded #1 for @carlo: Draft the survey — no due date.")
    assert "I haven't seen @carlo write here yet" in confirmation.text
    recorded = await action(app, group, 1)
    assert (recorded.owner_user_id, recorded.owner_handle) == (None, "carlo")
    # @carlo is pending here now: another action for them is not asked about again.
    [again] = await say(app, world, alice, group, "/assign @carlo Book the room")
    assert again.text.startswith("Recorded #2 for @carlo")


async def test_cancel_and_expiry_record_nothing(
    app: Application, world: World, group: SimChat, clock: FrozenClock
) -> None:
    alice = world.people[101]
    [question] = await say(app, world, alice, group, "/assign @carlo Draft the survey")
    await press(app, world, alice, question, "Cancel")
    assert question.text == "Cancelled: nothing was recorded."
    assert question.buttons() == []
    [question] = await say(app, world, alice, group, "/assign @bobb Draft the survey")
    clock.advance(timedelta(days=2))
    await press(app, world, alice, question, "Assign to @bobby_p")
    assert toasts(world)[-1] == "This question has expired: send the command again."
    assert await action(app, group, 1) is None
    # A forged choice id does nothing either.
    await press(app, world, alice, question, "Cancel")
    assert await action(app, group, 1) is None


async def test_reassign_to_a_near_miss_asks_too(
    app: Application, world: World, group: SimChat
) -> None:
    alice, bob, carol, dave = people(world)
    await say(app, world, alice, group, "/assign @carol Send the minutes")
    [question] = await say(app, world, bob, group, "/reassign 1 @dav")
    assert question.text.startswith("I haven't seen @dav in this group. Did you mean @dave_k?")
    assert (await action(app, group, 1)).owner_user_id == carol.user_id
    await press(app, world, alice, question, "Assign to @dave_k")  # another coordinator
    assert question.text == "#1 Send the minutes is now Dave's."
    assert (await action(app, group, 1)).owner_user_id == dave.user_id


async def test_reassign_to_an_unseen_name_reads_as_one_sentence(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign @carol Send the minutes")
    [reply] = await say(app, world, alice, group, "/reassign 1 @nobodyknown")
    assert reply.text == (
        "#1 Send the minutes is now @nobodyknown's; I haven't seen them write here yet, "
        "so it becomes theirs when they first do."
    )


async def test_only_people_seen_in_this_chat_are_suggested(
    app: Application, world: World, cast: Cast, group: SimChat
) -> None:
    alice, _, carol, _ = people(world)
    steering = cast.groups["steering"]
    erin = world.add_person(200, "Erin", "erin_w")
    steering.members[erin.user_id] = "member"
    await introduce(app, world, steering, erin)
    [reply] = await say(app, world, alice, group, "/assign @erin_x Write the plan")
    assert reply.text.startswith("Recorded #1 for @erin_x")  # Erin is not seen here
    [question] = await say(app, world, carol, steering, "/assign @erin_x Write the plan")
    assert "Did you mean @erin_w?" in question.text


async def test_partners_match_on_a_unique_word_or_prefix(
    app: Application, world: World, group: SimChat
) -> None:
    alice, bob, carol, dave = people(world)
    for name in ("Western Health Board", "Northside Food Bank", "Carers' Trust", "City Council"):
        await say(app, world, alice, group, f"/partner add {name}")
    [joined] = await say(app, world, bob, group, "/join health board")
    assert "is with Western Health Board" in joined.text
    [joined] = await say(app, world, carol, group, "/join food bank")
    assert "is with Northside Food Bank" in joined.text
    [joined] = await say(app, world, dave, group, "/join carers")
    assert "is with Carers' Trust" in joined.text
    await say(app, world, alice, group, "/assign @dave_k Survey carers")
    [listing] = await say(app, world, alice, group, "/actions carers")
    assert listing.text.startswith("Open actions of Carers' Trust")
    [typo] = await say(app, world, bob, group, "/join helth bord")
    assert "Did you mean Western Health Board?" in typo.text
    await say(app, world, alice, group, "/partner add North Health Board")
    [several] = await say(app, world, bob, group, "/join health")
    assert several.text == (
        "“health” matches several partners: North Health Board, Western Health Board. "
        "Say which, e.g. /join North Health Board"
    )
    [listing] = await say(app, world, alice, group, "/actions north")
    assert "matches several partners: North Health Board, Northside Food Bank" in listing.text


async def test_coordinator_names_the_coordinators(
    app: Application, world: World, group: SimChat
) -> None:
    alice, _bob, _carol, dave = people(world)
    [reply] = await say(app, world, dave, group, "/coordinator")
    assert reply.text == (
        "Coordinators of Partners for Health: Alice (creator), Bob (administrator). "
        "Coordinators name others with /coordinator add @name."
    )
    await say(app, world, alice, group, "/coordinator add @carol")
    [reply] = await say(app, world, dave, group, "/coordinator")
    assert reply.text == (
        "Coordinators of Partners for Health: Alice (creator), Bob (administrator), "
        "Carol (named with /coordinator add)."
    )
    world.fail_next("getChatAdministrators", BotApiError(400, "Bad Request: chat not found"))
    [reply] = await say(app, world, dave, group, "/coordinator")
    assert reply.text == (
        "Coordinators of Partners for Health: the group's creator and administrators "
        "(Telegram didn't say who they are just now), Carol (named with /coordinator add)."
    )


async def test_who_was_seen_follows_a_group_into_its_supergroup(tmp_path) -> None:
    """chat_people moves with the register (merged or moved); questions asked in the old
    group go with it."""
    from datetime import UTC, datetime

    from storage.chats import ChatRepository
    from storage.choices import PendingChoices
    from storage.database import Database
    from storage.people import PeopleRepository

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    database = await Database.open(tmp_path / "names.db")
    try:
        chats, people = ChatRepository(database), PeopleRepository(database)
        for chat_id in (-1, -2, -3):
            await chats.record(chat_id, "group", "G", now)
        await people.record(1, "carol", "Carol", now)
        await people.record(2, "dave_k", "Dave", now)
        await people.seen_in(-1, 1, now)
        await people.seen_in(-2, 2, now)
        await people.seen_in(-2, 1, now)
        await PendingChoices(database).put(-1, 1, {"command": "assign"}, now)
        await chats.migrate(-1, -2, now)  # merged into a supergroup Accord knows
        assert [p.username for p in await people.known_in(-2)] == ["carol", "dave_k"]
        assert await people.known_in(-1) == []
        row = await database.fetch_one("SELECT COUNT(*) FROM pending_choices")
        assert row is not None
        assert row[0] == 0
        await chats.migrate(-2, -4, now)  # moved to one it doesn't
        assert [p.username for p in await people.known_in(-4)] == ["carol", "dave_k"]
        assert await foreign_keys_hold(database)
    finally:
        await database.close()


async def test_someone_who_may_not_assign_to_others_is_not_asked(
    app: Application, world: World, group: SimChat
) -> None:
    dave = world.people[104]
    [reply] = await say(app, world, dave, group, "/assign @carlo Draft the survey")
    assert reply.text.startswith("Only coordinators")
    assert reply.buttons() == []
