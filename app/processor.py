"""Process updates from different chats concurrently, each chat's updates in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's own semaphore only bounds how many update tasks exist; waiting for a chat's
# turn must not take a working slot, so the real bound is applied inside.
_QUEUED_UPDATES_BOUND = 100_000


def ordering_key(update: object) -> int | None:
    """The chat an update belongs to (its user for chat-less updates), or ``None``."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """At most ``max_working`` updates run at once; one chat's updates never overlap.

    Tasks reach the per-chat lock in the order PTB created them (no await comes
    before it), and ``asyncio.Lock`` wakes waiters first-in first-out, so each chat's
    updates are handled in arrival order.
    """

    def __init__(self, max_working: int) -> None:
        super().__init__(max_concurrent_updates=_QUEUED_UPDATES_BOUND)
        self._working = asyncio.Semaphore(max_working)
        self._chat_locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self.max_working = max_working

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for this chat's turn, then for a working slot, then handle the update."""
        key = ordering_key(update)
        if key is None:
            async with self._working:
                await coroutine
            return
        lock, users = self._chat_locks.get(key, (asyncio.Lock(), 0))
        self._chat_locks[key] = (lock, users + 1)
        try:
            async with lock, self._working:
                await coroutine
        finally:
            lock, users = self._chat_locks[key]
            if users == 1:
                del self._chat_locks[key]
            else:
                self._chat_locks[key] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""
