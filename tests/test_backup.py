"""``python bot.py backup PATH``: a consistent copy while the bot runs."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.backup import BackupError, backup
from storage.database import Database
from storage.people import PeopleRepository
from tests.processes import ROOT, bot_command, bot_environment

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def run_backup(database: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        bot_command("backup", *arguments),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=bot_environment(DATABASE_PATH=str(database)),
        check=False,
        stdin=subprocess.DEVNULL,
    )


def people_in(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        return int(connection.execute("SELECT COUNT(*) FROM people").fetchone()[0])


async def make_database(path: Path, people: int) -> None:
    database = await Database.open(path)
    repository = PeopleRepository(database)
    for n in range(people):
        await repository.record(n + 1, f"user{n}", f"Person {n}", NOW)
    await database.close()


def keep_writing(path: Path, stop: threading.Event, written: list[int]) -> None:
    """Another connection (the running bot) writes one person per commit until told."""
    with sqlite3.connect(path, isolation_level=None) as connection:
        connection.execute("PRAGMA busy_timeout = 10000")
        n = 100_000
        while not stop.is_set():
            connection.execute(
                "INSERT INTO people (user_id, display_name, created_at, updated_at)"
                " VALUES (?, 'Writer', 't', 't')",
                (n,),
            )
            written.append(n)
            n += 1


async def test_a_backup_taken_while_another_connection_writes_is_whole(tmp_path: Path) -> None:
    source, copy = tmp_path / "accord.sqlite3", tmp_path / "copy.sqlite3"
    await make_database(source, 500)
    stop, written = threading.Event(), []
    writer = threading.Thread(target=keep_writing, args=(source, stop, written))
    writer.start()
    try:
        while len(written) < 50:  # the writer is busy
            stop.wait(0.001)
        before = len(written)
        backup(source, copy)
        after = len(written)
    finally:
        stop.set()
        writer.join()
    assert after > before  # the writes went on during the backup (WAL: readers don't block)
    assert 500 + before <= people_in(copy) <= 500 + after
    assert copy.stat().st_mode & 0o777 == 0o600


async def test_backup_from_the_command_line(tmp_path: Path) -> None:
    source, copy = tmp_path / "accord.sqlite3", tmp_path / "backups" / "monday.sqlite3"
    await make_database(source, 20)
    copy.parent.mkdir()
    done = run_backup(source, str(copy))
    assert done.returncode == 0, done.stderr
    assert str(copy) in done.stdout
    assert people_in(copy) == 20

    again = run_backup(source, str(copy))
    assert again.returncode == 2
    assert again.stderr.strip().splitlines() == [
        f"Accord cannot back up: {copy} already exists (add --overwrite to replace it)"
    ]
    await make_database(source, 25)
    replaced = run_backup(source, str(copy), "--overwrite")
    assert replaced.returncode == 0, replaced.stderr
    assert people_in(copy) == 25


def test_backup_without_a_database_or_a_path_says_so(tmp_path: Path) -> None:
    missing = run_backup(tmp_path / "none.sqlite3", str(tmp_path / "copy.sqlite3"))
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        f"Accord cannot back up: DATABASE_PATH: there is no database at {tmp_path / 'none.sqlite3'}"
    ]
    assert not (tmp_path / "none.sqlite3").exists()
    no_path = run_backup(tmp_path / "none.sqlite3")
    assert no_path.returncode == 2
    assert "backup needs a file to write" in no_path.stderr


async def test_backup_into_a_missing_directory_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "accord.sqlite3"
    await make_database(source, 1)
    with pytest.raises(BackupError, match="no directory"):
        backup(source, tmp_path / "nowhere" / "copy.sqlite3")
