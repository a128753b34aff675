"""Refused webhook requests as an operator sees them (issue 12, second trial, findings 2
and 9): forged requests are counted in one line a minute with missing and wrong secrets
told apart; the right secret on a wrong path is a set-up mistake and says so."""

from __future__ import annotations

import logging
from datetime import timedelta

import aiohttp
import pytest

from app.clock import FrozenClock
from tests.test_health_metrics import metrics
from tests.test_webhook import HOOK, SECRET, TOKEN, base, http, post

__all__ = ["base", "http"]
pytestmark = pytest.mark.settings(
    TELEGRAM_BOT_TOKEN=TOKEN,
    TELEGRAM_WEBHOOK_URL=f"https://bot.example.org{HOOK}",
    TELEGRAM_WEBHOOK_SECRET=SECRET,
)


def lines(caplog: pytest.LogCaptureFixture, logger: str = "app.web") -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger]


async def test_forged_requests_are_told_once_a_minute_with_their_reasons(
    base: str, http: aiohttp.ClientSession, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "app.web")
    assert await post(http, base + HOOK, {"update_id": 1}, None) == 403
    [first] = lines(caplog)
    assert first.startswith("Refused 1 webhook request in the last minute: 1 no secret")
    for _ in range(30):
        assert await post(http, base + HOOK, {"update_id": 1}, "wrong") == 403
    for _ in range(6):
        assert await post(http, base + HOOK, {"update_id": 1}, None) == 403
    assert len(lines(caplog)) == 1  # 36 more refusals, no more lines yet
    clock.advance(timedelta(seconds=61))
    assert await post(http, base + HOOK, {"update_id": 1}, None) == 403
    second = lines(caplog)[-1]
    assert second.startswith("Refused 37 webhook requests since ")
    assert ": 30 wrong secret, 7 no secret" in second
    counted = await metrics(http, base)
    assert counted[("accord_webhook_refused_total", "reason=no_secret")] == 8
    assert counted[("accord_webhook_refused_total", "reason=wrong_secret")] == 30
    assert SECRET not in " ".join(lines(caplog))


async def test_the_right_secret_on_a_wrong_path_warns_once_a_minute(
    base: str, http: aiohttp.ClientSession, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "app.web")
    for path in ("/telegram/updates/", "/", "/telegram"):
        assert await post(http, base + path, {"update_id": 1}) == 404
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "came to /telegram/updates/" in warning.getMessage()
    assert f"the webhook's path is {HOOK}" in warning.getMessage()
    assert await post(http, base + "/elsewhere", {"update_id": 1}, "wrong") == 404  # a scanner
    clock.advance(timedelta(seconds=61))
    assert await post(http, base + "/", {"update_id": 1}) == 404
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "came to /," in warnings[1]
    counted = await metrics(http, base)
    assert counted[("accord_webhook_refused_total", "reason=wrong_path")] == 4
    assert await post(http, base + HOOK, {"update_id": 1}) == 200  # the right path still works
