"""Chats the bot is in: type, title, timezone and whether the bot is still there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.database import Database


@dataclass(frozen=True)
class ChatRecord:
    """One chat as stored, with its nudge settings."""

    chat_id: int
    type: str
    title: str | None
    timezone: str | None
    active: bool
    quiet_start: str | None = None
    quiet_end: str | None = None
    quiet_weekends: bool = False
    reminders_enabled: bool = True
    last_digest_at: datetime | None = None


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
    ) -> bool:
        """Insert or refresh a chat seen in an update; whether anything was written."""
        state = (chat_type, title, active)
        if self._written.get(chat_id) == state:
            return False
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
        return True

    async def get(self, chat_id: int) -> ChatRecord | None:
        """The stored chat, or ``None`` if the bot has never seen it."""
        row = await self._db.fetch_one(
            "SELECT chat_id, type, title, timezone, active, quiet_start, quiet_end,"
            " quiet_weekends, reminders_enabled, last_digest_at FROM chats WHERE chat_id = ?",
            (chat_id,),
        )
        if row is None:
            return None
        last = datetime.fromisoformat(row[9]) if row[9] else None
        return ChatRecord(
            row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6], bool(row[7]),
            bool(row[8]), last,
        )  # fmt: skip

    async def update_settings(self, chat_id: int, **settings: object) -> None:
        """Set nudge settings: timezone, quiet_start, quiet_end, quiet_weekends,
        reminders_enabled, last_digest_at."""
        allowed = {
            "timezone", "quiet_start", "quiet_end", "quiet_weekends", "reminders_enabled",
            "last_digest_at",
        }  # fmt: skip
        if not settings or not settings.keys() <= allowed:
            raise ValueError(f"unknown chat settings: {sorted(settings.keys() - allowed)}")
        values = [
            v.isoformat(timespec="seconds") if isinstance(v, datetime) else v
            for v in settings.values()
        ]
        assignments = ", ".join(f"{name} = ?" for name in settings)
        await self._db.execute_write(
            f"UPDATE chats SET {assignments} WHERE chat_id = ?", (*values, chat_id)
        )

    async def set_active(self, chat_id: int, active: bool, now: datetime) -> None:
        """Mark whether the bot is still in the chat (e.g. after a Forbidden reply)."""
        await self._db.execute_write(
            "UPDATE chats SET active = ?, updated_at = ? WHERE chat_id = ?",
            (int(active), now.isoformat(timespec="seconds"), chat_id),
        )
        self._written.pop(chat_id, None)

    async def migrate(self, old_id: int, new_id: int, now: datetime) -> None:
        """A group became a supergroup: its rows follow it to the new id.

        Foreign keys cascade from ``chats.chat_id``; if the new chat was already recorded
        (an update from it came first), that bare row and its default schedules give way.
        """
        async with self._db.transaction() as tx:
            cursor = await tx.execute("SELECT 1 FROM chats WHERE chat_id = ?", (old_id,))
            if await cursor.fetchone() is None:
                return
            await tx.execute("DELETE FROM schedules WHERE chat_id = ?", (new_id,))
            await tx.execute("DELETE FROM chats WHERE chat_id = ?", (new_id,))
            await tx.execute(
                "UPDATE chats SET chat_id = ?, type = 'supergroup', active = 1, updated_at = ?"
                " WHERE chat_id = ?",
                (new_id, now.isoformat(timespec="seconds"), old_id),
            )
        self._written.pop(old_id, None)
        self._written.pop(new_id, None)
