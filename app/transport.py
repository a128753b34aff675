"""The HTTP side of talking to Telegram: a pooled transport wrapped in retries."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import JSONDict
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

from app.processor import yield_turn

if TYPE_CHECKING:
    from app.metrics import Metrics

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
        metrics: Metrics | None = None,
        outcome: Callable[[bool], None] | None = None,
        answered: Callable[[int], bool] = lambda code: code == 200,
    ) -> None:
        self._inner = inner
        self._metrics = metrics
        self._outcome = outcome  # told of each attempt: answered (by ``answered``), or not
        self._answered = answered
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

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        """As PTB's, without its ERROR and traceback for a body that is not JSON (a proxy's
        502 "bad gateway" while Telegram is down): the error says what came, and whoever
        made the call logs it once (a failed poll, a failed send)."""
        text = payload.decode("utf-8", "replace")
        try:
            data = json.loads(text)
        except ValueError:
            shown = " ".join(text.split())[:80] or "an empty body"
            raise TelegramError(f"Invalid server response (not JSON: {shown!r})") from None
        if not isinstance(data, dict):
            raise TelegramError(f"Invalid server response (not a JSON object: {text[:80]!r})")
        return data

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
                if self._metrics is not None:
                    self._metrics.api_unreachable(
                        "timeout" if isinstance(exc, TimedOut) else "network"
                    )
                if self._outcome is not None:
                    self._outcome(False)
                if last_try:
                    raise
                logger.warning("%s failed (%s); retry %d in %.1fs", endpoint, exc, attempt, delay)
            else:
                if self._metrics is not None:
                    self._metrics.api_answered(endpoint, code, _retry_after(code, payload))
                if self._outcome is not None:
                    self._outcome(self._answered(code))
                if code not in RETRYABLE_STATUS or last_try:
                    return code, payload
                logger.warning("%s got HTTP %d; retry %d in %.1fs", endpoint, code, attempt, delay)
            yield_turn()  # the chat's other updates need not wait for Telegram to recover
            await self._sleep(delay)
            delay = min(delay * 2, self._max_delay)
        raise AssertionError("unreachable")  # pragma: no cover


class AiohttpRequest(BaseRequest):
    """PTB's transport over an aiohttp client session with a bounded connection pool."""

    def __init__(
        self,
        pool_size: int,
        read_timeout: float = 15.0,
        connect_timeout: float = 10.0,
    ) -> None:
        self._pool_size = pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """Default seconds to wait for an answer."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (it must be made inside the running event loop)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

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
        """Send one Bot API call; map aiohttp's failures to PTB's errors."""
        if self._session is None:
            await self.initialize()
        assert self._session is not None
        # aiohttp has no write timeout; a stalled upload ends at the read timeout.
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=_seconds(connect_timeout, self._connect_timeout),
            sock_read=_seconds(read_timeout, self._read_timeout),
        )
        body: aiohttp.FormData | bytes | None = None
        headers: dict[str, str] = {}
        if request_data is not None and request_data.contains_files:
            body = _multipart(request_data)
        elif request_data is not None:
            body = request_data.url_encoded_parameters().encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp: {exc.__class__.__name__}") from exc


def _retry_after(code: int, payload: bytes) -> float | None:
    """The wait a 429 asks for (``parameters.retry_after``), if it says."""
    if code != 429:
        return None
    try:
        return float(json.loads(payload)["parameters"]["retry_after"])
    except (ValueError, KeyError, TypeError):
        return None


def _seconds(value: Timeout, default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, upload in request_data.multipart_data.items():
        filename, content = upload[0], upload[1]
        mimetype = upload[2] if len(upload) > 2 else "application/octet-stream"
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
