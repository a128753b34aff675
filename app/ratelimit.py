"""Telegram's flood limits: fan-out (nudges) is paced; every request survives a 429.

Telegram allows about 30 messages a second in all and 20 a minute per group. Replies to
people are paced by the people writing; a digest to a thousand groups is not, so nudges
pass ``rate_limit_args=FAN_OUT`` and go through PTB's ``AIORateLimiter``. Everything
else is sent at once, and waits and retries only when Telegram answers ``RetryAfter``.

Waiting out a group's 429 must not stall that group's other updates: a button pressed
meanwhile needs its callback answered within seconds, and an answer is not a group
message. So an update that has to wait gives its chat's turn away (``yield_turn``), and
the chat's messages keep their order through a per-chat lane that each update holds,
once it has sent there, until it is finished.

PTB's limiter answers a RetryAfter by pausing every request; Telegram's retry-after for
a fan-out message is about that one group (its 20 a minute), so here it pauses only
that chat's fan-out: the other groups' nudges go on, still paced by the overall and
per-group limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

from app.processor import current_turn, yield_turn

logger = logging.getLogger(__name__)
# A little under Telegram's ~30/s: each 429 pauses every fan-out request for a second or
# more, so staying clear of the limit is faster than riding it (bench/nudges.py).
OVERALL_PER_SECOND = 28


@dataclass(frozen=True)
class FanOut:
    """Marks a request as fan-out; ``max_retries`` RetryAfter answers are waited out."""

    max_retries: int = 8


FAN_OUT = FanOut()


class ChatLanes:
    """One lane per chat: an update that sends to its own chat holds the lane until it
    is finished, so the chat's replies leave in update order even when an earlier
    update gave its turn away to wait out a flood limit.

    Only an update's own chat is laned (each update holds at most one lane, so lanes
    cannot deadlock); jobs and sends to other chats go straight through.
    """

    def __init__(self) -> None:
        self._lanes: dict[int, tuple[asyncio.Lock, int]] = {}

    async def enter(self, chat_id: object) -> None:
        """Wait for the chat's lane if this update sends to its own chat for the first time."""
        turn = current_turn()
        if turn is None or turn.key is None or turn.holds_lane or chat_id != turn.key:
            return
        key = turn.key
        lock, users = self._lanes.get(key, (asyncio.Lock(), 0))
        self._lanes[key] = (lock, users + 1)
        turn.holds_lane = True
        if lock.locked():
            yield_turn()  # an earlier update of this chat is waiting out a flood limit
        try:
            await lock.acquire()
        except BaseException:
            self._leave(key, None)
            raise
        turn.at_end(lambda: self._leave(key, lock))

    def _leave(self, key: int, lock: asyncio.Lock | None) -> None:
        if lock is not None:
            lock.release()
        held, users = self._lanes[key]
        if users == 1:
            del self._lanes[key]
        else:
            self._lanes[key] = (held, users - 1)

    @property
    def busy(self) -> int:
        """How many chats have a lane in use (for tests: idle lanes are dropped)."""
        return len(self._lanes)


class FanOutRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` for fan-out requests; RetryAfter retries for all of them.

    ``wait`` is how a RetryAfter is waited out (``asyncio.sleep``; tests pass a gate).
    """

    def __init__(
        self, max_retries: int = 3, wait: Callable[[float], Awaitable[None]] = asyncio.sleep
    ) -> None:
        super().__init__(
            overall_max_rate=OVERALL_PER_SECOND,
            overall_time_period=1,
            group_max_rate=20,
            group_time_period=60,
        )
        self._interactive_retries = max_retries
        self.wait = wait
        self.lanes = ChatLanes()
        # Chats whose fan-out is waiting out a RetryAfter: set when the wait is over.
        self._paused: dict[object, asyncio.Event] = {}

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: FanOut | int | None,
    ) -> Any:
        """Pace fan-out; send the rest at once, waiting out a RetryAfter if one comes."""
        if isinstance(rate_limit_args, FanOut):
            return await self._fan_out(callback, args, kwargs, endpoint, data, rate_limit_args)
        await self.lanes.enter(data.get("chat_id"))
        for attempt in range(self._interactive_retries + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == self._interactive_retries:
                    raise
                # As PTB's own limiter does: the public attribute is changing type in v23.
                seconds = error._retry_after.total_seconds()
                logger.info("%s hit Telegram's flood limit; retrying in %.1fs", endpoint, seconds)
                yield_turn()  # the chat's other updates go on; its messages wait in the lane
                await self.wait(seconds + 0.1)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _fan_out(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        fan_out: FanOut,
    ) -> Any:
        """Send one fan-out request, paced; a RetryAfter pauses only its chat's fan-out
        (``_run_request`` holds the overall and per-group limiters for the call alone)."""
        chat_id = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        group = (
            chat_id
            if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)
            else False
        )
        for attempt in range(fan_out.max_retries + 1):
            while (paused := self._paused.get(chat_id)) is not None:
                await paused.wait()  # an earlier message to this chat met its flood limit
            try:
                return await self._run_request(
                    chat=chat_id is not None,
                    group=group,
                    allow_paid_broadcast=False,
                    callback=callback,
                    args=args,
                    kwargs=kwargs,
                )
            except RetryAfter as error:
                if attempt == fan_out.max_retries:
                    raise
                seconds = error._retry_after.total_seconds()  # see process_request
                logger.info("%s to %s hit Telegram's flood limit; this chat waits %.1fs",
                            endpoint, chat_id, seconds)  # fmt: skip
                if chat_id in self._paused:
                    continue  # another message to this chat is waiting it out: wait for it
                resumed = self._paused[chat_id] = asyncio.Event()
                try:
                    await self.wait(seconds + 0.1)
                finally:
                    self._paused.pop(chat_id, None)
                    resumed.set()
        raise AssertionError("unreachable")  # pragma: no cover
