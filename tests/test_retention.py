"""Storage that only grows is bounded, and nothing anyone can still look at is lost."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from app.context import services_of
from console.cast import Cast
from handlers import common
from handlers.nudges import run_tick
from localapi.world import World
from register.service import MAX_EVENTS
from storage.chats import ChatRepository
from storage.database import Database, migration_files
from storage.guidance import UNANSWERED_KEPT, GuidanceRepository
from storage.lru import LruDict
from storage.nudges import NUDGE_LOG_KEPT
from tests.helpers import BOTH_BACKENDS, introduce, say

pytestmark = BOTH_BACKENDS

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_lru_dict_forgets_the_least_recently_used() -> None:
    cache: LruDict[str, int] = LruDict(2)
    cache["a"], cache["b"] = 1, 2
    assert cache.get("a") == 1  # a is now the most recent
    cache["c"] = 3
    assert dict(cache) == {"a": 1, "c": 3}
    cache["a"] = 4
    cache["d"] = 5
    assert dict(cache) == {"a": 4, "d": 5}


async def test_questions_asked_in_private_are_not_kept(
    app: Application, world: World, cast: Cast
) -> None:
    """/unanswered works only in a group and shows that group's: no one could see them."""
    carol = world.people[103]
    private = world.private_chat(carol)
    [declined] = await say(app, world, carol, private, "/ask what is the capital of france")
    assert declined.text.startswith("That's outside what Accord knows.")
    database = services_of(app).database
    assert (await database.fetch_one("SELECT COUNT(*) FROM unanswered_questions"))[0] == 0


async def test_a_group_keeps_its_newest_questions_beyond_what_unanswered_shows(
    app: Application, world: World, cast: Cast, clock: FrozenClock
) -> None:
    group = cast.groups["partners"]
    guidance = services_of(app).guidance
    for n in range(UNANSWERED_KEPT + 20):
        await guidance.log_unanswered(group.chat_id, 103, f"question {n}", clock.now())
    database = services_of(app).database
    count = await database.fetch_one("SELECT COUNT(*) FROM unanswered_questions")
    assert count[0] == UNANSWERED_KEPT
    shown = await guidance.unanswered(group.chat_id)
    assert [q.text for q in shown[:2]] == [
        f"question {UNANSWERED_KEPT + 19}",
        f"question {UNANSWERED_KEPT + 18}",
    ]
    assert len(await guidance.unanswered(group.chat_id, limit=UNANSWERED_KEPT)) == UNANSWERED_KEPT


async def test_the_nudge_log_keeps_its_last_ninety_days(
    app: Application, world: World, cast: Cast, clock: FrozenClock
) -> None:
    group = cast.groups["partners"]
    schedules = services_of(app).nudges.schedules
    now = clock.now()
    for age in (NUDGE_LOG_KEPT + timedelta(days=1), NUDGE_LOG_KEPT - timedelta(days=1)):
        await schedules.log(group.chat_id, "digest", now - age, "sent", now - age)
    await run_tick(app)
    assert [slot for _, slot, _ in await schedules.logged(group.chat_id)] == [
        (now - NUDGE_LOG_KEPT + timedelta(days=1)).isoformat(timespec="seconds")
    ]


async def test_an_action_with_a_full_history_can_still_be_closed(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    await introduce(app, world, group, alice)
    await say(app, world, alice, group, "/assign me Keep talking")
    database = services_of(app).database
    async with database.transaction() as tx:
        await tx.executemany(
            "INSERT INTO action_events (action_id, actor_user_id, at, kind, note)"
            " VALUES (1, 101, '2026-11-23T08:00:00+00:00', 'note', ?)",
            [(f"note {n}",) for n in range(MAX_EVENTS - 1)],
        )
    [refused] = await say(app, world, alice, group, "/update 1 and another thing")
    assert refused.text.startswith(f"#1 has {MAX_EVENTS:,} changes in its history")
    history = await say(app, world, alice, group, "/history 1")
    assert "Keep talking" in history[0].text  # still all there to read
    [closed] = await say(app, world, alice, group, "/done 1")
    assert closed.text.startswith("Done: #1 Keep talking")


async def test_in_memory_caches_are_bounded(
    app: Application, world: World, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = services_of(app)
    caches = (services.chats._written, services.people._written, services.people._holders)
    assert all(isinstance(cache, LruDict) and cache.maxsize >= 1000 for cache in caches)
    monkeypatch.setattr(common, "ADMIN_CACHE_SIZE", 3)
    app.bot_data.pop("accord.admins", None)
    alice = world.people[101]
    for n in range(6):
        group = world.add_group(-1007000 - n, f"Group {n}", creator=alice)
        await say(app, world, alice, group, "/export")  # asks whether Alice is an admin
    assert len(app.bot_data["accord.admins"]) == 3


async def test_questions_kept_from_private_chats_before_are_dropped(tmp_path: Path) -> None:
    older = tmp_path / "migrations"
    older.mkdir()
    for number, path in migration_files():
        if number < 5:
            shutil.copy(path, older / path.name)
    database = await Database.open(tmp_path / "a.db", migrations=older)
    chats, guidance = ChatRepository(database), GuidanceRepository(database)
    await chats.record(103, "private", "Carol", NOW)
    await chats.record(-100, "supergroup", "Partners", NOW)
    for chat_id, text in ((103, "asked in private"), (-100, "asked in the group")):
        await database.execute_write(  # as the schema of then held them
            "INSERT INTO unanswered_questions (chat_id, user_id, asked_at, text)"
            " VALUES (?, ?, ?, ?)",
            (chat_id, 103, NOW.isoformat(timespec="seconds"), text),
        )
    await database.close()
    database = await Database.open(tmp_path / "a.db")
    guidance = GuidanceRepository(database)
    assert await guidance.unanswered(103) == []
    assert [q.text for q in await guidance.unanswered(-100)] == ["asked in the group"]
    await database.close()
