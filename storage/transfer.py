"""``bot.py migrate-to-postgres``: copy an SQLite database into an empty PostgreSQL one,
so a group that started small moves without losing its history.

The source is read through a snapshot (SQLite's online backup, read-only), so the file
given is never written nor its mode changed; the snapshot and PostgreSQL are brought to
the current schema first; every table is copied in dependency order
inside one PostgreSQL transaction, identity sequences are moved past the copied ids, and
the row counts of every table are compared before it commits: all or nothing.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from storage.backup import snapshot
from storage.database import Database
from storage.postgres import PostgresDatabase
from storage.sqlite import SqliteDatabase


class TransferError(Exception):
    """A copy that can't be made or didn't check out; the message says why."""


@dataclass(frozen=True)
class Copied:
    """One table's rows in the SQLite source and, after the copy, in PostgreSQL."""

    table: str
    source: int
    target: int


async def copy_to_postgres(source: Path, url: str, shown_url: str) -> list[Copied]:
    """Copy the SQLite database at ``source`` into the empty PostgreSQL database at
    ``url`` (``shown_url`` in messages: its password masked); the row counts per table,
    equal (else ``TransferError`` and nothing kept)."""
    with tempfile.TemporaryDirectory(prefix="accord-migrate-") as scratch:
        copy = Path(scratch) / "source.sqlite3"
        try:
            await asyncio.to_thread(snapshot, source, copy)
        except sqlite3.Error as error:
            raise TransferError(f"DATABASE_PATH: cannot use {source}: {_one_line(error)}") from None
        sqlite = await Database.open(copy)
        try:
            try:
                postgres = await Database.open(url)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                raise TransferError(
                    f"DATABASE_URL: cannot use {shown_url}: {_one_line(error)}"
                ) from None
            try:
                assert isinstance(sqlite, SqliteDatabase)
                assert isinstance(postgres, PostgresDatabase)
                return await _copy(sqlite, postgres)
            finally:
                await postgres.close()
        finally:
            await sqlite.close()


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


async def _copy(sqlite: SqliteDatabase, postgres: PostgresDatabase) -> list[Copied]:
    tables = await sqlite.tables()
    target_tables = await postgres.tables()
    if tables != target_tables:
        different = sorted(set(tables.items()) ^ set(target_tables.items()), key=str)
        raise TransferError(f"the two schemas differ: {different[:3]}")
    for table in tables:
        if await postgres.fetch_one(f"SELECT 1 FROM {table} LIMIT 1") is not None:
            raise TransferError(f"the PostgreSQL database is not empty: {table} has rows")
    order = await _dependency_order(sqlite, list(tables))
    copied = []
    async with postgres.transaction() as tx:
        for table in order:
            columns = ", ".join(tables[table])
            marks = ", ".join("?" * len(tables[table]))
            rows = await sqlite.fetch_all(f"SELECT {columns} FROM {table} ORDER BY 1")
            try:
                await tx.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})", [tuple(r) for r in rows]
                )
            except (asyncpg.PostgresError, asyncpg.DataError) as error:
                problem = " ".join(str(error).split())
                raise TransferError(f"{table}: {problem}; nothing was kept") from None
            (count,) = (await tx.execute(f"SELECT COUNT(*) FROM {table}")).rows[0]
            copied.append(Copied(table, len(rows), int(count)))
        for table, column in await postgres.identity_columns():
            await tx.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                f" COALESCE(MAX({column}), 0) + 1, false) FROM {table}"
            )
        wrong = [c for c in copied if c.source != c.target]
        if wrong:
            raise TransferError(
                "row counts differ, nothing was kept: "
                + ", ".join(f"{c.table} {c.source} → {c.target}" for c in wrong)
            )
    return copied


async def _dependency_order(sqlite: SqliteDatabase, tables: list[str]) -> list[str]:
    """The tables, each after the tables it refers to (a self-reference aside)."""
    needs = {}
    for table in tables:
        references = await sqlite.fetch_all(f"PRAGMA foreign_key_list({table})")
        needs[table] = {row[2] for row in references} - {table}
    order: list[str] = []
    while len(order) < len(tables):
        ready = sorted(t for t in tables if t not in order and needs[t] <= set(order))
        if not ready:
            raise TransferError(
                f"foreign keys form a cycle among {sorted(set(tables) - set(order))}"
            )
        order.extend(ready)
    return order
