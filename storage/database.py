"""The database every repository talks to: SQLite (``DATABASE_PATH``, the default) or
PostgreSQL (``DATABASE_URL``), behind one interface.

Repositories write portable SQL (``?`` placeholders, ``ON CONFLICT``, ``RETURNING``) and
read rows by position or by name; what differs between the two backends lives in
``storage/sqlite.py``, ``storage/postgres.py`` and ``storage/dialect.py``.
"""

from __future__ import annotations

import re
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeAlias

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

# A row of either backend (sqlite3.Row, asyncpg.Record): indexable by position and name.
Row: TypeAlias = Any


@dataclass
class Result:
    """What one statement gave back: its rows (if any) and how many rows it changed."""

    rows: list[Row]
    rowcount: int

    async def fetchone(self) -> Row | None:
        """The first row, or ``None`` (awaitable, like a DB-API cursor's)."""
        return self.rows[0] if self.rows else None

    async def fetchall(self) -> list[Row]:
        """Every row."""
        return self.rows


class Transaction(Protocol):
    """One open transaction: statements run on its connection, in order."""

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Result:
        """Run one statement; its rows and row count."""
        ...

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement once per row of parameters."""
        ...


class Database(ABC):
    """The store: reads, serialised write transactions and numbered migrations."""

    dialect: str  # "sqlite" or "postgres"

    @classmethod
    async def open(cls, target: Path | str, migrations: Path = MIGRATIONS_DIR) -> Database:
        """Open the database at ``target`` (a file path, or a ``postgresql://`` URL) and
        bring its schema up to date."""
        if is_postgres_url(target):
            from storage.postgres import PostgresDatabase

            return await PostgresDatabase.connect(str(target), migrations)
        from storage.sqlite import SqliteDatabase

        return await SqliteDatabase.connect(Path(target), migrations)

    @abstractmethod
    async def close(self) -> None:
        """Close the connections; committed work is already durable."""

    @abstractmethod
    async def schema_version(self) -> int:
        """The number of the last migration applied."""

    @abstractmethod
    async def migrate(self, directory: Path = MIGRATIONS_DIR) -> int:
        """Apply the migrations not applied yet, each in its own transaction, at most once
        even when several processes start together; the schema version after."""

    @abstractmethod
    def transaction(self, *chats: int) -> AbstractAsyncContextManager[Transaction]:
        """A write transaction, committed on normal exit, rolled back on error.

        ``chats``: the chats whose per-chat numbers (``MAX(number) + 1``) it reads and
        writes; PostgreSQL serialises such transactions per chat with an advisory lock,
        SQLite serialises every writer anyway.
        """

    @abstractmethod
    def chat_lock(self, key: int) -> AbstractAsyncContextManager[None]:
        """Hold ``key`` (a chat) against every other process on this database, across
        several transactions: one update's whole handling. Re-entrant per holder only;
        SQLite has one process, so nothing to hold there."""

    @abstractmethod
    async def fetch_one(self, sql: str, parameters: Sequence[Any] = ()) -> Row | None:
        """The first row of a read query, or ``None``."""

    @abstractmethod
    async def fetch_all(self, sql: str, parameters: Sequence[Any] = ()) -> list[Row]:
        """Every row of a read query."""

    async def execute_write(self, sql: str, parameters: Sequence[Any] = ()) -> int:
        """Run one write statement in its own transaction; return the affected row count."""
        async with self.transaction() as tx:
            return (await tx.execute(sql, parameters)).rowcount

    async def ping(self) -> bool:
        """Whether the database answers ``SELECT 1`` (for /healthz): a closed or broken
        connection, of either backend, answers False rather than raising."""
        try:
            row = await self.fetch_one("SELECT 1")
        except Exception:  # sqlite3, aiosqlite, asyncpg and OS errors alike
            return False
        return row is not None and row[0] == 1

    @abstractmethod
    async def tables(self) -> dict[str, list[str]]:
        """Every table of Accord's schema with its columns, in order (for checks)."""


def is_postgres_url(target: Path | str) -> bool:
    """Whether ``target`` names a PostgreSQL database rather than an SQLite file."""
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


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


def postgres_override(path: Path) -> Path | None:
    """``NNNN_name.postgres.sql`` beside a migration: what PostgreSQL runs instead, where
    the SQLite script can't be translated (table rebuilds, SQLite's date functions)."""
    override = path.with_name(f"{path.stem}.postgres.sql")
    return override if override.is_file() else None


def split_statements(script: str) -> Iterable[str]:
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


def and_given(*conditions: tuple[str, Any]) -> tuple[str, list[Any]]:
    """A query's optional filters: `` AND …`` for each ``(condition, value)`` whose value
    is given (not ``None``), each condition with one ``?``, and those values in order."""
    given = [(condition, value) for condition, value in conditions if value is not None]
    return "".join(f" AND {condition}" for condition, _ in given), [v for _, v in given]
