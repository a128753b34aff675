"""Floods: a per-person limit on changes and a per-chat cap on open actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import Application, CommandHandler

from app.clock import FrozenClock
from app.context import services_of
from app.lifecycle import feed
from app.throttle import Throttle, describe_wait
from config.settings import SettingsError, load_settings
from domain.model import Status
from handlers.catalogue import catalogue_of, edit_notice
from handlers.common import AdminCache
from localapi.world import World
from tests.helpers import say, toasts

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


pytestmark = pytest.mark.settings(
    WRITE_BURST="3", WRITE_RATE_PER_MINUTE="6", MAX_OPEN_ACTIONS="4"
)  # Three changes at once, then one every ten seconds; at most four open actions.


@pytest.fixture
def group(cast):
    return cast.groups["partners"]


async def open_count(app: Application, chat_id: int) -> int:
    return len(await services_of(app).register.actions.in_chat(chat_id, [Status.OPEN]))


async def test_a_burst_is_refused_until_the_clock_moves_on(
    app: Application, world: World, group, clock: FrozenClock
) -> None:
    alice, carol = world.people[101], world.people[103]
    for n in range(3):
        [reply] = await say(app, world, alice, group, f"/assign me Task {n}")
        assert reply.text.startswith(f"Recorded #{n + 1}")
    [refused] = await say(app, world, alice, group, "/assign me One too many")
    assert refused.text.startswith(
        "That's a lot of changes at once. Try again in 10 seconds: this one was not recorded"
    )
    assert await open_count(app, group.chat_id) == 3
    [listing] = await say(app, world, alice, group, "/actions")  # reading is not limited
    assert "Open actions" in listing.text
    [other] = await say(app, world, carol, group, "/assign me Carol's own")  # per person
    assert other.text.startswith("Recorded #4")
    clock.advance(timedelta(seconds=4))
    assert await say(app, world, alice, group, "/done 1") == []  # told once per wait
    clock.advance(timedelta(seconds=6))
    [missed, reply] = await say(app, world, alice, group, "/done 1")
    assert missed.text.startswith("Not recorded while you were asked to wait (1): /done 1.")
    assert reply.text.startswith("Done: #1")


async def test_buttons_that_change_things_count_too(app: Application, world: World, group) -> None:
    alice = world.people[101]
    [message] = await say(app, world, alice, group, "/assign me Slides")
    await say(app, world, alice, group, "/update 1 on track")
    await say(app, world, alice, group, "/update 1 at risk")
    await feed(app, world.user_presses(alice, message, "act:done:1"))
    assert toasts(world)[-1] == "That's a lot of changes at once. Try again in 10 seconds."
    await feed(app, world.user_presses(alice, message, "ci:done:1"))
    assert toasts(world)[-1].startswith("That's a lot of changes at once.")
    await feed(app, world.user_presses(alice, message, "kb:fb:1:key-principles"))
    assert toasts(world)[-1].startswith("That's a lot of changes at once.")
    action = await services_of(app).register.actions.get(group.chat_id, 1)
    assert action.status is Status.AT_RISK


async def test_a_chat_holds_a_bounded_number_of_open_actions(
    app: Application, world: World, group, clock: FrozenClock
) -> None:
    alice = world.people[101]
    for n in range(4):
        clock.advance(timedelta(seconds=10))
        await say(app, world, alice, group, f"/assign me Task {n}")
    clock.advance(timedelta(seconds=10))
    [refused] = await say(app, world, alice, group, "/assign me Task 5")
    assert refused.text == (
        "This chat already has 4 open actions, the most Accord keeps open at once. "
        "Close or drop some (/done, /drop; see /actions), then try again."
    )
    assert await open_count(app, group.chat_id) == 4
    clock.advance(timedelta(seconds=10))
    await say(app, world, alice, group, "/drop 2 not needed")
    clock.advance(timedelta(seconds=10))
    [reply] = await say(app, world, alice, group, "/assign me Task 5")
    assert reply.text.startswith("Recorded #5")


async def test_every_writing_command_ignores_edits(app: Application) -> None:
    """The catalogue decides: no writing command's handler accepts an edited message."""
    edited = Update.de_json(
        {
            "update_id": 1,
            "edited_message": {
                "message_id": 1,
                "date": 0,
                "edit_date": 1,
                "chat": {"id": -1, "type": "supergroup", "title": "G"},
                "from": {"id": 5, "is_bot": False, "first_name": "E"},
                "text": "/placeholder",
                "entities": [{"type": "bot_command", "offset": 0, "length": 12}],
            },
        },
        app.bot,
    )
    handlers = [
        h for group in app.handlers.values() for h in group if isinstance(h, CommandHandler)
    ]
    writing = [c for c in catalogue_of(app).for_groups() if c.writes]
    assert {c.name for c in writing} >= {"assign", "update", "done", "digest", "coordinator"}
    for command in writing:
        edited.edited_message._unfreeze()  # type: ignore[union-attr]
        edited.edited_message.text = f"/{command.name}"  # type: ignore[union-attr]
        edited.edited_message.entities[0]._unfreeze()  # type: ignore[union-attr]
        edited.edited_message.entities[0].length = len(command.name) + 1  # type: ignore[union-attr]
        owners = [h for h in handlers if command.name in h.commands]
        assert owners, command.name
        running = [h for h in owners if h.callback is not edit_notice]  # the notice only tells
        assert not any(h.check_update(edited) for h in running), command.name


