"""Chats the bot is in: type, title, timezone and whether the bot is still there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.database import Database


@dataclass(frozen=True)
class ChatRecord:
    """One chat as stored."""

    chat_id: int
    type: str
    title: str | None
    timezone: str | None
    active: bool


class ChatRepository:
    """Reads and writes the ``chats`` table.

    ``record`` runs on every update, so it remembers what it last wrote and skips
    writes that would change nothing.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._written: dict[int, tuple[str, str | None, bool]] = {}

    async def record(
        self, chat_id: int, chat_type: str, title: str | None, now: datetime, active: bool = True
    ) -> None:
        """Insert or refresh a chat seen in an update."""
        state = (chat_type, title, active)
        if self._written.get(chat_id) == state:
            return
        stamp = now.isoformat(timespec="seconds")
        await self._db.execute_write(
            """
            INSERT INTO chats (chat_id, type, title, active, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET
                type = excluded.type, title = excluded.title,
                active = excluded.active, updated_at = excluded.updated_at
            """,
            (chat_id, chat_type, title, int(active), stamp, stamp),
        )
        self._written[chat_id] = state

    async def get(self, chat_id: int) -> ChatRecord | None:
        """The stored chat, or ``None`` if the bot has never seen it."""
        row = await self._db.fetch_one(
            "SELECT chat_id, type, title, timezone, active FROM chats WHERE chat_id = ?",
            (chat_id,),
        )
        if row is None:
            return None
        return ChatRecord(row[0], row[1], row[2], row[3], bool(row[4]))
