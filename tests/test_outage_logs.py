"""A database outage in the log (issue 12, second trial, finding 15): one line when it
starts and one when it ends, not a traceback per failed tick or update; asyncpg's pool
retries keep their line but lose their traceback."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from app.context import services_of
from config.logs import _one_line_for_the_pool
from handlers.nudges import run_tick


async def test_an_outage_is_one_line_at_its_start_and_one_at_its_end(
    app: Application,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    engine = services_of(app).nudges

    async def down(now: object) -> list[object]:
        raise OSError(111, "Connect call failed ('127.0.0.1', 5432)")

    monkeypatch.setattr(engine.schedules, "due", down)
    for _ in range(5):  # five failed ticks, as the job queue reports them
        try:
            await run_tick(app)
        except OSError as error:
            await app.process_error(update=None, error=error)
        clock.advance(timedelta(minutes=1))
    told = [r for r in caplog.records if r.levelno >= logging.WARNING]
    [line] = [r.getMessage() for r in told]
    assert line.startswith("The database is not answering (ConnectionRefusedError: [Errno 111]")
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    monkeypatch.undo()
    await run_tick(app)
    told = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert told[1:] == ["The database answers again (not answering for 300s)"]
    await run_tick(app)
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 2


async def test_a_bug_still_gets_its_traceback(
    app: Application, caplog: pytest.LogCaptureFixture
) -> None:
    await app.process_error(update=None, error=ValueError("a bug"))
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.ERROR
    assert "ValueError while handling a job" in record.getMessage()


def test_asyncpg_pool_retries_are_one_line_each() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_one_line_for_the_pool)  # as configure_logging installs it
    pool = logging.getLogger("asyncpg.pool")
    pool.addHandler(handler)
    try:
        raise ConnectionRefusedError(111, "Connect call failed")
    except ConnectionRefusedError:
        pool.warning("Failed to restore the pool connection floor; retrying", exc_info=True)
    finally:
        pool.removeHandler(handler)
    [line] = out.getvalue().splitlines()
    assert line.endswith(
        "WARNING asyncpg.pool: Failed to restore the pool connection floor; retrying"
        " (ConnectionRefusedError: [Errno 111] Connect call failed)"
    )
