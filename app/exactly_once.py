"""Each update handled once and each chat's updates one at a time, across every
instance sharing the database (several instances behind one webhook).

Around an update's handling: the chat's lock in the database (``Database.chat_lock``,
a no-op on SQLite's single process), then its ``update_id`` checked against those
handled to their end; a redelivered one is skipped, a new one handled and recorded.
Recorded at the end, so an instance killed mid-update leaves it unrecorded and
Telegram's redelivery reaches another instance; what the update had already changed
was claimed per message (``once_per_message``) and does not happen twice.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update

from app.services import Services

logger = logging.getLogger(__name__)
# The lock of updates that belong to no chat nor user (none of the types Accord asks for).
NO_CHAT = 0


class UpdateLedger:
    """The processor's gate (see ``PerChatUpdateProcessor``): holds the chat, skips
    repeats, records what was handled."""

    def __init__(self, services: Services) -> None:
        self._services = services

    @asynccontextmanager
    async def admit(self, update: object, key: int | None) -> AsyncIterator[bool]:
        """Hold the chat's lock for the block; yields whether to handle the update
        (False: another delivery of it was handled already)."""
        update_id = update.update_id if isinstance(update, Update) else None
        if update_id is None:  # an error or job, not a Telegram update
            yield True
            return
        services = self._services
        async with services.database.chat_lock(NO_CHAT if key is None else key):
            if await services.handled_updates.seen(update_id):
                logger.info("Update %s was handled already: skipped", update_id)
                yield False
                return
            yield True
            await services.handled_updates.record(update_id, services.clock.now())
