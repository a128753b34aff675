"""Process updates from different chats concurrently, each chat's updates in order."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from contextvars import ContextVar
from typing import Any, Protocol

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's own semaphore only bounds how many update tasks exist; waiting for a chat's
# turn must not take a working slot, so the real bound is applied inside.
_QUEUED_UPDATES_BOUND = 100_000


class UpdateMetrics(Protocol):
    """Where the processor records each update (app/metrics.py's ``Metrics``)."""

    def update_handled(self, update: object, seconds: float) -> None:
        """``update`` was handled in ``seconds``."""
        ...


class UpdateGate(Protocol):
    """What an update passes through once it has its turn (app/exactly_once.py's
    ``UpdateLedger``: the chat's lock across instances, and redeliveries skipped)."""

    def admit(self, update: object, key: int | None) -> AbstractAsyncContextManager[bool]:
        """Held while the update is handled; yields whether to handle it at all."""
        ...


def ordering_key(update: object) -> int | None:
    """The chat an update belongs to (its user for chat-less updates), or ``None``."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class Turn:
    """An update's hold on its chat's lock and on a working slot.

    ``release`` gives both up early (once); ``at_end`` callbacks run when the update is
    finished, whether or not it gave its turn up.
    """

    def __init__(
        self, key: int | None, lock: asyncio.Lock | None, working: asyncio.Semaphore
    ) -> None:
        self.key = key
        self._lock = lock
        self._working = working
        self._held = True
        self._at_end: list[Callable[[], None]] = []
        self.holds_lane = False  # set by the rate limiter's ChatLanes

    def release(self) -> None:
        """Let the chat's next update start; idempotent."""
        if self._held:
            self._held = False
            self._working.release()
            if self._lock is not None:
                self._lock.release()

    def at_end(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the update is finished."""
        self._at_end.append(callback)

    def finish(self) -> None:
        """The update is done: release the turn and run the end callbacks."""
        self.release()
        for callback in self._at_end:
            callback()
        self._at_end.clear()


_current_turn: ContextVar[Turn | None] = ContextVar("accord_update_turn", default=None)


def current_turn() -> Turn | None:
    """The turn of the update being handled in this task, if any."""
    return _current_turn.get()


def yield_turn() -> None:
    """Let the chat's next update start while this one waits (a flood wait, say).

    Called from inside a handler's Bot API call; what was done so far is done, and the
    caller's later messages keep their order through the rate limiter's per-chat lane.
    Outside an update (a job, a test calling ``process_update`` directly) it does nothing.
    """
    turn = current_turn()
    if turn is not None:
        turn.release()


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """At most ``max_working`` updates run at once; one chat's updates never overlap,
    unless one gives its turn away with :func:`yield_turn` while it waits.

    Tasks reach the per-chat lock in the order PTB created them (no await comes
    before it), and ``asyncio.Lock`` wakes waiters first-in first-out, so each chat's
    updates are handled in arrival order.
    """

    def __init__(
        self,
        max_working: int,
        metrics: UpdateMetrics | None = None,
        gate: UpdateGate | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates=_QUEUED_UPDATES_BOUND)
        self._metrics = metrics
        self.gate = gate
        self._working = asyncio.Semaphore(max_working)
        self._chat_locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self.max_working = max_working

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for this chat's turn, then for a working slot, then handle the update."""
        key = ordering_key(update)
        if key is None:
            await self._run(None, None, coroutine, update)
            return
        lock, users = self._chat_locks.get(key, (asyncio.Lock(), 0))
        self._chat_locks[key] = (lock, users + 1)
        try:
            await lock.acquire()
            await self._run(key, lock, coroutine, update)
        finally:
            lock, users = self._chat_locks[key]
            if users == 1:
                del self._chat_locks[key]
            else:
                self._chat_locks[key] = (lock, users - 1)

    async def _run(
        self,
        key: int | None,
        lock: asyncio.Lock | None,
        coroutine: Awaitable[Any],
        update: object,
    ) -> None:
        try:
            await self._working.acquire()
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        turn = Turn(key, lock, self._working)
        token = _current_turn.set(turn)
        started = time.perf_counter()
        handled = False  # not counted if it raised (the gate: the database not answering)
        try:
            if self.gate is None:
                await coroutine
                handled = True
            else:
                handled = await self._through_gate(self.gate, key, coroutine, update)
        finally:
            _current_turn.reset(token)
            turn.finish()
            if self._metrics is not None and handled:  # a skipped redelivery is not counted
                self._metrics.update_handled(update, time.perf_counter() - started)

    @staticmethod
    async def _through_gate(
        gate: UpdateGate, key: int | None, coroutine: Awaitable[Any], update: object
    ) -> bool:
        """Run ``coroutine`` if the gate admits the update; whether it ran."""
        started = False
        try:
            async with gate.admit(update, key) as fresh:
                if fresh:
                    started = True
                    await coroutine
        finally:
            close = getattr(coroutine, "close", None)
            if not started and close is not None:
                close()  # skipped, or the gate failed: never awaited, and never will be
        return started

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""
