"""Messages already acted on, so a redelivered update changes nothing twice."""

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
