"""The SQLite connection: pragmas, numbered migrations and serialised write transactions."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import aiosqlite

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 10_000
# Acknowledged means durable: in WAL mode FULL syncs the log at every commit, where
# NORMAL may lose the last commits on power loss. bench/register.py shows the cost.
SYNCHRONOUS = "FULL"
FILE_MODE = 0o600  # SQLite gives the -wal and -shm files the database file's mode


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    """The numbered ``NNNN_name.sql`` files, in order; numbers must run 1, 2, 3 …"""
    found = sorted(
        (int(match.group(1)), path)
        for path in directory.iterdir()
        if (match := _MIGRATION_NAME.match(path.name))
    )
    expected = list(range(1, len(found) + 1))
    if [number for number, _ in found] != expected:
        raise RuntimeError(f"migrations in {directory} are not numbered 1..{len(found)}")
    return found


class Database:
    """One aiosqlite connection shared by every handler.

    aiosqlite runs one worker thread per connection, so a rollback in one task could undo
    another's work: every write goes through :meth:`transaction`, which holds an asyncio
    lock around ``BEGIN IMMEDIATE … COMMIT``.
    """

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str, migrations: Path = MIGRATIONS_DIR) -> Database:
        """Open (creating if needed) the database at ``path`` and bring its schema up to date."""
        create_private(Path(path))
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        try:
            connection.row_factory = aiosqlite.Row
            await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await _check_integrity(connection)
            await _enable_wal(connection)
            await connection.execute("PRAGMA foreign_keys = ON")
            await connection.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
            database = cls(connection)
            await database.migrate(migrations)
        except BaseException:
            await connection.close()
            raise
        return database

    async def close(self) -> None:
        """Close the connection; committed work is already on disk."""
        await self._connection.close()

    async def ping(self) -> bool:
        """Whether the database answers ``SELECT 1`` (for /healthz); a closed or broken
        connection answers False rather than raising."""
        try:
            row = await self.fetch_one("SELECT 1")
        except (sqlite3.Error, ValueError):  # aiosqlite: ValueError once closed
            return False
        return row is not None and row[0] == 1

    async def schema_version(self) -> int:
        """The number of the last migration applied (``PRAGMA user_version``)."""
        row = await self.fetch_one("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self, directory: Path = MIGRATIONS_DIR) -> int:
        """Apply the migrations newer than ``user_version``, each in its own transaction.

        The version is re-read inside the write lock of SQLite itself (``BEGIN IMMEDIATE``),
        so two processes starting on one database never apply a migration twice.
        """
        for number, path in migration_files(directory):
            async with self.transaction() as tx:
                cursor = await tx.execute("PRAGMA user_version")
                (current,) = await cursor.fetchone()  # type: ignore[misc]
                if current >= number:
                    continue
                for statement in _split_statements(path.read_text(encoding="utf-8")):
                    await tx.execute(statement)
                await tx.execute(f"PRAGMA user_version = {number}")
        return await self.schema_version()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A serialised write transaction, committed on normal exit, rolled back on error."""
        async with self._write_lock:
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                await self._connection.execute("ROLLBACK")
                raise
            await self._connection.execute("COMMIT")

    async def execute_write(self, sql: str, parameters: Sequence[Any] = ()) -> int:
        """Run one write statement in its own transaction; return the affected row count."""
        async with self.transaction() as tx:
            cursor = await tx.execute(sql, parameters)
            return cursor.rowcount

    async def fetch_one(self, sql: str, parameters: Sequence[Any] = ()) -> aiosqlite.Row | None:
        """The first row of a read query, or ``None``."""
        async with self._connection.execute(sql, parameters) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, parameters: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        """Every row of a read query."""
        async with self._connection.execute(sql, parameters) as cursor:
            return list(await cursor.fetchall())


RESTORE_HINT = "restore it from a backup, see README"


def create_private(path: Path) -> None:
    """Create a missing database file readable only by its owner (people's names, notes);
    an existing one readable by others (made by an older Accord, or copied in) and its
    -wal and -shm files are made private too."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    for file in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        with suppress(FileNotFoundError):
            if file.stat().st_mode & 0o077:
                file.chmod(FILE_MODE)


async def _check_integrity(connection: aiosqlite.Connection) -> None:
    """Refuse a damaged file before anything is written to it (``PRAGMA quick_check``)."""
    try:
        async with connection.execute("PRAGMA quick_check") as cursor:
            problems = [str(row[0]) for row in await cursor.fetchall()]
    except sqlite3.DatabaseError as error:
        if "not a database" in str(error):
            raise sqlite3.DatabaseError(f"file is not a database; {RESTORE_HINT}") from None
        problems = [str(error)]
    if problems != ["ok"]:
        lines = (line.strip() for problem in problems for line in problem.splitlines())
        found = "; ".join(line for line in lines if line and not line.startswith("***"))
        raise sqlite3.DatabaseError(f"damaged (PRAGMA quick_check: {found[:300]}); {RESTORE_HINT}")


async def _enable_wal(connection: aiosqlite.Connection, attempts: int = 100) -> None:
    """Switch to WAL. SQLite answers "locked" at once, without waiting out busy_timeout,
    while another process is switching the same new file: so try again for a while."""
    for attempt in range(attempts):
        try:
            await connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            await asyncio.sleep(0.05)


def _split_statements(script: str) -> Iterable[str]:
    """Split a migration script into complete statements (``sqlite3.complete_statement``)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        if not pending and (not line.strip() or line.strip().startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        raise RuntimeError(f"incomplete SQL statement at the end of a migration: {pending!r}")