# --- the pieces on their own ----------------------------------------------------------


def test_throttle_refills_at_its_rate() -> None:
    throttle = Throttle(burst=2, per_minute=30)
    assert throttle.take("a", T0) is None
    assert throttle.take("a", T0) is None
    assert throttle.take("a", T0) == timedelta(seconds=2)
    assert throttle.take("a", T0 + timedelta(seconds=1)) == timedelta(seconds=1)
    assert throttle.take("a", T0 + timedelta(seconds=2)) is None


def test_throttle_forgets_idle_people_and_stays_bounded() -> None:
    throttle = Throttle(burst=2, per_minute=60, max_tracked=100)
    for person in range(50):
        throttle.take(person, T0)
    assert len(throttle) == 50
    throttle.take("late", T0 + timedelta(seconds=5))  # everyone else has refilled
    assert len(throttle) == 1
    for person in range(1000):
        throttle.take(person, T0 + timedelta(seconds=6))
    assert len(throttle) == 100


def test_waits_are_rounded_up_for_people() -> None:
    assert describe_wait(timedelta(seconds=0.2)) == "1 second"
    assert describe_wait(timedelta(seconds=9.1)) == "10 seconds"
    assert describe_wait(timedelta(seconds=150)) == "3 minutes"


def test_admin_cache_expires_forgets_and_stays_bounded() -> None:
    cache = AdminCache(size=10)
    cache.put(-1, 1, True, T0)
    cache.put(-1, 2, False, T0)
    cache.put(-2, 1, True, T0)
    assert cache.get(-1, 1, T0 + timedelta(minutes=4)) is True
    assert cache.get(-1, 1, T0 + timedelta(minutes=6)) is None
    cache.forget(-1, 2)
    assert cache.get(-1, 2, T0) is None
    cache.forget(-2)
    assert cache.get(-2, 1, T0) is None
    for user in range(100):
        cache.put(-3, user, True, T0)
    assert len(cache) <= 10
    cache.put(-3, 999, True, T0 + timedelta(minutes=10))  # the rest have expired
    assert len(cache) == 1


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("WRITE_BURST", "0", "0 is not between 1 and 1000000"),
        ("WRITE_RATE_PER_MINUTE", "fast", "'fast' is not a whole number"),
        ("MAX_OPEN_ACTIONS", "-5", "-5 is not between 1 and 1000000"),
    ],
)
def test_flood_settings_are_validated(tmp_path: Path, name: str, value: str, problem: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"DATABASE_PATH": str(tmp_path / "a.db"), name: value}, env_file=None)
    assert str(raised.value) == f"{name}: {problem}"


def test_flood_settings_have_sane_defaults(tmp_path: Path) -> None:
    settings = load_settings({"DATABASE_PATH": str(tmp_path / "a.db")}, env_file=None)
    assert (settings.write_burst, settings.write_rate_per_minute) == (20, 30)
    assert settings.max_open_actions == 500
