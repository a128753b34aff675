"""Fault injection on every nudge send path: a send that fails after the transport's
retries is logged as failed and retried within the lateness window, and one chat's
failures never touch another chat's nudges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from app.context import services_of
from config.settings import load_settings
from localapi.world import BotApiError, Fault, TransportError, World
from tests.helpers import say, tick_at

pytestmark = pytest.mark.settings(
    WRITE_BURST="100000"
)  # These tests fill a register fast; the flood limits have tests of their own.


MONDAY_0900 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TUESDAY_0900 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ATTEMPTS = 4  # RetryingRequest's attempts: an outage outlasts them all

FAULTS = {
    "502": BotApiError(502, "Bad Gateway"),
    "500": BotApiError(500, "Internal Server Error"),
    "timeout": TransportError("timeout"),
    "reset": TransportError("reset"),
}


@pytest.fixture(params=list(FAULTS))
def fault(request: pytest.FixtureRequest) -> Fault:
    return FAULTS[request.param]


def texts(world: World, chat_id: int, start: str) -> list[str]:
    return [m.text for m in world.bot_messages(chat_id) if m.text.startswith(start)]


async def outcomes(app: Application, chat_id: int, kind: str) -> list[str]:
    log = await services_of(app).nudges.schedules.logged(chat_id)
    return [outcome for logged_kind, _, outcome in log if logged_kind == kind]


async def test_a_failed_digest_is_retried_and_other_chats_get_theirs(
    app, world, groups, clock, fault
) -> None:
    partners, steering = groups
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, partners, "/assign me Partners work by friday")
    await say(app, world, carol, steering, "/assign me Steering work by friday")
    world.fail_chat(partners.chat_id, fault, times=ATTEMPTS)
    await tick_at(app, clock, MONDAY_0900)
    assert len(texts(world, steering.chat_id, "Digest —")) == 1
    assert texts(world, partners.chat_id, "Digest —") == []
    assert await outcomes(app, partners.chat_id, "digest") == ["failed"]
    await tick_at(app, clock, MONDAY_0900 + timedelta(minutes=1))
    [digest] = texts(world, partners.chat_id, "Digest —")
    assert "Partners work" in digest
    assert await outcomes(app, partners.chat_id, "digest") == ["failed", "sent"]
    await tick_at(app, clock, MONDAY_0900 + timedelta(minutes=5))
    assert len(texts(world, partners.chat_id, "Digest —")) == 1  # once
    assert len(texts(world, steering.chat_id, "Digest —")) == 1
    schedules = await services_of(app).nudges.schedules.of_chat(partners.chat_id)
    assert schedules["digest"].next_fire_at == MONDAY_0900 + timedelta(days=7)


async def test_a_digest_is_retried_with_backoff_until_the_lateness_window_ends(
    app, world, groups, clock
) -> None:
    partners, _ = groups
    alice = world.people[101]
    await say(app, world, alice, partners, "/assign me Partners work by friday")
    world.fail_chat(partners.chat_id, FAULTS["502"], times=10_000)  # down all day
    tries = 0
    moment = MONDAY_0900
    while moment <= MONDAY_0900 + timedelta(hours=13):
        before = len(world.calls)
        await tick_at(app, clock, moment)
        tries += any(m == "sendMessage" for m, _ in world.calls[before:])
        moment += timedelta(minutes=2)  # a tick every 2 minutes: the test stays fast
    log = await outcomes(app, partners.chat_id, "digest")
    assert log == ["failed"] * tries
    assert 8 <= tries <= 25  # backed off, not at every tick for 12 hours
    world.chat_faults.clear()
    await tick_at(app, clock, moment + timedelta(hours=1))
    assert texts(world, partners.chat_id, "Digest —") == []  # too late now: not sent


async def test_a_late_retry_says_why_it_is_late(app, world, groups, clock) -> None:
    partners, _ = groups
    await say(app, world, world.people[101], partners, "/assign me Partners work by friday")
    world.fail_chat(partners.chat_id, FAULTS["reset"], times=4 * ATTEMPTS)
    for minutes in (0, 1, 2, 4):
        await tick_at(app, clock, MONDAY_0900 + timedelta(minutes=minutes))
    assert texts(world, partners.chat_id, "Digest —") == []
    await tick_at(app, clock, MONDAY_0900 + timedelta(minutes=8))
    [digest] = texts(world, partners.chat_id, "Digest —")
    assert "\nLate: this was due Mon 23 Nov 09:00; Telegram could not be reached then." in digest


async def test_a_failed_checkin_is_retried_and_other_chats_get_theirs(
    app, world, groups, clock, fault
) -> None:
    partners, steering = groups
    alice, bob, carol = world.people[101], world.people[102], world.people[103]
    await say(app, world, alice, partners, "/assign @bobby_p Bob's work by friday")
    await say(app, world, carol, steering, "/assign @alice Alice's work by friday")
    for person, chat in ((alice, partners), (carol, steering)):
        await say(app, world, person, chat, "/nudges digest off")  # only check-ins at 09:30
        await say(app, world, person, chat, "/nudges checkin weekly mon 09:30")
    world.fail_chat(partners.chat_id, fault, times=ATTEMPTS)
    await tick_at(app, clock, MONDAY_0900 + timedelta(minutes=30))
    assert len(texts(world, steering.chat_id, "Check-in for Alice")) == 1
    assert texts(world, partners.chat_id, "Check-in for Bob") == []
    assert await outcomes(app, partners.chat_id, "checkin") == ["failed"]
    await tick_at(app, clock, MONDAY_0900 + timedelta(minutes=31))
    assert len(texts(world, partners.chat_id, "Check-in for Bob")) == 1
    assert await outcomes(app, partners.chat_id, "checkin") == ["failed", "sent"]
    assert bob.user_id  # Bob's prompt mentions him; Steering's did not wait for it


async def test_a_failed_private_reminder_is_retried(app, world, groups, clock, fault) -> None:
    partners, steering = groups
    alice, bob, carol = world.people[101], world.people[102], world.people[103]
    await say(app, world, bob, world.private_chat(bob), "/start")
    await say(app, world, alice, partners, "/assign @bobby_p Bob's task by wednesday")
    await say(app, world, carol, steering, "/assign @alice Alice's task by wednesday")
    world.fail_chat(bob.user_id, fault, times=ATTEMPTS)
    await tick_at(app, clock, TUESDAY_0900)
    assert texts(world, bob.user_id, "Reminder:") == []
    assert len(texts(world, steering.chat_id, "Alice, reminder")) == 1  # unaffected
    assert await outcomes(app, partners.chat_id, "reminder-before") == ["failed"]
    await tick_at(app, clock, TUESDAY_0900 + timedelta(minutes=1))
    assert texts(world, bob.user_id, "Reminder:") == [
        "Reminder: #1 Bob's task in Partners for Health is due Wed 25 Nov."
    ]
    assert await outcomes(app, partners.chat_id, "reminder-before") == ["failed", "sent"]
    await tick_at(app, clock, TUESDAY_0900 + timedelta(minutes=10))
    assert len(texts(world, bob.user_id, "Reminder:")) == 1
    assert len(texts(world, steering.chat_id, "Alice, reminder")) == 1


async def test_a_failed_group_reminder_is_retried(app, world, groups, clock, fault) -> None:
    partners, steering = groups
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, partners, "/assign @carol Carol's task by wednesday")
    await say(app, world, carol, steering, "/assign @alice Alice's task by wednesday")
    world.fail_chat(partners.chat_id, fault, times=ATTEMPTS)
    await tick_at(app, clock, TUESDAY_0900)
    assert texts(world, partners.chat_id, "Carol, reminder") == []
    assert len(texts(world, steering.chat_id, "Alice, reminder")) == 1
    assert await outcomes(app, partners.chat_id, "reminder-before") == ["failed"]
    await tick_at(app, clock, TUESDAY_0900 + timedelta(minutes=1))
    assert texts(world, partners.chat_id, "Carol, reminder") == [
        "Carol, reminder: #1 Carol's task is due Wed 25 Nov."
    ]
    assert await outcomes(app, partners.chat_id, "reminder-before") == ["failed", "sent"]


@pytest.mark.parametrize(("command", "start"), [("/digest", "Digest —"), ("/checkin", "Check-in")])
async def test_a_failed_command_nudge_is_retried(
    app, world, groups, clock, fault, command: str, start: str
) -> None:
    partners, steering = groups
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, partners, "/assign @bobby_p Partners work by friday")
    await say(app, world, carol, steering, "/assign @alice Steering work by friday")
    world.fail_chat(partners.chat_id, fault, times=ATTEMPTS)
    await say(app, world, alice, partners, command)
    assert texts(world, partners.chat_id, start) == []
    [apology] = world.bot_messages(partners.chat_id)[-1:]
    assert "try again" in apology.text
    await say(app, world, carol, steering, command)
    assert len(texts(world, steering.chat_id, start)) == 1  # another chat: unaffected
    kind = command.removeprefix("/")
    assert await outcomes(app, partners.chat_id, kind) == ["failed"]
    await tick_at(app, clock, clock.now() + timedelta(minutes=1))
    assert len(texts(world, partners.chat_id, start)) == 1
    assert await outcomes(app, partners.chat_id, kind) == ["failed", "sent"]


async def test_a_digest_whose_second_part_fails_is_not_repeated(app, world, groups, clock) -> None:
    """Part 1 arrived: resending the digest would repeat it, so it is logged partial
    and what it carried comes again in the next digest."""
    partners, _ = groups
    alice = world.people[101]
    for number in range(60):
        await say(app, world, alice, partners, f"/assign me Task {number} {'x' * 90} by friday")
    sent_before = len(world.bot_messages(partners.chat_id))
    state = {"sent": 0}

    original = world._api_sendMessage

    def second_part_fails(params):
        if int(params["chat_id"]) == partners.chat_id and state["sent"] >= 1:
            raise BotApiError(502, "Bad Gateway")
        state["sent"] += int(params["chat_id"]) == partners.chat_id
        return original(params)

    world._api_sendMessage = second_part_fails  # type: ignore[method-assign]
    await tick_at(app, clock, MONDAY_0900)
    world._api_sendMessage = original  # type: ignore[method-assign]
    assert len(world.bot_messages(partners.chat_id)) == sent_before + 1
    assert await outcomes(app, partners.chat_id, "digest") == ["partial"]
    await tick_at(app, clock, MONDAY_0900 + timedelta(hours=1))
    assert len(world.bot_messages(partners.chat_id)) == sent_before + 1  # no repeat
    chat = await services_of(app).chats.get(partners.chat_id)
    assert chat.last_digest_at is None  # the next digest still covers it


async def test_a_refused_nudge_stops_neither_the_tick_nor_other_chats(
    app, world, groups, clock
) -> None:
    from localapi.world import BadRequest

    partners, steering = groups
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, partners, "/assign me Partners work by friday")
    await say(app, world, carol, steering, "/assign me Steering work by friday")
    world.fail_chat(partners.chat_id, BadRequest("can't parse entities"))
    await tick_at(app, clock, MONDAY_0900)
    assert len(texts(world, steering.chat_id, "Digest —")) == 1
    assert await outcomes(app, partners.chat_id, "digest") == ["refused"]


@pytest.mark.parametrize("kind", ["reset", "timeout"])
async def test_real_resets_and_timeouts_over_http_are_retried(tmp_path, kind: str) -> None:
    """The same outage over a real socket: the fake server on 127.0.0.1 drops the
    connection or answers after the read timeout; aiohttp's failures reach the engine."""
    from app.builder import build_application
    from app.lifecycle import feed, running
    from app.transport import AiohttpRequest
    from console.cast import seed_world
    from localapi.request import WorldRequest
    from tests.conftest import START
    from tests.e2e import TOKEN, fake_telegram

    world = World(queue_updates=False)
    cast = seed_world(world)
    partners, steering = cast.groups["partners"], cast.groups["steering"]
    clock = FrozenClock(START)
    async with fake_telegram(world) as server:
        settings = load_settings(
            {
                "DATABASE_PATH": str(tmp_path / "accord.sqlite3"),
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE_URL": server.base_url,
            },
            env_file=None,
        )
        request = AiohttpRequest(pool_size=4, read_timeout=0.2)
        app = build_application(
            settings, clock=clock, request=request, get_updates_request=WorldRequest(world)
        )
        async with running(app):
            app.bot.request.first_delay = 0.0
            for chat, creator in ((partners, 101), (steering, 103)):
                await feed(app, world.add_bot_to(chat, world.people[creator]))
                await say(app, world, world.people[creator], chat, "/assign me Work by friday")
            world.fail_chat(partners.chat_id, TransportError(kind, 0.4), times=ATTEMPTS)
            await tick_at(app, clock, MONDAY_0900)
            assert len(texts(world, steering.chat_id, "Digest —")) == 1
            assert texts(world, partners.chat_id, "Digest —") == []
            assert await outcomes(app, partners.chat_id, "digest") == ["failed"]
            await tick_at(app, clock, MONDAY_0900 + timedelta(minutes=1))
            assert len(texts(world, partners.chat_id, "Digest —")) == 1
            assert await outcomes(app, partners.chat_id, "digest") == ["failed", "sent"]
