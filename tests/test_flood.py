"""A group waiting out Telegram's flood limit still gets its buttons answered at once.

Updates go through the update queue, as polling delivers them, so the per-chat update
processor and the rate limiter are both in play. The flood wait is a gate the test
opens: nothing here sleeps for the wall clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from telegram import Update
from telegram.ext import Application

from app.ratelimit import FanOutRateLimiter
from console.cast import Cast
from localapi.world import BotApiError, World
from tests.helpers import say

FLOOD = BotApiError(429, "Too Many Requests: retry after 30", {"retry_after": 30})


async def until(condition: Callable[[], bool], what: str) -> None:
    """Let the event loop run until ``condition`` holds (a few seconds at most)."""
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def deliver(app: Application, update_json: dict) -> None:
    """Queue an update as polling would: through the update processor."""
    app.update_queue.put_nowait(Update.de_json(update_json, app.bot))


def gated_limiter(app: Application) -> tuple[FanOutRateLimiter, asyncio.Event, list[float]]:
    limiter = app.bot.rate_limiter
    assert isinstance(limiter, FanOutRateLimiter)
    gate = asyncio.Event()
    waits: list[float] = []

    async def wait(seconds: float) -> None:
        waits.append(seconds)
        await gate.wait()

    limiter.wait = wait
    return limiter, gate, waits


def calls_to(world: World, method: str) -> list[int]:
    return [index for index, (name, _) in enumerate(world.calls) if name == method]


async def test_button_answered_while_the_group_waits_out_a_flood_limit(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    [recorded] = await say(app, world, alice, group, "/assign me Book the venue")
    limiter, gate, waits = gated_limiter(app)

    world.fail_next("sendMessage", FLOOD)
    start = len(world.calls)
    deliver(app, world.user_says(alice, group, "/actions"))
    await until(lambda: waits, "the /actions reply to meet the flood limit")

    deliver(app, world.user_presses(alice, recorded, "act:done:1"))
    await until(
        lambda: calls_to(world, "answerCallbackQuery"), "the button to be answered meanwhile"
    )
    assert "editMessageText" not in [name for name, _ in world.calls]  # queued behind

    gate.set()
    await asyncio.wait_for(app.update_queue.join(), 5)
    # The group's messages kept their order: the listing, then the edited confirmation.
    flooded, listing = [i for i in calls_to(world, "sendMessage") if i >= start]
    [edit] = calls_to(world, "editMessageText")
    assert flooded < listing < edit
    assert "Book the venue" in world.calls[listing][1]["text"]
    assert limiter.lanes.busy == 0  # lanes of finished updates are dropped


async def test_other_chats_are_not_held_up_and_order_holds_without_floods(
    app: Application, world: World, cast: Cast
) -> None:
    partners, steering = cast.groups["partners"], cast.groups["steering"]
    alice, carol = world.people[101], world.people[103]
    _, gate, waits = gated_limiter(app)
    world.fail_next("sendMessage", FLOOD)
    deliver(app, world.user_says(alice, partners, "/help"))
    await until(lambda: waits, "the flood wait")
    deliver(app, world.user_says(carol, steering, "/assign me Chair the meeting"))
    await until(
        lambda: any(m.chat_id == steering.chat_id for m in world.bot_messages()[-1:]),
        "the other group's reply",
    )
    for text in ("/assign me One", "/assign me Two", "/actions"):
        deliver(app, world.user_says(alice, partners, text))
    gate.set()
    await asyncio.wait_for(app.update_queue.join(), 5)
    replies = [m.text for m in world.bot_messages(partners.chat_id)][-4:]
    assert replies[1].startswith("Recorded #1")
    assert replies[2].startswith("Recorded #2")
    assert "One" in replies[3]
    assert "Two" in replies[3]


async def test_start_up_objects_are_kept_out_of_full_collections(settings) -> None:
    import gc

    from app.builder import build_application
    from app.lifecycle import running
    from localapi.request import WorldRequest

    gc.unfreeze()
    request = WorldRequest(World(queue_updates=False))
    application = build_application(
        settings, request=request, get_updates_request=request, scheduled_jobs=False
    )
    async with running(application):
        assert gc.get_freeze_count() > 50_000  # the knowledge base, date data, libraries
