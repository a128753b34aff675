"""The SQLite backend: one connection, pragmas, ``user_version`` migrations and write
transactions serialised by ``BEGIN IMMEDIATE``."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import aiosqlite

from storage.database import (
    MIGRATIONS_DIR,
    Database,
    Result,
    Row,
    migration_files,
    split_statements,
)

BUSY_TIMEOUT_MS = 10_000
# Acknowledged means durable: in WAL mode FULL syncs the log at every commit, where
# NORMAL may lose the last commits on power loss. bench/register.py shows the cost.
SYNCHRONOUS = "FULL"
FILE_MODE = 0o600  # SQLite gives the -wal and -shm files the database file's mode
RESTORE_HINT = "restore it from a backup, see README"


class SqliteTransaction:
    """Statements of one ``BEGIN IMMEDIATE … COMMIT`` on the shared connection."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Result:
        """Run one statement; its rows and row count."""
        async with self._connection.execute(sql, parameters) as cursor:
            rows = list(await cursor.fetchall())
            return Result(rows, cursor.rowcount)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement once per row of parameters."""
        await self._connection.executemany(sql, rows)


class SqliteDatabase(Database):
    """One aiosqlite connection shared by every handler.

    aiosqlite runs one worker thread per connection, so a rollback in one task could undo
    another's work: every write goes through :meth:`transaction`, which holds an asyncio
    lock around ``BEGIN IMMEDIATE … COMMIT``.
    """

    dialect = "sqlite"

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._write_lock = asyncio.Lock()

    @classmethod
    async def connect(cls, path: Path, migrations: Path = MIGRATIONS_DIR) -> SqliteDatabase:
        """Open (creating if needed) the database at ``path`` and bring its schema up to date."""
        create_private(path)
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
                (current,) = (await tx.execute("PRAGMA user_version")).rows[0]
                if current >= number:
                    continue
                for statement in split_statements(path.read_text(encoding="utf-8")):
                    await tx.execute(statement)
                await tx.execute(f"PRAGMA user_version = {number}")
        return await self.schema_version()

    @asynccontextmanager
    async def transaction(self, *chats: int) -> AsyncIterator[SqliteTransaction]:
        """A serialised write transaction (``chats`` need no lock of their own here)."""
        async with self._write_lock:
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTransaction(self._connection)
            except BaseException:
                await self._connection.execute("ROLLBACK")
                raise
            await self._connection.execute("COMMIT")

    @asynccontextmanager
    async def chat_lock(self, key: int) -> AsyncIterator[None]:
        """Nothing to hold: one process serves an SQLite database."""
        yield

    async def fetch_one(self, sql: str, parameters: Sequence[Any] = ()) -> Row | None:
        """The first row of a read query, or ``None``."""
        async with self._connection.execute(sql, parameters) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, parameters: Sequence[Any] = ()) -> list[Row]:
        """Every row of a read query."""
        async with self._connection.execute(sql, parameters) as cursor:
            return list(await cursor.fetchall())

    async def tables(self) -> dict[str, list[str]]:
        """Every table with its columns, in order."""
        names = await self.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        return {
            name: [column[1] for column in await self.fetch_all(f"PRAGMA table_info({name})")]
            for (name,) in names
        }


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
