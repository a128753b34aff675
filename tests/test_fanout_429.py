"""A 429 in one group holds up only that group's nudges: the others go on meanwhile."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest
from telegram.ext import Application, JobQueue

from app.clock import FrozenClock
from console.cast import Cast
from handlers.nudges import run_tick, schedule_tick
from localapi.world import World
from tests.helpers import introduce, say
from tests.test_flood import FLOOD, gated_limiter, until

MONDAY_0900 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def digests(world: World, chat_id: int) -> list[str]:
    return [m.text for m in world.bot_messages(chat_id) if m.text.startswith("Digest —")]


async def test_a_429_in_one_group_does_not_delay_another_groups_digest(
    app: Application, world: World, cast: Cast, clock: FrozenClock
) -> None:
    partners, steering = cast.groups["partners"], cast.groups["steering"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, steering, carol)
    await say(app, world, alice, partners, "/assign me Partners work by friday")
    await say(app, world, carol, steering, "/assign me Steering work by friday")
    _, gate, waits = gated_limiter(app)
    world.fail_chat(partners.chat_id, FLOOD)
    clock.advance(MONDAY_0900 - clock.now())
    tick = asyncio.create_task(run_tick(app))
    try:
        await until(lambda: waits, "the partners' digest to meet the flood limit")
        await until(lambda: digests(world, steering.chat_id), "steering's digest meanwhile")
        assert digests(world, partners.chat_id) == []  # still waiting out its 429
        gate.set()
        await asyncio.wait_for(tick, 5)
    finally:
        tick.cancel()
    assert waits == [pytest.approx(30.1)]
    [digest] = digests(world, partners.chat_id)
    assert "Partners work" in digest


async def test_a_429_pauses_the_rest_of_that_groups_fan_out(
    app: Application, world: World, cast: Cast
) -> None:
    """A second fan-out message to the flooded group waits for the first's retry-after."""
    from app.ratelimit import FAN_OUT

    partners, steering = cast.groups["partners"], cast.groups["steering"]
    _, gate, waits = gated_limiter(app)
    world.fail_chat(partners.chat_id, FLOOD)
    first = asyncio.create_task(
        app.bot.send_message(partners.chat_id, "one", rate_limit_args=FAN_OUT)
    )
    try:
        await until(lambda: waits, "the first message to meet the flood limit")
        second = asyncio.create_task(
            app.bot.send_message(partners.chat_id, "two", rate_limit_args=FAN_OUT)
        )
        await app.bot.send_message(steering.chat_id, "elsewhere", rate_limit_args=FAN_OUT)
        await asyncio.sleep(0.05)
        assert [m.text for m in world.bot_messages(partners.chat_id)][-1:] != ["two"]
        gate.set()
        await asyncio.wait_for(asyncio.gather(first, second), 5)
    finally:
        first.cancel()
    assert [m.text for m in world.bot_messages(partners.chat_id)][-2:] == ["one", "two"]


async def test_a_skipped_tick_is_not_a_warning(
    app: Application, caplog: pytest.LogCaptureFixture
) -> None:
    """A tick is skipped while the previous one runs, by design (the next sends what is
    due): APScheduler's warning about it stays out of the console and the logs."""
    queue = JobQueue()
    queue.set_application(app)
    schedule_tick(queue)
    [job] = queue.get_jobs_by_name("tick")
    assert (job.job.max_instances, job.job.coalesce) == (1, True)
    scheduler = logging.getLogger("apscheduler.scheduler")
    with caplog.at_level(logging.INFO):
        scheduler.warning(
            'Execution of job "%s" skipped: maximum number of running instances reached (%d)',
            "tick",
            1,
        )
        scheduler.warning("Something else about the scheduler")
    assert [r.getMessage() for r in caplog.records] == ["Something else about the scheduler"]
    job.schedule_removal()
