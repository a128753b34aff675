"""The PostgreSQL backend (``DATABASE_URL``): an asyncpg pool, READ COMMITTED
transactions with optional per-chat advisory locks, and the one migration history
translated by ``storage/dialect.py`` (or its ``.postgres.sql`` where it can't be)."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import asyncpg

from storage.database import (
    MIGRATIONS_DIR,
    Database,
    Result,
    Row,
    migration_files,
    postgres_override,
    split_statements,
)
from storage.dialect import affected, migration_to_postgres, to_postgres

VERSION_TABLE = "schema_version"  # one row: the number of the last migration applied
# Advisory lock keys are chat ids (a transaction's ``chats``); Telegram never uses 0.
MIGRATION_LOCK = 0
POOL_SIZE = 10
# Chat locks held for an update's handling (:meth:`PostgresDatabase.chat_lock`) live in
# the two-key space, apart from the transactions' one-key chat locks: (this, hash of the
# chat id). Two chats sharing a hash only wait for each other.
UPDATE_LOCKS = 0x41636364  # "Accd"
# Each held chat lock keeps a connection of its own pool, so handlers never wait for a
# connection held by a lock; at most this many of an instance's updates run at once.
LOCK_POOL_SIZE = 32


class PostgresTransaction:
    """Statements on the one pooled connection holding a transaction."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Result:
        """Run one statement; its rows and row count."""
        return await _execute(self._connection, sql, parameters)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement once per row of parameters."""
        batch = [tuple(row) for row in rows]
        if batch:
            await self._connection.executemany(to_postgres(sql)[0], batch)


async def _execute(connection: Any, sql: str, parameters: Sequence[Any]) -> Result:
    translated, returns_rows = to_postgres(sql)
    if returns_rows:
        rows = await connection.fetch(translated, *parameters)
        return Result(list(rows), len(rows))
    status = await connection.execute(translated, *parameters)
    return Result([], affected(status))


class PostgresDatabase(Database):
    """A pool of connections; each transaction holds one of them to its end.

    READ COMMITTED: a check-then-write that must hold (``MAX(number) + 1``) either puts
    its condition in the write itself or names its chat to :meth:`transaction`, which
    takes ``pg_advisory_xact_lock(chat_id)`` first.
    """

    dialect = "postgres"

    def __init__(self, pool: asyncpg.Pool, url: str = "") -> None:
        self._pool = pool
        self._url = url
        self._lock_pool: asyncpg.Pool | None = None
        self._lock_pool_made = asyncio.Lock()

    @classmethod
    async def connect(cls, url: str, migrations: Path = MIGRATIONS_DIR) -> PostgresDatabase:
        """Connect to ``url`` and bring its schema up to date."""
        pool = await asyncpg.create_pool(url, min_size=1, max_size=POOL_SIZE)
        database = cls(pool, url)
        try:
            await database.migrate(migrations)
        except BaseException:
            await pool.close()
            raise
        return database

    async def close(self) -> None:
        """Close every connection of the pools (a held chat lock goes with its own)."""
        if self._lock_pool is not None:
            await self._lock_pool.close()
            self._lock_pool = None
        await self._pool.close()

    async def schema_version(self) -> int:
        """The number of the last migration applied (0 for an empty database)."""
        exists = await self._pool.fetchval("SELECT to_regclass($1) IS NOT NULL", VERSION_TABLE)
        if not exists:
            return 0
        return int(await self._pool.fetchval(f"SELECT version FROM {VERSION_TABLE}") or 0)

    async def migrate(self, directory: Path = MIGRATIONS_DIR) -> int:
        """Apply the migrations not applied yet, each in its own transaction under one
        advisory lock, so processes starting together apply each once."""
        files = migration_files(directory)
        if files and await self.schema_version() >= files[-1][0]:
            return await self.schema_version()  # up to date: the usual start
        for number, path in files:
            async with self._pool.acquire() as connection, connection.transaction():
                await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                await connection.execute(
                    f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version BIGINT NOT NULL)"
                )
                current = await connection.fetchval(f"SELECT version FROM {VERSION_TABLE}")
                if current is None:
                    await connection.execute(f"INSERT INTO {VERSION_TABLE} VALUES (0)")
                    current = 0
                if current >= number:
                    continue
                for statement in migration_statements(path):
                    await connection.execute(statement)
                await connection.execute(f"UPDATE {VERSION_TABLE} SET version = $1", number)
        return await self.schema_version()

    @asynccontextmanager
    async def transaction(self, *chats: int) -> AsyncIterator[PostgresTransaction]:
        """A READ COMMITTED transaction; ``chats`` are locked first, in order (no deadlock)."""
        async with self._pool.acquire() as connection, connection.transaction():
            for chat_id in sorted(set(chats)):
                await connection.execute("SELECT pg_advisory_xact_lock($1)", chat_id)
            yield PostgresTransaction(connection)

    @asynccontextmanager
    async def chat_lock(self, key: int) -> AsyncIterator[None]:
        """A session-level advisory lock on a connection of its own, held to the end of
        the block: an update's several transactions happen inside it. A process that
        dies loses its connections, and PostgreSQL frees their locks at once."""
        async with self._lock_pool_made:
            if self._lock_pool is None:
                self._lock_pool = await asyncpg.create_pool(
                    self._url, min_size=0, max_size=LOCK_POOL_SIZE
                )
        async with self._lock_pool.acquire() as connection:
            await connection.execute("SELECT pg_advisory_lock($1, hashint8($2))", UPDATE_LOCKS, key)
            try:
                yield
            finally:
                # The pool's reset unlocks all too, should this fail (a broken connection).
                with suppress(Exception):
                    await connection.execute(
                        "SELECT pg_advisory_unlock($1, hashint8($2))", UPDATE_LOCKS, key
                    )

    async def fetch_one(self, sql: str, parameters: Sequence[Any] = ()) -> Row | None:
        """The first row of a read query, or ``None``."""
        return await self._pool.fetchrow(to_postgres(sql)[0], *parameters)

    async def fetch_all(self, sql: str, parameters: Sequence[Any] = ()) -> list[Row]:
        """Every row of a read query."""
        return list(await self._pool.fetch(to_postgres(sql)[0], *parameters))

    async def execute_write(self, sql: str, parameters: Sequence[Any] = ()) -> int:
        """Run one write statement (its own transaction); the affected row count."""
        async with self._pool.acquire() as connection:
            return (await _execute(connection, sql, parameters)).rowcount

    async def tables(self) -> dict[str, list[str]]:
        """Every table of the schema (but the version table) with its columns, in order."""
        rows = await self._pool.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name != $1"
            " ORDER BY table_name, ordinal_position",
            VERSION_TABLE,
        )
        found: dict[str, list[str]] = {}
        for table, column in rows:
            found.setdefault(table, []).append(column)
        return found

    async def identity_columns(self) -> list[tuple[str, str]]:
        """``(table, column)`` of every identity column (what numbers new rows)."""
        rows = await self._pool.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND is_identity = 'YES'"
            " ORDER BY table_name"
        )
        return [(row[0], row[1]) for row in rows]


def may_mend(error: BaseException) -> bool:
    """Whether a failure to reach PostgreSQL may mend by itself, so a supervisor should
    try again: refused, timed out, unreachable, DNS failing for now, the server starting
    up or full. An SSL refusal, a name that does not exist, a wrong password or a missing
    database will not."""
    if isinstance(error, asyncpg.CannotConnectNowError | asyncpg.TooManyConnectionsError):
        return True
    if not isinstance(error, OSError) or isinstance(error, ssl.SSLError):
        return False
    if isinstance(error, socket.gaierror):
        return error.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None))
    return "SSL" not in str(error)  # asyncpg's "rejected SSL upgrade" is a ConnectionError


def migration_statements(path: Path) -> list[str]:
    """The statements PostgreSQL runs for one migration: its ``.postgres.sql`` if there is
    one, else the SQLite script translated."""
    override = postgres_override(path)
    if override is not None:
        return list(split_statements(override.read_text(encoding="utf-8")))
    return [migration_to_postgres(s) for s in split_statements(path.read_text(encoding="utf-8"))]
