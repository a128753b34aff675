"""Telegram's flood limits: fan-out (nudges) is paced; every request survives a 429.

Telegram allows about 30 messages a second in all and 20 a minute per group. Replies to
people are paced by the people writing; a digest to a thousand groups is not, so nudges
pass ``rate_limit_args=FAN_OUT`` and go through PTB's ``AIORateLimiter``. Everything
else is sent at once, and waits and retries only when Telegram answers ``RetryAfter``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)
# A little under Telegram's ~30/s: each 429 pauses every fan-out request for a second or
# more, so staying clear of the limit is faster than riding it (bench/nudges.py).
OVERALL_PER_SECOND = 28


@dataclass(frozen=True)
class FanOut:
    """Marks a request as fan-out; ``max_retries`` RetryAfter answers are waited out."""

    max_retries: int = 8


FAN_OUT = FanOut()


class FanOutRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` for fan-out requests; RetryAfter retries for all of them."""

    def __init__(self, max_retries: int = 3) -> None:
        super().__init__(
            overall_max_rate=OVERALL_PER_SECOND,
            overall_time_period=1,
            group_max_rate=20,
            group_time_period=60,
        )
        self._interactive_retries = max_retries

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
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args.max_retries
            )
        for attempt in range(self._interactive_retries + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == self._interactive_retries:
                    raise
                # As PTB's own limiter does: the public attribute is changing type in v23.
                seconds = error._retry_after.total_seconds()
                logger.info("%s hit Telegram's flood limit; retrying in %.1fs", endpoint, seconds)
                await asyncio.sleep(seconds + 0.1)
        raise AssertionError("unreachable")  # pragma: no cover
