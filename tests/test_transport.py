"""Retries towards Telegram: connection failures, timeouts and 5xx are retried."""

from __future__ import annotations

import pytest
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest

from app.transport import RetryingRequest

URL = "https://api.telegram.org/bot1:x/sendMessage"


class ScriptedRequest(BaseRequest):
    """Answers each call with the next scripted outcome (an exception or a response)."""

    def __init__(self, outcomes: list) -> None:
        self.outcomes = outcomes
        self.calls = 0

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url, method, request_data=None, *args, **kwargs):
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


async def no_sleep(delays: list[float], seconds: float) -> None:
    delays.append(seconds)


@pytest.fixture
def delays() -> list[float]:
    return []


def retrying(inner: ScriptedRequest, delays: list[float]) -> RetryingRequest:
    return RetryingRequest(inner, attempts=4, sleep=lambda s: no_sleep(delays, s))


async def test_network_errors_and_5xx_are_retried_with_backoff(delays: list[float]) -> None:
    ok = (200, b'{"ok":true,"result":true}')
    inner = ScriptedRequest([NetworkError("connect failed"), TimedOut(), (502, b"{}"), ok])
    assert await retrying(inner, delays).do_request(URL, "POST") == ok
    assert inner.calls == 4
    assert delays == [0.5, 1.0, 2.0]


async def test_gives_up_after_the_last_attempt(delays: list[float]) -> None:
    inner = ScriptedRequest([NetworkError("down")] * 4)
    with pytest.raises(NetworkError):
        await retrying(inner, delays).do_request(URL, "POST")
    assert inner.calls == 4


async def test_client_errors_are_not_retried(delays: list[float]) -> None:
    inner = ScriptedRequest([(400, b'{"ok":false}')])
    assert (await retrying(inner, delays).do_request(URL, "POST"))[0] == 400
    assert inner.calls == 1


async def test_get_updates_is_left_to_the_polling_loop(delays: list[float]) -> None:
    inner = ScriptedRequest([NetworkError("down")])
    with pytest.raises(NetworkError):
        await retrying(inner, delays).do_request(URL.replace("sendMessage", "getUpdates"), "POST")
    assert inner.calls == 1
