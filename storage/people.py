"""People the bot has seen: user id, lower-cased username, display name, private chat."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.database import Database
from storage.lru import LruDict

PEOPLE_CACHED = 50_000


@dataclass(frozen=True)
class PersonRecord:
    """One person as stored."""

    user_id: int
    username: str | None
    display_name: str
    has_private_chat: bool


class PeopleRepository:
    """Reads and writes the ``people`` table, learning ``username → id`` from updates.

    Telegram usernames move between accounts, so recording a username takes it away
    from whoever held it before. ``record`` skips writes that would change nothing.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._written: LruDict[int, tuple[str | None, str, bool]] = LruDict(PEOPLE_CACHED)
        self._holders: LruDict[str, int] = LruDict(PEOPLE_CACHED)
        self._seen: LruDict[tuple[int, int], bool] = LruDict(PEOPLE_CACHED)

    async def record(
        self,
        user_id: int,
        username: str | None,
        display_name: str,
        now: datetime,
        opened_private_chat: bool = False,
    ) -> bool:
        """Insert or refresh a person; ``opened_private_chat`` only ever turns the flag on.

        Returns whether anything was written (a new person or a changed detail).
        """
        handle = username.lower() if username else None
        known = self._written.get(user_id)
        has_private_chat = opened_private_chat or bool(known and known[2])
        state = (handle, display_name, has_private_chat)
        if known == state:
            return False
        stamp = now.isoformat(timespec="seconds")
        async with self._db.transaction() as tx:
            if handle:
                await tx.execute(
                    "UPDATE people SET username = NULL WHERE username = ? AND user_id != ?",
                    (handle, user_id),
                )
            await tx.execute(
                """
                INSERT INTO people
                    (user_id, username, display_name, has_private_chat, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET
                    username = excluded.username, display_name = excluded.display_name,
                    has_private_chat = CASE WHEN excluded.has_private_chat = 1
                        THEN 1 ELSE people.has_private_chat END,
                    updated_at = excluded.updated_at
                """,
                (user_id, handle, display_name, int(has_private_chat), stamp, stamp),
            )
        if handle:
            previous = self._holders.get(handle)
            if previous is not None and previous != user_id and previous in self._written:
                _, name, private = self._written[previous]
                self._written[previous] = (None, name, private)
            self._holders[handle] = user_id
        self._written[user_id] = state
        return True

    async def seen_in(self, chat_id: int, user_id: int, now: datetime) -> None:
        """Remember that ``user_id`` was seen in ``chat_id`` (once per process per pair)."""
        if self._seen.get((chat_id, user_id)):
            return
        await self._db.execute_write(
            "INSERT INTO chat_people (chat_id, user_id, seen_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id, user_id) DO NOTHING",
            (chat_id, user_id, now.isoformat(timespec="seconds")),
        )
        self._seen[(chat_id, user_id)] = True

    async def was_seen_in(self, chat_id: int, user_id: int) -> bool:
        """Whether ``user_id`` has been seen in ``chat_id``."""
        if self._seen.get((chat_id, user_id)):
            return True
        row = await self._db.fetch_one(
            "SELECT 1 FROM chat_people WHERE chat_id = ? AND user_id = ?", (chat_id, user_id)
        )
        return row is not None

    async def known_in(self, chat_id: int) -> list[PersonRecord]:
        """The people seen in ``chat_id`` who have a username."""
        rows = await self._db.fetch_all(
            "SELECT p.user_id, p.username, p.display_name, p.has_private_chat FROM chat_people c"
            " JOIN people p ON p.user_id = c.user_id"
            " WHERE c.chat_id = ? AND p.username IS NOT NULL ORDER BY p.username",
            (chat_id,),
        )
        return [_person(row) for row in rows]

    async def groups_of(self, user_id: int) -> list[tuple[int, str]]:
        """The groups (id, title) Accord is in where it has seen ``user_id``."""
        rows = await self._db.fetch_all(
            "SELECT c.chat_id, COALESCE(g.title, '') FROM chat_people c"
            " JOIN chats g ON g.chat_id = c.chat_id"
            " WHERE c.user_id = ? AND g.active = 1 AND g.type != 'private' ORDER BY c.chat_id",
            (user_id,),
        )
        return [(int(row[0]), str(row[1])) for row in rows]

    async def in_chat(self, chat_id: int) -> list[PersonRecord]:
        """Everyone seen in ``chat_id`` (with a username or not)."""
        rows = await self._db.fetch_all(
            "SELECT p.user_id, p.username, p.display_name, p.has_private_chat FROM chat_people c"
            " JOIN people p ON p.user_id = c.user_id WHERE c.chat_id = ? ORDER BY p.user_id",
            (chat_id,),
        )
        return [_person(row) for row in rows]

    async def lost_private_chat(self, user_id: int) -> None:
        """The person blocked the bot: nudges go to their groups until they write again."""
        await self._db.execute_write(
            "UPDATE people SET has_private_chat = 0 WHERE user_id = ?", (user_id,)
        )
        self._written.pop(user_id, None)

    async def get(self, user_id: int) -> PersonRecord | None:
        """The stored person, or ``None``."""
        row = await self._db.fetch_one(
            "SELECT user_id, username, display_name, has_private_chat FROM people "
            "WHERE user_id = ?",
            (user_id,),
        )
        return _person(row) if row else None

    async def find_by_username(self, username: str) -> PersonRecord | None:
        """The person currently holding ``@username`` (case-insensitive), or ``None``."""
        row = await self._db.fetch_one(
            "SELECT user_id, username, display_name, has_private_chat FROM people "
            "WHERE username = ?",
            (username.lstrip("@").lower(),),
        )
        return _person(row) if row else None


def _person(row: Sequence[Any]) -> PersonRecord:
    return PersonRecord(row[0], row[1], row[2], bool(row[3]))
