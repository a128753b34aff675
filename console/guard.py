"""Keeping the console off a database a real bot uses.

The console answers the Bot API from its in-memory world and runs the nudge tick over
the whole database: a real group's nudges would fail there and the group be marked
unreachable, and the demo groups and people would be written beside the real ones.
"""

from __future__ import annotations

from config.settings import Settings
from console.cast import console_made
from storage.chats import ChatRepository
from storage.database import Database


class ForeignDatabaseError(Exception):
    """The database holds chats the console did not make; the message says what to do."""


async def refuse_real_groups(settings: Settings) -> None:
    """Raise ``ForeignDatabaseError`` if the database holds any chat the console could
    not have made; a new database (or the console's own from earlier runs) passes."""
    database = await Database.open(settings.database)
    try:
        real = [
            chat_id for chat_id in await ChatRepository(database).ids() if not console_made(chat_id)
        ]
    finally:
        await database.close()
    if real:
        name = "DATABASE_URL" if settings.database_url else "DATABASE_PATH"
        raise ForeignDatabaseError(
            f"{name} holds real groups (chat {real[0]}"
            + (f" and {len(real) - 1} more" if len(real) > 1 else "")
            + "); the console simulates Telegram and would mark them unreachable:"
            f" use another {name}"
        )
