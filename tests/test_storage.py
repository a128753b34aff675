"""Storage: pragmas, migrations from empty and from each older version, transactions."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.chats import ChatRepository
from storage.database import Database, migration_files
from storage.people import PeopleRepository
from tests.helpers import BOTH_BACKENDS

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def schema(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return sorted(
            connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
            ).fetchall()
        )


async def test_fresh_database_is_fully_migrated_with_pragmas(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "a.db")
    try:
        assert await database.schema_version() == len(migration_files())
        assert (await database.fetch_one("PRAGMA journal_mode"))[0] == "wal"
        assert (await database.fetch_one("PRAGMA foreign_keys"))[0] == 1
        assert (await database.fetch_one("PRAGMA busy_timeout"))[0] >= 5000
        tables = {row[0] for row in await database.fetch_all("SELECT name FROM sqlite_master")}
        assert {"chats", "people"} <= tables
    finally:
        await database.close()


@pytest.mark.parametrize("old_version", range(len(migration_files())))
async def test_older_database_upgrades_in_place(tmp_path: Path, old_version: int) -> None:
    """A database left at any older version ends with the same schema as a fresh one."""
    partial = tmp_path / "partial-migrations"
    partial.mkdir()
    for _number, path in migration_files()[:old_version]:
        shutil.copy(path, partial / path.name)
    old = await Database.open(tmp_path / "old.db", migrations=partial)
    assert await old.schema_version() == old_version
    if old_version >= 1:
        await ChatRepository(old).record(-100, "supergroup", "Kept", NOW)
    await old.close()

    upgraded = await Database.open(tmp_path / "old.db")
    assert await upgraded.schema_version() == len(migration_files())
    if old_version >= 1:
        kept = await ChatRepository(upgraded).get(-100)
        assert kept is not None
        assert kept.title == "Kept"
    await upgraded.close()
    fresh = await Database.open(tmp_path / "fresh.db")
    await fresh.close()
    assert schema(tmp_path / "old.db") == schema(tmp_path / "fresh.db")


async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    first = await Database.open(tmp_path / "a.db")
    await ChatRepository(first).record(1, "private", "Alice", NOW)
    await first.close()
    second = await Database.open(tmp_path / "a.db")
    assert await second.schema_version() == len(migration_files())
    assert await ChatRepository(second).get(1) is not None
    await second.close()


def _open_and_write(path: str, chat_id: int) -> None:
    import asyncio

    async def work() -> None:
        database = await Database.open(path)
        for offset in range(50):
            await ChatRepository(database).record(chat_id * 1000 + offset, "group", "t", NOW)
        await database.close()

    asyncio.run(work())


def test_two_processes_starting_on_one_database(tmp_path: Path) -> None:
    """Two bots started at once on one file both migrate safely and both writes land."""
    path = str(tmp_path / "shared.db")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_open_and_write, args=(path, n)) for n in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA user_version").fetchone()[0] == len(migration_files())
        assert connection.execute("SELECT COUNT(*) FROM chats").fetchone()[0] == 100


@BOTH_BACKENDS
async def test_failed_transaction_rolls_back_only_itself(
    new_database: Callable[[str], Path | str],
) -> None:
    database = await Database.open(new_database("a"))
    chats = ChatRepository(database)
    await chats.record(1, "private", "Kept", NOW)

    async def fail_half_way() -> None:
        async with database.transaction() as tx:
            await tx.execute("UPDATE chats SET title = 'Lost' WHERE chat_id = 1")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await fail_half_way()
    assert (await chats.get(1)).title == "Kept"
    await chats.record(2, "private", "Next", NOW)
    assert (await chats.get(2)).title == "Next"
    await database.close()


@BOTH_BACKENDS
async def test_chat_record_updates_and_deactivates(
    new_database: Callable[[str], Path | str],
) -> None:
    database = await Database.open(new_database("a"))
    chats = ChatRepository(database)
    await chats.record(-5, "group", "Old title", NOW)
    await chats.record(-5, "group", "New title", NOW)
    await chats.record(-5, "group", "New title", NOW, active=False)
    stored = await chats.get(-5)
    assert stored.title == "New title"
    assert stored.active is False
    assert stored.timezone is None
    await database.close()


@BOTH_BACKENDS
async def test_people_learn_usernames_case_insensitively(
    new_database: Callable[[str], Path | str],
) -> None:
    database = await Database.open(new_database("a"))
    people = PeopleRepository(database)
    await people.record(7, "Alice_M", "Alice Moreno", NOW)
    found = await people.find_by_username("@alice_m")
    assert found is not None
    assert found.user_id == 7
    assert found.username == "alice_m"
    assert found.has_private_chat is False
    await people.record(7, "Alice_M", "Alice Moreno", NOW, opened_private_chat=True)
    await people.record(7, "Alice_M", "Alice Moreno", NOW)  # a group message later
    assert (await people.get(7)).has_private_chat is True
    await database.close()


@BOTH_BACKENDS
async def test_username_moves_to_its_new_holder(new_database: Callable[[str], Path | str]) -> None:
    database = await Database.open(new_database("a"))
    people = PeopleRepository(database)
    await people.record(1, "partner", "First", NOW)
    await people.record(2, "partner", "Second", NOW)
    assert (await people.find_by_username("partner")).user_id == 2
    assert (await people.get(1)).username is None
    await people.record(1, "partner", "First", NOW)  # the cache must not skip this
    assert (await people.find_by_username("partner")).user_id == 1
    await database.close()
