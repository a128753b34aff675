"""The database file: a damaged one is refused, writes are durable, only its owner reads it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.database import Database
from storage.people import PeopleRepository
from tests.test_e2e import run_bot_briefly

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PAGE = 4096


async def database_with_people(path: Path, count: int = 300) -> None:
    database = await Database.open(path)
    people = PeopleRepository(database)
    for n in range(count):
        await people.record(n + 1, f"user{n}", "Someone with a longish name " * 3, NOW)
    await database.close()


def damage_last_page(path: Path, offset: int) -> None:
    """Overwrite bytes of the last page, past the header: the file still opens."""
    data = bytearray(path.read_bytes())
    start = (len(data) // PAGE - 1) * PAGE + offset
    data[start : start + 4] = b"\x7f\x13\x55\xaa"
    path.write_bytes(bytes(data))


def files_in(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


@pytest.mark.parametrize("offset", [0, 8], ids=["page header", "cell pointers"])
async def test_a_damaged_file_is_refused_before_anything_is_written(
    tmp_path: Path, offset: int
) -> None:
    path = tmp_path / "accord.sqlite3"
    await database_with_people(path)
    damage_last_page(path, offset)
    before = path.read_bytes()
    with pytest.raises(sqlite3.DatabaseError, match="damaged"):
        await Database.open(path)
    assert path.read_bytes() == before
    assert files_in(tmp_path) == ["accord.sqlite3"]


async def test_a_damaged_file_stops_start_up_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "accord.sqlite3"
    await database_with_people(path)
    damage_last_page(path, 8)
    result = run_bot_briefly(DATABASE_PATH=str(path))
    assert result.returncode == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    # The same form as a settings error: no log prefix (time, level, logger name).
    assert lines[0].startswith(f"Accord cannot start: DATABASE_PATH: cannot use {path}: damaged")
    assert "restore it from a backup" in lines[0]
    assert "Traceback" not in result.stderr


async def test_a_file_with_a_damaged_header_stops_start_up_with_the_backup_hint(
    tmp_path: Path,
) -> None:
    path = tmp_path / "accord.sqlite3"
    await database_with_people(path, 20)
    data = bytearray(path.read_bytes())
    data[0:16] = b"not sqlite, sorr"  # the magic header string
    path.write_bytes(bytes(data))
    result = run_bot_briefly(DATABASE_PATH=str(path))
    assert result.returncode == 2, result.stdout
    assert result.stderr.strip().splitlines() == [
        f"Accord cannot start: DATABASE_PATH: cannot use {path}: file is not a database;"
        " restore it from a backup, see README"
    ]


async def test_a_sound_file_opens(tmp_path: Path) -> None:
    path = tmp_path / "accord.sqlite3"
    await database_with_people(path, 50)
    database = await Database.open(path)
    assert await PeopleRepository(database).find_by_username("user49") is not None
    await database.close()


def modes(directory: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mode & 0o777 for path in directory.iterdir()}


async def test_the_files_are_readable_only_by_their_owner(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "accord.sqlite3")
    try:
        await PeopleRepository(database).record(1, "alice", "Alice", NOW)
        assert modes(tmp_path) == {
            "accord.sqlite3": 0o600,
            "accord.sqlite3-wal": 0o600,
            "accord.sqlite3-shm": 0o600,
        }
    finally:
        await database.close()


async def test_an_older_file_readable_by_others_is_made_private(tmp_path: Path) -> None:
    """A database made before files were private (or copied in with cp) is tightened."""
    path = tmp_path / "accord.sqlite3"
    database = await Database.open(path)
    await database.close()
    for name in ("accord.sqlite3", "accord.sqlite3-wal", "accord.sqlite3-shm"):
        if (tmp_path / name).exists():
            (tmp_path / name).chmod(0o644)
    database = await Database.open(path)
    try:
        await PeopleRepository(database).record(1, "alice", "Alice", NOW)
        assert set(modes(tmp_path).values()) == {0o600}
    finally:
        await database.close()


async def test_an_acknowledged_write_survives_power_loss(tmp_path: Path) -> None:
    """WAL with synchronous=FULL syncs at every commit (NORMAL only at checkpoints)."""
    database = await Database.open(tmp_path / "accord.sqlite3")
    try:
        assert (await database.fetch_one("PRAGMA synchronous"))[0] == 2  # FULL
    finally:
        await database.close()
