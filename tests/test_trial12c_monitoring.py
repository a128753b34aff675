"""Issue 12, third operator trial: monitoring during outages (findings 3, 4, 5, 8 and the
"stopped" line of 10 in TRIAL12C_FINDINGS.md)."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from telegram.error import NetworkError, TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from app.builder import build_application
from app.clock import FrozenClock
from app.context import services_of
from app.health import TICK_STALE_AFTER, check_health
from app.metrics import Metrics
from app.processor import PerChatUpdateProcessor
from app.transport import RetryingRequest
from config.logs import PoolRetriesOncePerOutage
from config.settings import Settings
from handlers.errors import APOLOGY
from handlers.nudges import run_tick
from localapi.request import WorldRequest
from localapi.world import SimChat, World
from tests.helpers import say

# --- 3. Telegram unreachable at start-up: /healthz says so, and "starting" -------------------


async def test_healthz_at_start_with_telegram_unreachable_blames_telegram_not_the_tick(
    settings: Settings, world: World, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    app = build_application(settings, clock=clock, request=WorldRequest(world))
    services = services_of(app)
    started = clock.now()
    await services.open()
    try:
        services.telegram.record(False, clock.now())  # getMe failed
        health = await check_health(services, started)
        assert health.to_json()["telegram"] == f"failing since {started.isoformat()}"
        assert (health.status, health.ok) == ("starting", False)
        clock.advance(timedelta(seconds=95))  # far past three tick intervals
        services.telegram.record(False, clock.now())
        body = (await check_health(services, started)).to_json()
        assert (body["status"], body["tick"], body["telegram"]) == (
            "starting",
            "none yet",
            f"failing since {started.isoformat()}",
        )
        services.telegram.record(True, clock.now())  # getMe answers at last
        assert "Telegram answers again after 95 s" in caplog.messages
        health = await check_health(services, started)
        assert (health.status, health.tick, health.telegram) == ("starting", "none yet", "ok")
        clock.advance(TICK_STALE_AFTER + timedelta(seconds=1))  # counted from the answer
        assert (await check_health(services, started)).tick == "stale"
    finally:
        await services.close()


# --- 4. a proxy's 502 "bad gateway": one line, no ERROR traceback --------------------------


class BadGateway(BaseRequest):
    """Telegram's proxy, while Telegram is down."""

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(  # type: ignore[override]
        self, url: str, method: str, request_data: RequestData | None = None, *args: object
    ) -> tuple[int, bytes]:
        return 502, b"bad gateway"


async def test_a_body_that_is_not_json_logs_no_error_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    request = RetryingRequest(BadGateway(), attempts=1)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await request.post("https://api.telegram.org/botX/getUpdates")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    with pytest.raises(TelegramError, match="not JSON: 'bad gateway'"):
        RetryingRequest.parse_json_payload(b"bad gateway")
    assert not caplog.records


# --- 5. polling mode: an update lost to a database outage is named -------------------------


async def test_polling_names_the_update_the_database_outage_lost(
    app: Application,
    world: World,
    group: SimChat,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)

    async def down(*args: object, **kwargs: object) -> object:
        raise OSError(111, "Connect call failed ('127.0.0.1', 5432)")

    monkeypatch.setattr(services_of(app).register, "assign", down)
    replies = await say(app, world, world.people[101], group, "/assign me Sent during DB outage")
    assert [r.text for r in replies] == [APOLOGY]
    told = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    [outage, lost] = told
    assert "webhook" not in outage  # polling: Telegram sends nothing again
    assert "polling does not redeliver updates" in outage
    assert lost.startswith("Update ")
    assert f"in chat {group.chat_id} from user 101" in lost
    assert lost.endswith(
        "was not handled: the database is not answering; polling does not redeliver it, "
        "the sender was asked to try again"
    )


# --- 8. the outage in the log once, and in the metrics -------------------------------------


def samples(app: Application) -> dict[str, float]:
    """Every sample of /metrics as {'name{labels}': value}."""
    text = services_of(app).metrics.exposition().decode()
    return {
        f"{s.name}{{{','.join(f'{k}={v}' for k, v in sorted(s.labels.items()))}}}": s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_updates_and_replies_are_exported_at_zero_from_the_start(
    settings: Settings, world: World
) -> None:
    app = build_application(settings, request=WorldRequest(world), scheduled_jobs=False)
    found = samples(app)
    for kind in ("message", "edited_message", "callback_query", "my_chat_member", "chat_member"):
        assert found[f"accord_updates_total{{type={kind}}}"] == 0
    assert found["accord_replies_sent_total{method=sendMessage}"] == 0
    assert found["accord_replies_sent_total{method=editMessageText}"] == 0
    for name in ("database_errors", "updates_failed", "ticks_failed"):
        assert found[f"accord_{name}_total{{}}"] == 0


async def test_a_database_outage_shows_in_the_metrics(
    app: Application,
    world: World,
    group: SimChat,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services = services_of(app)
    ticks_before = samples(app)["accord_tick_seconds_count{}"]

    async def down(*args: object, **kwargs: object) -> object:
        raise OSError(111, "Connect call failed ('127.0.0.1', 5432)")

    monkeypatch.setattr(services.register, "assign", down)
    monkeypatch.setattr(services.nudges.schedules, "due", down)
    await say(app, world, world.people[101], group, "/assign me Sent during DB outage")
    for _ in range(2):
        with pytest.raises(OSError, match="Connect call failed"):
            await run_tick(app)
        await app.process_error(update=None, error=OSError(111, "Connect call failed"))
        clock.advance(timedelta(minutes=1))
    found = samples(app)
    assert found["accord_updates_failed_total{}"] == 1
    assert found["accord_ticks_failed_total{}"] == 2
    assert found["accord_database_errors_total{}"] == 3  # the update and both ticks
    assert found["accord_tick_seconds_count{}"] == ticks_before  # a failed tick is no tick


def test_asyncpg_pool_retries_are_one_line_per_outage() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    handler.addFilter(PoolRetriesOncePerOutage())  # as configure_logging installs it
    pool, outage = logging.getLogger("asyncpg.pool"), logging.getLogger("app.outage")
    pool.addHandler(handler)
    outage.addHandler(handler)
    try:
        for _ in range(2):  # two outages
            for _ in range(5):  # at 1, 2, 4, 8, 16 s
                pool.warning("Failed to restore the pool connection floor; retrying")
            outage.warning("The database answers again (not answering for %.0fs)", 60)
    finally:
        pool.removeHandler(handler)
        outage.removeHandler(handler)
    floor = "asyncpg.pool: Failed to restore the pool connection floor; retrying"
    assert out.getvalue().splitlines() == 2 * [
        f"{floor} (said once per outage)",
        "app.outage: The database answers again (not answering for 60s)",
    ]


class DatabaseDown:
    """The exactly-once gate while PostgreSQL is down: it cannot take the chat's lock."""

    @asynccontextmanager
    async def admit(self, update: object, key: int | None) -> AsyncIterator[bool]:
        raise OSError(111, "Connect call failed")
        yield True  # pragma: no cover


async def test_an_update_the_gate_failed_is_not_counted_as_handled() -> None:
    metrics = Metrics()
    processor = PerChatUpdateProcessor(4, metrics)
    processor.gate = DatabaseDown()

    async def handle() -> None:
        return None

    with pytest.raises(OSError, match="Connect call failed"):
        await processor.process_update("update", handle())
    assert metrics.updates.labels("str")._value.get() == 0
    assert metrics.handler_seconds._sum.get() == 0
