"""``python bot.py backup PATH``: a consistent copy while the bot runs."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

import storage.backup
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
    assert "backup takes one file to write (0 given)" in no_path.stderr


async def test_backup_arguments_in_either_order_and_one_file_only(tmp_path: Path) -> None:
    """Trial 12b, 11: ``backup --overwrite FILE`` was "unrecognized arguments", and
    ``backup a b`` said it "needs a file" when two were given."""
    source, copy = tmp_path / "accord.sqlite3", tmp_path / "copy.sqlite3"
    await make_database(source, 3)
    assert run_backup(source, str(copy)).returncode == 0
    await make_database(source, 7)
    first = run_backup(source, "--overwrite", str(copy))
    assert first.returncode == 0, first.stderr
    assert people_in(copy) == 7
    two = run_backup(source, "a", "b")
    assert two.returncode == 2
    assert "backup takes one file to write (2 given)" in two.stderr
    assert not (ROOT / "a").exists()


@pytest.mark.parametrize(
    ("mode", "described"),
    [
        ("backup", ["FILE", "the backup file to write", "--overwrite"]),
        ("migrate-to-postgres", ["SQLITE_PATH", "POSTGRESQL_URL", "the empty PostgreSQL database"]),
    ],
)
def test_help_of_a_mode_describes_its_positional_arguments(mode: str, described: list[str]) -> None:
    helped = subprocess.run(
        bot_command(mode, "--help"), capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert helped.returncode == 0
    for words in described:
        assert words in helped.stdout


async def test_backup_into_a_missing_directory_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "accord.sqlite3"
    await make_database(source, 1)
    with pytest.raises(BackupError, match="no directory"):
        backup(source, tmp_path / "nowhere" / "copy.sqlite3")


def names_in(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def kinds_of_target(tmp_path: Path) -> dict[str, Path]:
    """Targets that are not regular files; none of them is a real device."""
    fifo, link, directory = tmp_path / "fifo", tmp_path / "link.sqlite3", tmp_path / "dir"
    os.mkfifo(fifo)
    (tmp_path / "elsewhere.sqlite3").write_text("keep me")
    link.symlink_to(tmp_path / "elsewhere.sqlite3")
    directory.mkdir()
    return {"FIFO": fifo, "symlink": link, "directory": directory}


@pytest.mark.parametrize("overwrite", [False, True], ids=["plain", "--overwrite"])
async def test_backup_refuses_a_target_that_is_not_a_regular_file(
    tmp_path: Path, overwrite: bool
) -> None:
    source = tmp_path / "accord.sqlite3"
    await make_database(source, 3)
    for kind, target in kinds_of_target(tmp_path).items():
        before = names_in(tmp_path)
        result = run_backup(source, str(target), *(["--overwrite"] if overwrite else []))
        assert result.returncode == 2, (kind, result.stdout)
        assert result.stderr.strip().splitlines() == [
            f"Accord cannot back up: {target} is a {kind}, not a regular file;"
            " give the path of a new file or of an earlier backup"
        ], kind
        assert names_in(tmp_path) == before  # no temporary left
    assert stat.S_ISFIFO(os.lstat(tmp_path / "fifo").st_mode)
    assert (tmp_path / "link.sqlite3").is_symlink()
    assert (tmp_path / "elsewhere.sqlite3").read_text() == "keep me"  # not followed
    assert (tmp_path / "dir").is_dir()


async def test_backup_refuses_an_empty_path_and_a_missing_directory_in_one_line(
    tmp_path: Path,
) -> None:
    source = tmp_path / "accord.sqlite3"
    await make_database(source, 1)
    empty = run_backup(source, "")
    assert empty.returncode == 2
    assert empty.stderr.strip().splitlines() == [
        "Accord cannot back up: the file name is empty; give the file to write,"
        " e.g. python bot.py backup accord.backup"
    ]
    missing = run_backup(source, str(tmp_path / "nowhere" / "copy.sqlite3"), "--overwrite")
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        f"Accord cannot back up: there is no directory {tmp_path / 'nowhere'}"
    ]


async def test_backup_writes_its_temporary_file_under_a_fresh_random_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file planted at a predictable temporary name is neither used nor removed."""
    source, copy = tmp_path / "accord.sqlite3", tmp_path / "copy.sqlite3"
    await make_database(source, 2)
    planted = tmp_path / ".copy.sqlite3.partial"
    planted.symlink_to(tmp_path / "victim")
    (tmp_path / "victim").write_text("victim")
    seen: list[str] = []
    original = storage.backup.snapshot

    def spy(origin: Path, partial: Path) -> None:
        seen.append(partial.name)
        assert partial.parent == tmp_path
        assert partial.is_file()
        assert not partial.is_symlink()
        original(origin, partial)

    monkeypatch.setattr(storage.backup, "snapshot", spy)
    backup(source, copy)
    backup(source, copy, overwrite=True)
    assert len(set(seen)) == 2
    assert planted.name not in seen
    assert planted.is_symlink()
    assert (tmp_path / "victim").read_text() == "victim"
    assert people_in(copy) == 2
    assert [name for name in names_in(tmp_path) if name.startswith(".copy")] == [planted.name]


def damage(path: Path) -> None:
    """Scribble over the pages after the first: the header still says SQLite."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = b"\xa5" * (len(data) - page)
    path.write_bytes(bytes(data))


async def test_a_damaged_live_database_is_named_not_the_backup(tmp_path: Path) -> None:
    """Trial 12b, 5: backing up a damaged live database said the BACKUP file was broken."""
    source, copy = tmp_path / "accord.sqlite3", tmp_path / "a.sqlite3"
    await make_database(source, 300)
    assert run_backup(source, str(copy)).returncode == 0
    kept = copy.read_bytes()
    damage(source)
    result = run_backup(source, str(copy), "--overwrite")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Accord cannot back up: DATABASE_PATH: {source} is damaged"), line
    assert f"{copy} was left untouched" in line
    assert "restore it from a backup" in line
    assert copy.read_bytes() == kept
    assert not [name for name in names_in(tmp_path) if "partial" in name]
