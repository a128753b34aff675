"""Several instances on one PostgreSQL: each update handled once whichever instance gets
it (its ``update_id`` recorded), one chat's updates one at a time across instances (the
chat's lock in the database), and on SQLite the same ledger with nothing to lock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from telegram import Update
from telegram.ext import Application

from app.builder import build_application
from app.clock import FrozenClock
from app.context import services_of
from app.exactly_once import UpdateLedger
from app.lifecycle import running
from app.processor import PerChatUpdateProcessor
from handlers.nudges import run_tick
from localapi.request import WorldRequest
from localapi.world import SimChat, World
from storage.database import Database
from tests.helpers import BOTH_BACKENDS, partnerships, say, toasts

ON_POSTGRES = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


def with_ledger(app: Application) -> Application:
    """``app`` as ``bot.py`` runs it against Telegram (``exactly_once=True``)."""
    processor = app.update_processor
    assert isinstance(processor, PerChatUpdateProcessor)
    processor.gate = UpdateLedger(services_of(app))
    return app


async def deliver(app: Application, update_json: dict) -> None:
    """Hand one update to ``app`` as its webhook does: through the update processor."""
    update = Update.de_json(update_json, app.bot)
    await app.update_processor.process_update(update, app.process_update(update))


@pytest.fixture
async def second(app: Application, world: World, clock: FrozenClock) -> AsyncIterator[Application]:
    """Another instance on the same database, Bot API and clock, with the ledger."""
    request = WorldRequest(world)
    other = build_application(
        services_of(app).settings,
        clock=clock,
        request=request,
        get_updates_request=request,
        scheduled_jobs=False,
        exactly_once=True,
    )
    async with running(other):
        yield other


@BOTH_BACKENDS
async def test_a_redelivered_update_is_handled_once(
    app: Application, world: World, group: SimChat
) -> None:
    """A read (not claimed per message) and a button press (no message id of its own):
    Telegram sends each again after a lost answer; the second delivery does nothing."""
    with_ledger(app)
    alice = world.people[101]
    asking = world.user_says(alice, group, "/actions")
    await deliver(app, asking)
    await deliver(app, asking)
    assert len([m for m in world.bot_messages(group.chat_id) if "actions" in m.text.lower()]) == 1
    [recorded] = await say(app, world, alice, group, "/assign me Draft the MoU")
    pressing = world.user_presses(alice, recorded, dict(recorded.buttons())["Done"])
    await deliver(app, pressing)
    await deliver(app, pressing)
    assert toasts(world) == ["#1 is done."]
    # /metrics counts what was handled: the two skipped deliveries are not among them
    handled = services_of(app).metrics.registry.get_sample_value
    assert handled("accord_updates_total", {"type": "message"}) == 1
    assert handled("accord_updates_total", {"type": "callback_query"}) == 1


@ON_POSTGRES
async def test_one_update_sent_to_two_instances_at_once_is_handled_once(
    app: Application, second: Application, world: World, group: SimChat
) -> None:
    with_ledger(app)
    alice = world.people[101]
    before = len(world.bot_messages(group.chat_id))
    updates = [world.user_says(alice, group, f"/assign me Item {n}") for n in range(5)]
    updates += [world.user_says(alice, group, "/actions")]
    for update in updates:  # each one reaches both instances together
        await asyncio.gather(deliver(app, update), deliver(second, update))
    replies = [m.text for m in world.bot_messages(group.chat_id)[before:]]
    assert len(replies) == 6, replies
    assert [r.split(" for ")[0] for r in replies[:5]] == [f"Recorded #{n}" for n in range(1, 6)]
    assert await services_of(app).register.actions.count_open(group.chat_id) == 5


@ON_POSTGRES
async def test_a_chats_update_waits_while_another_instance_holds_the_chat(
    app: Application, second: Application, world: World, group: SimChat
) -> None:
    """The lock is the database's: an instance mid-update in a chat (here, a third
    connection holding it) keeps every other instance out of that chat, not others."""
    outsider = await Database.open(services_of(app).settings.database)
    try:
        alice = world.people[101]
        private = world.private_chat(alice)
        async with outsider.chat_lock(group.chat_id):
            waiting = asyncio.create_task(
                deliver(second, world.user_says(alice, group, "/assign me Waits its turn"))
            )
            await _until_a_lock_is_awaited(outsider)
            await deliver(second, world.user_says(alice, private, "/start"))  # another chat
            assert world.bot_messages(private.chat_id)
            assert not waiting.done()
            assert not [m for m in world.bot_messages(group.chat_id) if "Waits" in m.text]
        await waiting
        assert "Waits its turn" in world.bot_messages(group.chat_id)[-1].text
    finally:
        await outsider.close()


async def _until_a_lock_is_awaited(database: Database) -> None:
    """Until some connection waits for an advisory lock (PostgreSQL's own view)."""
    for _ in range(2000):
        row = await database.fetch_one(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        )
        if row is not None and row[0]:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("nobody waited for the chat's lock")


MONDAY_0900 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@ON_POSTGRES
async def test_two_instances_ticking_at_once_send_each_nudge_once(
    app: Application, second: Application, world: World, clock: FrozenClock
) -> None:
    chats = await partnerships(services_of(app), world, 40, due_text="by tuesday")
    for moment in (MONDAY_0900, datetime(2026, 11, 24, 9, 0, tzinfo=UTC)):  # digests, reminders
        clock.advance(moment - clock.now())
        await asyncio.gather(run_tick(app), run_tick(second))
    for chat_id in chats:
        texts = [m.text for m in world.bot_messages(chat_id)]
        assert len([t for t in texts if t.startswith("Digest")]) == 1, texts
        assert len([t for t in texts if "reminder" in t]) == 1, texts
    assert len(world.bot_messages()) == 2 * len(chats)
