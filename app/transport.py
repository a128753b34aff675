"""The HTTP side of talking to Telegram: a pooled transport wrapped in retries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

logger = logging.getLogger(__name__)
Timeout = float | DefaultValue | None

RETRYABLE_STATUS = frozenset({500, 502, 503, 504})


class RetryingRequest(BaseRequest):
    """Wraps another transport and retries failed connections, timeouts and 5xx replies.

    A send whose answer timed out may have reached Telegram, so a retry can repeat it:
    delivery is at least once. ``getUpdates`` is never retried here; PTB's polling
    loop already retries it.
    """

    def __init__(
        self,
        inner: BaseRequest,
        attempts: int = 4,
        first_delay: float = 0.5,
        max_delay: float = 8.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._inner = inner
        self._attempts = attempts
        self.first_delay = first_delay
        self._max_delay = max_delay
        self._sleep = sleep

    @property
    def read_timeout(self) -> float | None:
        """The wrapped transport's read timeout."""
        return self._inner.read_timeout

    async def initialize(self) -> None:
        """Initialise the wrapped transport."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Shut the wrapped transport down."""
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        write_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        connect_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        pool_timeout: Timeout = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send the request, retrying with exponential backoff while it may yet succeed."""
        endpoint = url.rsplit("/", 1)[-1]
        delay = self.first_delay
        for attempt in range(1, self._attempts + 1):
            last_try = attempt == self._attempts or endpoint == "getUpdates"
            try:
                code, payload = await self._inner.do_request(
                    url,
                    method,
                    request_data,
                    read_timeout,
                    write_timeout,
                    connect_timeout,
                    pool_timeout,
                )
            except (TimedOut, NetworkError) as exc:
                if last_try:
                    raise
                logger.warning("%s failed (%s); retry %d in %.1fs", endpoint, exc, attempt, delay)
            else:
                if code not in RETRYABLE_STATUS or last_try:
                    return code, payload
                logger.warning("%s got HTTP %d; retry %d in %.1fs", endpoint, code, attempt, delay)
            await self._sleep(delay)
            delay = min(delay * 2, self._max_delay)
        raise AssertionError("unreachable")  # pragma: no cover
