"""The per-person rate limit counts changes only, and its refusals do not flood a group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from app.lifecycle import feed
from app.throttle import Throttle
from localapi.world import World
from tests.helpers import say, toasts

LIMITED = "That's a lot of changes at once."


pytestmark = pytest.mark.settings(
    WRITE_BURST="2", WRITE_RATE_PER_MINUTE="1"
)  # Two changes at once, then one a minute (the trial's settings).


def people(world: World):
    return (world.people[i] for i in (101, 102, 103, 104))


async def test_read_only_forms_of_writing_commands_take_no_token(
    app: Application, world: World, group
) -> None:
    alice, *_ = people(world)
    for command in ("/nudges", "/nudges", "/nudges", "/timezone", "/coordinator", "/quiet"):
        [answer] = await say(app, world, alice, group, command)
        assert not answer.text.startswith(LIMITED), command
    for n in (1, 2):
        [answer] = await say(app, world, alice, group, f"/assign me Task {n}")
        assert answer.text.startswith(f"Recorded #{n}")
    [answer] = await say(app, world, alice, group, "/assign me Task 3")
    assert answer.text.startswith(f"{LIMITED} Try again in 60 seconds: this one was not")
    [answer] = await say(app, world, alice, group, "/nudges")  # reading still answers
    assert answer.text.startswith("Nudges in")


async def test_refused_commands_take_no_token(app: Application, world: World, group) -> None:
    _, _, carol, _ = people(world)
    refused = (
        "/timezone Asia/Tokyo",  # not a coordinator
        "/timezone Asia/Tokyo",
        "/assign",  # usage errors
        "/due 1",
        "/assign me Party by 31 February",  # a date that can't be read
        "/done 99",  # no such action
    )
    for command in refused:
        [answer] = await say(app, world, carol, group, command)
        assert not answer.text.startswith(LIMITED), command
    for n in (1, 2):
        [answer] = await say(app, world, carol, group, f"/assign me Task {n}")
        assert answer.text.startswith(f"Recorded #{n}")


async def test_a_person_is_told_to_wait_once_per_wait(
    app: Application, world: World, group, clock: FrozenClock
) -> None:
    alice, bob, *_ = people(world)
    await say(app, world, alice, group, "/assign me Task 1")
    [message] = await say(app, world, alice, group, "/assign me Task 2")
    [answer] = await say(app, world, alice, group, "/assign me Task 3")
    assert answer.text.startswith(f"{LIMITED} Try again in 60 seconds: this one was not")
    for n in range(20):  # a flood of refused commands: silence in the group
        assert await say(app, world, alice, group, f"/assign me Flood {n}") == []
    await feed(app, world.user_presses(alice, message, "act:done:2"))  # a press is answered
    assert toasts(world)[-1].startswith(LIMITED)
    [other] = await say(app, world, bob, group, "/assign me Bob's")  # others are not limited
    assert other.text.startswith("Recorded #3")
    clock.advance(timedelta(seconds=30))
    assert await say(app, world, alice, group, "/done 1") == []  # still within the wait
    clock.advance(timedelta(seconds=31))
    [missed, answer] = await say(app, world, alice, group, "/done 1")
    assert missed.text.startswith("Not recorded while you were asked to wait (21): /assign")
    assert answer.text.startswith("Done: #1")
    [answer] = await say(app, world, alice, group, "/done 2")  # a new wait is told again
    assert answer.text.startswith(f"{LIMITED} Try again in 59 seconds:")


def test_tokens_given_back_never_pass_the_burst() -> None:
    t0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    throttle = Throttle(burst=2, per_minute=1)
    assert throttle.take("a", t0) is None
    throttle.give_back("a", t0, 5)
    assert throttle.take("a", t0, 2) is None  # two again, not seven
    assert throttle.take("a", t0) == timedelta(seconds=60)
    assert throttle.first_refusal("a", t0, timedelta(seconds=60))
    assert not throttle.first_refusal("a", t0 + timedelta(seconds=59), timedelta(seconds=1))
    assert throttle.first_refusal("a", t0 + timedelta(seconds=60), timedelta(seconds=1))
