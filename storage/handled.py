"""Messages and updates already acted on, so a redelivered update changes nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.database import Database

# Telegram keeps an unconfirmed update for 24 hours; remember a little longer.
KEEP = timedelta(days=2)


class HandledMessages:
    """Reads and writes ``handled_messages``; old rows are dropped as new ones arrive."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def claim(self, chat_id: int, message_id: int, sent_at: datetime, now: datetime) -> bool:
        """Record the message as handled; ``False`` if it already was (a redelivery)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "DELETE FROM handled_messages WHERE handled_at < ?",
                ((now - KEEP).isoformat(timespec="seconds"),),
            )
            cursor = await tx.execute(
                "INSERT INTO handled_messages (chat_id, message_id, sent_at, handled_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (chat_id, message_id, int(sent_at.timestamp()), now.isoformat(timespec="seconds")),
            )
            return cursor.rowcount > 0

    async def last_ids(self) -> dict[int, int]:
        """Per chat, the highest message id acted on or recorded as an action's source:
        a simulated chat (the console) continues after it, so ids never repeat."""
        rows = await self._db.fetch_all(
            "SELECT chat_id, MAX(message_id) FROM handled_messages GROUP BY chat_id"
            " UNION ALL SELECT chat_id, MAX(source_message_id) FROM actions"
            " WHERE source_message_id IS NOT NULL GROUP BY chat_id"
            " UNION ALL SELECT chat_id,"
            " MAX(CAST(substr(source_key, 1, instr(source_key, ':') - 1) AS INTEGER))"
            " FROM actions WHERE source_key IS NOT NULL GROUP BY chat_id"
        )
        last: dict[int, int] = {}
        for chat_id, message_id in rows:
            last[int(chat_id)] = max(last.get(int(chat_id), 0), int(message_id))
        return last


class HandledUpdates:
    """Reads and writes ``handled_updates``: Telegram's update ids handled to their end.

    Checked and recorded under the update's chat lock (:meth:`Database.chat_lock`), so
    two instances given the same update never both handle it.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._pruned_at: datetime | None = None

    async def seen(self, update_id: int) -> bool:
        """Whether the update was handled already (this is a redelivery)."""
        row = await self._db.fetch_one(
            "SELECT 1 FROM handled_updates WHERE update_id = ?", (update_id,)
        )
        return row is not None

    async def record(self, update_id: int, now: datetime) -> None:
        """Record the update as handled; forget those older than ``KEEP`` (hourly)."""
        async with self._db.transaction() as tx:
            if self._pruned_at is None or now - self._pruned_at > timedelta(hours=1):
                await tx.execute(
                    "DELETE FROM handled_updates WHERE handled_at < ?",
                    ((now - KEEP).isoformat(timespec="seconds"),),
                )
                self._pruned_at = now
            await tx.execute(
                "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                (update_id, now.isoformat(timespec="seconds")),
            )
