"""GET /healthz and GET /metrics on Accord's listener (127.0.0.1, an ephemeral port).

/healthz is 200 while the database answers and a tick ran within three tick intervals
(by the injected clock), 503 otherwise; /metrics counts updates, replies, Bot API
errors, 429 waits, nudges and ticks in Prometheus' text format.
"""

from __future__ import annotations

import json
from datetime import timedelta

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from telegram.ext import Application

from app.builder import build_application
from app.clock import FrozenClock
from app.context import services_of
from app.health import TICK_STALE_AFTER
from app.ratelimit import FanOutRateLimiter
from app.web import HttpListener
from config.settings import Settings
from handlers.nudges import run_tick
from localapi.request import WorldRequest
from localapi.server import wait_until
from localapi.world import BotApiError, World
from tests.test_webhook import HOOK, base, http, post

__all__ = ["base", "http"]  # the webhook tests' listener fixtures, used here too


async def healthz(http: aiohttp.ClientSession, base: str) -> tuple[int, dict]:
    async with http.get(base + "/healthz") as response:
        return response.status, json.loads(await response.text())


async def metrics(http: aiohttp.ClientSession, base: str) -> dict[tuple[str, str], float]:
    """Every sample as {(name, labels): value}."""
    async with http.get(base + "/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    return {
        (sample.name, ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_healthz_ok_then_stale_tick_then_ok_again(
    app: Application, base: str, http: aiohttp.ClientSession, clock: FrozenClock
) -> None:
    status, body = await healthz(http, base)
    assert (status, body) == (  # just started: no tick yet, so not "tick ok" either
        503,
        {
            "status": "starting",
            "database": "ok",
            "tick": "none yet",
            "last_tick": None,
            "telegram": "ok",  # the webhook listener says it too (trial 12c, 3)
        },
    )
    await run_tick(app)
    status, body = await healthz(http, base)
    assert (status, body) == (
        200,
        {
            "status": "ok",
            "database": "ok",
            "tick": "ok",
            "last_tick": clock.now().isoformat(),
            "telegram": "ok",
        },
    )
    clock.advance(TICK_STALE_AFTER)
    assert (await healthz(http, base))[0] == 200  # three intervals: still on time
    clock.advance(timedelta(seconds=1))
    status, body = await healthz(http, base)
    assert (status, body["status"], body["tick"], body["database"]) == (
        503,
        "unhealthy",
        "stale",
        "ok",
    )
    await run_tick(app)
    assert (await healthz(http, base))[0] == 200


async def test_healthz_before_any_tick_goes_stale(
    base: str, http: aiohttp.ClientSession, clock: FrozenClock
) -> None:
    clock.advance(TICK_STALE_AFTER)
    assert (await healthz(http, base))[1]["status"] == "starting"
    clock.advance(timedelta(seconds=1))
    status, body = await healthz(http, base)
    assert (status, body["status"], body["tick"], body["last_tick"]) == (
        503,
        "unhealthy",
        "stale",
        None,
    )


async def test_healthz_says_starting_before_the_database_is_opened(
    settings: Settings, world: World, http: aiohttp.ClientSession
) -> None:
    """Not "database not answering" while it has not been asked yet: start-up."""
    request = WorldRequest(world)
    app = build_application(settings, request=request, scheduled_jobs=False)
    listener = HttpListener(app, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{await listener.start()}"
    try:
        status, body = await healthz(http, base)
        assert (status, body) == (
            503,
            {
                "status": "starting",
                "database": "not opened",
                "tick": "none yet",
                "last_tick": None,
                "telegram": "connecting",  # nothing asked of Telegram yet
            },
        )
        await services_of(app).open()  # as serve() does before asking Telegram anything
        status, body = await healthz(http, base)
        assert (status, body["status"], body["database"]) == (503, "starting", "ok")
    finally:
        await listener.stop()
        await services_of(app).close()


async def test_healthz_503_when_the_database_does_not_answer(
    app: Application, base: str, http: aiohttp.ClientSession
) -> None:
    await run_tick(app)
    await services_of(app).database.close()
    status, body = await healthz(http, base)
    assert (status, body["status"], body["database"], body["tick"]) == (
        503,
        "unhealthy",
        "not answering",
        "ok",
    )


async def test_health_listener_without_a_webhook(
    app: Application, http: aiohttp.ClientSession
) -> None:
    """Polling mode with HEALTH_LISTEN: /healthz and /metrics, and no webhook path."""
    listener = HttpListener(app, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{await listener.start()}"
    await run_tick(app)
    try:
        assert (await healthz(http, base))[0] == 200
        assert ("accord_nudges_total", "outcome=sent") in await metrics(http, base)
        assert await post(http, base + HOOK, b"{}") == 404
    finally:
        await listener.stop()


async def test_metrics_count_updates_replies_errors_429_and_ticks(
    app: Application, base: str, http: aiohttp.ClientSession, world: World
) -> None:
    limiter = app.bot.rate_limiter
    assert isinstance(limiter, FanOutRateLimiter)
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:  # the flood wait, without the wall clock
        waits.append(seconds)

    limiter.wait = no_wait  # type: ignore[method-assign]
    alice, bob = world.people[101], world.people[102]
    world.fail_next(
        "sendMessage", BotApiError(429, "Too Many Requests: retry after 7", {"retry_after": 7})
    )
    before = len(world.bot_messages())
    for person in (alice, bob):
        update = world.user_says(person, world.private_chat(person), "/start")
        assert await post(http, base + HOOK, update) == 200
    registry = services_of(app).metrics.registry
    await wait_until(
        lambda: registry.get_sample_value("accord_updates_total", {"type": "message"}) == 2
    )
    assert len(world.bot_messages()) - before == 2  # the reply that met the 429 went again
    await run_tick(app)

    samples = await metrics(http, base)
    assert samples[("accord_updates_total", "type=message")] == 2
    assert samples[("accord_handler_seconds_count", "")] == 2
    assert samples[("accord_replies_sent_total", "method=sendMessage")] >= 2
    assert samples[("accord_bot_api_errors_total", "code=429")] == 1
    assert samples[("accord_flood_waits_total", "")] == 1
    assert samples[("accord_flood_wait_seconds_total", "")] == 7
    assert len(waits) == 1
    assert waits[0] >= 7
    assert samples[("accord_tick_seconds_count", "")] == 1
    for outcome in ("sent", "late", "skipped", "failed"):
        assert ("accord_nudges_total", f"outcome={outcome}") in samples


async def test_each_application_counts_on_its_own(app: Application) -> None:
    """Metrics live in the Application's own registry: a second one starts at zero."""
    from app.builder import build_application

    other = build_application(services_of(app).settings, scheduled_jobs=False)
    services_of(app).metrics.updates.labels("message").inc()
    sample = ("accord_updates_total", {"type": "message"})
    assert services_of(app).metrics.registry.get_sample_value(*sample) == 1
    # present from the start, at zero (trial 12c, 8)
    assert services_of(other).metrics.registry.get_sample_value(*sample) == 0


async def test_a_failed_tick_does_not_count_as_a_tick(
    app: Application, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database outage makes the tick raise: last_tick (/healthz's freshness) must
    stay at the last tick that did its work."""
    await run_tick(app)
    engine = services_of(app).nudges
    done = engine.last_tick_at
    assert done == clock.now()

    async def down(now: object) -> list[object]:
        raise ConnectionError("the database is down")

    monkeypatch.setattr(engine.schedules, "due", down)
    clock.advance(timedelta(minutes=5))
    with pytest.raises(ConnectionError):
        await run_tick(app)
    assert engine.last_tick_at == done
    monkeypatch.undo()
    await run_tick(app)
    assert engine.last_tick_at == clock.now()
