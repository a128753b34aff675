"""A group that becomes a supergroup the register already knows: the two registers merge."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from app.context import services_of
from app.lifecycle import feed
from console.cast import Cast
from domain.model import Status
from domain.schedule import DEFAULT_DIGEST
from localapi.world import BotApiError, SimChat, World
from storage.actions import ActionRepository, NewAction
from storage.charter import CharterRepository
from storage.chats import ChatRepository
from storage.database import Database
from storage.faq import FaqRepository
from storage.guidance import GuidanceRepository
from storage.nudges import ScheduleRepository, StoredSchedule
from storage.partners import CoordinatorRepository, PartnerRepository
from storage.people import PeopleRepository
from tests.helpers import BOTH_BACKENDS, foreign_keys_hold, introduce, say, tick_at
from tests.test_nudges import digests

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
MONDAY_0900 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OLD, NEW = -4001, -1004001


# --- storage ------------------------------------------------------------------------------


pytestmark = BOTH_BACKENDS


@pytest.fixture
async def database(new_database: Callable[[str], Path | str]):
    database = await Database.open(new_database("merge"))
    yield database
    await database.close()


async def seed(database: Database, chat_id: int, titles: list[str], partner: str, who: int):
    """A chat with actions, a partner with a member, a coordinator, a question, feedback."""
    chats, actions = ChatRepository(database), ActionRepository(database)
    partners, people = PartnerRepository(database), PeopleRepository(database)
    await chats.record(chat_id, "group", f"Chat {chat_id}", NOW)
    await people.record(who, f"user{who}", f"Person {who}", NOW)
    added, _ = await partners.add(chat_id, partner, NOW)
    await partners.join(chat_id, who, added, NOW)
    await CoordinatorRepository(database).add(chat_id, who, who, NOW)
    for n, title in enumerate(titles):
        new = NewAction(chat_id, title, who, None, added.partner_id, None, who, 100 + n)
        await actions.create(new, NOW)
    guidance = GuidanceRepository(database)
    await guidance.log_unanswered(chat_id, who, f"question in {chat_id}", NOW)
    await guidance.record_feedback(chat_id, who, "trust", False, NOW)
    schedules = ScheduleRepository(database)
    await schedules.ensure([StoredSchedule(chat_id, DEFAULT_DIGEST, NOW, NOW)])
    await schedules.log(chat_id, "digest", NOW, "sent", NOW)


async def test_merge_into_a_supergroup_that_has_its_own_register(database: Database) -> None:
    await seed(database, OLD, ["Old one", "Old two", "Old three"], "City Council", 1)
    await seed(database, NEW, [f"New {n}" for n in range(1, 8)], "City council", 2)
    chats = ChatRepository(database)

    merged = await chats.migrate(OLD, NEW, NOW)

    assert merged is not None
    assert merged.renumbered == {1: 8, 2: 9, 3: 10}
    assert merged.merged_partners == ["City council"]  # the supergroup's spelling
    assert merged.notice() == (
        "This group's register now includes the old group's: its actions #1–#3 are now "
        "#8–#10. Partners in both were merged: City council."
    )
    assert await chats.get(OLD) is None
    actions = ActionRepository(database)
    assert (await actions.get(NEW, 9)).title == "Old two"  # type: ignore[union-attr]
    assert (await actions.get(NEW, 2)).title == "New 2"  # type: ignore[union-attr]
    assert [e.kind for e in await actions.history(await actions.get(NEW, 10))] == ["created"]  # type: ignore[arg-type]
    [partner] = await PartnerRepository(database).in_chat(NEW)
    assert partner.members == ("Person 1", "Person 2")
    assert {a.partner_id for a in await actions.in_chat(NEW, list(Status))} <= {partner.partner_id}
    assert sorted(await CoordinatorRepository(database).named(NEW)) == ["Person 1", "Person 2"]
    questions = await GuidanceRepository(database).unanswered(NEW)
    assert {q.text for q in questions} == {f"question in {OLD}", f"question in {NEW}"}
    assert await GuidanceRepository(database).unhelpful(NEW) == [("trust", 2)]
    assert len(await ScheduleRepository(database).logged(NEW)) == 2
    for table in ("actions", "partners", "partner_members", "coordinators", "schedules",
                  "unanswered_questions", "guidance_feedback", "nudge_log"):  # fmt: skip
        row = await database.fetch_one(f"SELECT COUNT(*) FROM {table} WHERE chat_id = ?", (OLD,))
        assert row[0] == 0, table  # type: ignore[index]
    assert await foreign_keys_hold(database)


async def test_a_person_in_a_partner_in_both_groups_keeps_the_supergroups(
    database: Database,
) -> None:
    await seed(database, OLD, ["Old one"], "Health Board", 1)
    await seed(database, NEW, [], "Council", 2)
    partners = PartnerRepository(database)
    [council] = await partners.in_chat(NEW)
    await partners.join(NEW, 1, council, NOW)  # Person 1 already said where they are

    merged = await ChatRepository(database).migrate(OLD, NEW, NOW)

    assert merged is not None
    assert merged.renumbered == {}  # the supergroup had no actions: numbers stay
    assert merged.notice() is None
    names = {p.name: p.members for p in await partners.in_chat(NEW)}
    assert names == {"Council": ("Person 1", "Person 2"), "Health Board": ()}
    [action] = await ActionRepository(database).in_chat(NEW, list(Status))
    assert action.partner_name == "Health Board"  # attribution at the time stays


async def test_move_to_a_supergroup_not_seen_yet_keeps_everything(database: Database) -> None:
    await seed(database, OLD, ["Old one"], "Health Board", 1)
    merged = await ChatRepository(database).migrate(OLD, NEW, NOW)
    assert merged is not None
    assert merged.notice() is None
    assert (await ActionRepository(database).get(NEW, 1)).title == "Old one"  # type: ignore[union-attr]
    assert len(await ScheduleRepository(database).logged(NEW)) == 1
    assert await ChatRepository(database).migrate(OLD, NEW, NOW) is None  # done already


async def test_a_supergroup_with_only_a_question_takes_the_old_groups_settings(
    database: Database,
) -> None:
    await seed(database, OLD, ["Old one"], "Health Board", 1)
    chats = ChatRepository(database)
    await chats.update_settings(OLD, timezone="Asia/Tokyo", quiet_start="20:00")
    await chats.record(NEW, "supergroup", "New", NOW)
    await GuidanceRepository(database).log_unanswered(NEW, 2, "asked first", NOW)

    await chats.migrate(OLD, NEW, NOW)

    moved = await chats.get(NEW)
    assert moved is not None
    assert (moved.timezone, moved.quiet_start, moved.title) == ("Asia/Tokyo", "20:00", "New")
    assert "digest" in await ScheduleRepository(database).of_chat(NEW)
    assert len(await GuidanceRepository(database).unanswered(NEW)) == 2
    assert (await ActionRepository(database).get(NEW, 1)).title == "Old one"  # type: ignore[union-attr]


# --- through the Application -----------------------------------------------------------


def migration_message(world: World, old: SimChat, new: SimChat, in_old: bool) -> dict:
    """The service message Telegram posts in the old group (migrate_to) or the new one."""
    side = "migrate_to_chat_id" if in_old else "migrate_from_chat_id"
    return {
        "update_id": 990 + in_old,
        "message": {
            "message_id": 500, "date": int(time.time()),
            "chat": (old if in_old else new).to_json(), "from": world.people[101].to_json(),
            side: new.chat_id if in_old else old.chat_id,
        },
    }  # fmt: skip


async def used_supergroup(app: Application, world: World, cast: Cast) -> tuple[SimChat, SimChat]:
    """An old group with #1–#2, and its supergroup where #1 was assigned before Accord
    learnt of the move."""
    alice = world.people[101]
    old = world.add_group(-5005, "Partners (old)", alice, [world.people[102]], kind="group")
    await feed(app, world.add_bot_to(old, alice))
    await introduce(app, world, old, alice)
    await say(app, world, alice, old, "/assign me Book the venue by friday")
    await say(app, world, alice, old, "/assign me Send the minutes")
    new = world.add_group(-1005005, "Partners (old)", creator=alice, members=[world.people[102]])
    await feed(app, world.add_bot_to(new, alice))
    await say(app, world, alice, new, "/assign me Plan the launch")
    await say(app, world, alice, new, "/nudges digest off")  # only the old group's fires
    return old, new


@pytest.mark.parametrize("in_old", [True, False], ids=["migrate_to", "migrate_from"])
async def test_the_migration_message_merges_and_tells_the_group(
    app: Application, world: World, cast: Cast, in_old: bool
) -> None:
    old, new = await used_supergroup(app, world, cast)
    before = len(world.bot_messages(new.chat_id))
    await feed(app, migration_message(world, old, new, in_old))
    [notice] = world.bot_messages(new.chat_id)[before:]
    assert "its actions #1–#2 are now #2–#3" in notice.text
    [listing] = await say(app, world, world.people[101], new, "/actions")
    for line in ("#1 Plan the launch", "#2 Book the venue", "#3 Send the minutes"):
        assert line in listing.text
    [history] = await say(app, world, world.people[101], new, "/history 2")
    assert "created it: Book the venue" in history.text
    assert await services_of(app).chats.get(old.chat_id) is None


async def test_a_nudge_that_finds_the_group_moved_merges_and_tells_the_group(
    app: Application, world: World, cast: Cast, clock: FrozenClock
) -> None:
    old, new = await used_supergroup(app, world, cast)
    world.fail_next(
        "sendMessage",
        BotApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": new.chat_id}),
    )  # fmt: skip
    await tick_at(app, clock, MONDAY_0900)
    texts = [m.text for m in world.bot_messages(new.chat_id)]
    assert any("its actions #1–#2 are now #2–#3" in text for text in texts), texts
    assert any("#2 Book the venue" in digest for digest in digests(world, new.chat_id)), texts
    assert await services_of(app).chats.get(old.chat_id) is None


async def test_a_reminder_that_finds_the_group_moved_names_the_new_number(
    app: Application, world: World, cast: Cast, clock: FrozenClock
) -> None:
    old, new = await used_supergroup(app, world, cast)
    alice = world.people[101]
    await say(app, world, alice, old, "/assign me Pay the deposit by tomorrow")
    await say(app, world, alice, old, "/nudges digest off")  # only the reminder goes out
    world.fail_next(
        "sendMessage",
        BotApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": new.chat_id}),
    )  # fmt: skip
    await tick_at(app, clock, MONDAY_0900)
    texts = [m.text for m in world.bot_messages(new.chat_id)]
    [reminder] = [text for text in texts if "Pay the deposit" in text]
    assert "#4" in reminder, texts
    assert "#3" not in reminder


async def test_a_groups_faq_follows_it_into_the_supergroup_numbered_after_its_own(
    database: Database,
) -> None:
    await seed(database, OLD, ["Old one"], "Health Board", 1)
    await seed(database, NEW, ["New one"], "Council", 2)
    faq = FaqRepository(database)
    await faq.add(OLD, "Where are the minutes kept?", "Shared drive", (1, "Person 1"), NOW)
    await faq.add(NEW, "Who is our IG lead?", "Priya", (2, "Person 2"), NOW)

    await ChatRepository(database).migrate(OLD, NEW, NOW)

    entries = await faq.in_chat(NEW)
    assert [(e.number, e.question) for e in entries] == [
        (1, "Who is our IG lead?"), (2, "Where are the minutes kept?"),
    ]  # fmt: skip
    assert [(e.number, e.kind) for e in await faq.history(NEW)] == [(2, "added"), (1, "added")]
    assert await faq.in_chat(OLD) == []
    assert await foreign_keys_hold(database)


async def test_merge_takes_the_charter_along_renumbered(database: Database) -> None:
    await seed(database, OLD, ["Old one"], "HSCB", 1)
    await seed(database, NEW, ["New one"], "HSCB", 2)
    charter = CharterRepository(database)
    [hscb_old] = await PartnerRepository(database).in_chat(OLD)
    await charter.add_goal(NEW, "New goal", 2, NOW)
    old_goal = await charter.add_goal(OLD, "Old goal", 1, NOW)
    await charter.add_decision(NEW, "New decision", (2, "Person 2"), 2, NOW, 100)
    await charter.add_decision(OLD, "Old decision", (1, "Person 1"), 1, NOW, 100)
    await charter.set_role(OLD, "Chair", (1, None, None), "Person 1", None, 1, NOW)
    await charter.set_role(NEW, "chair", (2, None, None), "Person 2", None, 2, NOW)
    await charter.set_role(
        OLD, "Data lead", (None, None, hscb_old.partner_id), "HSCB", None, 1, NOW
    )

    await ChatRepository(database).migrate(OLD, NEW, NOW)

    assert [(g.number, g.text) for g in await charter.goals(NEW)] == [
        (1, "New goal"),
        (2, "Old goal"),
    ]
    assert (await charter.goal(NEW, 2)).goal_id == old_goal.goal_id  # type: ignore[union-attr]
    assert [d.text for d in await charter.decisions(NEW)] == ["Old decision", "New decision"]
    roles = {r.name: r.holder for r in await charter.roles(NEW)}
    assert roles == {"chair": "Person 2", "Data lead": "HSCB"}
    for table in ("goals", "decisions", "roles", "charter_events"):
        row = await database.fetch_one(f"SELECT COUNT(*) FROM {table} WHERE chat_id = ?", (OLD,))
        assert row[0] == 0, table  # type: ignore[index]
    assert await foreign_keys_hold(database)
