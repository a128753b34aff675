"""Hostile and careless input: nothing a member types can freeze the bot, break the
register for everyone, or move a due day when the chat's timezone changes."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest
from telegram.ext import Application

from app.lifecycle import feed
from bench.harness import StallWatch
from console.cast import Cast
from localapi.world import World
from register.dates import DueDateError, parse_due, warm_up
from register.parsing import UsageError, split_due
from tests.helpers import introduce, say

ZONE_NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
async def group(app: Application, world: World, cast: Cast):
    chat = cast.groups["partners"]
    await introduce(app, world, chat, *(world.people[i] for i in (101, 102, 103, 104)))
    return chat


def _seconds(call) -> float:
    started = time.perf_counter()
    try:
        call()
    except UsageError:
        pass  # a clear refusal is fine: it just has to come at once
    return time.perf_counter() - started


def test_split_due_is_fast_on_repeated_markers() -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/London")
    warm_up()  # as at start-up: dateparser's data loaded once
    for text in ("x in " * 400, "by on in due " * 300, "do it in 2 " * 400):
        elapsed = _seconds(lambda text=text: split_due(text, ZONE_NOW, zone))
        assert elapsed < 0.05, (text[:20], elapsed)


def test_parse_due_refuses_long_text_before_parsing() -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/London")
    for text in ("12 " * 1000, "in " * 1000, "3rd of december " * 100):
        started = time.perf_counter()
        with pytest.raises(DueDateError, match="too long"):
            parse_due(text, ZONE_NOW, zone)
        assert time.perf_counter() - started < 0.02


async def test_a_4kb_assign_is_answered_at_once_and_blocks_no_one(
    app: Application, world: World, cast: Cast, group
) -> None:
    alice, carol = world.people[101], world.people[103]
    steering = cast.groups["steering"]
    hostile = "/assign me " + "in " * 1360  # about 4 KB
    async with StallWatch() as watch:
        started = time.perf_counter()
        slow = asyncio.create_task(feed(app, world.user_says(alice, group, hostile)))
        await asyncio.sleep(0)
        other_started = time.perf_counter()
        await feed(app, world.user_says(carol, steering, "/nudges"))
        other_took = time.perf_counter() - other_started
        await slow
        took = time.perf_counter() - started
    [answer] = world.bot_messages(group.chat_id)[-1:]
    assert "characters long" in answer.text  # a clear refusal, not the generic apology
    assert "keep" in answer.text
    assert world.bot_messages(steering.chat_id)  # the other group was answered …
    assert other_took < 0.5  # … without waiting for the hostile one
    assert took < 0.5
    assert watch.longest < 0.25
    [listing] = await say(app, world, alice, group, "/actions")
    assert "none" in listing.text  # nothing was recorded


async def test_due_with_a_4kb_when_is_refused_clearly(app: Application, world: World, group) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Draft the bid by Friday")
    started = time.perf_counter()
    [answer] = await say(app, world, alice, group, "/due 1 " + "12 " * 1360)
    assert time.perf_counter() - started < 0.5
    assert "too long" in answer.text
    assert len(answer.text) < 400  # the 4 KB is not echoed back
