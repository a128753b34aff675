"""The quarterly health check (/nudges healthcheck) and the chart with the digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telegram.ext import Application

from app.clock import FrozenClock
from app.context import services_of
from localapi.world import SimChat, World
from tests.helpers import say, tick_at

FIRST_MONDAY_OF_2027 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # 09:00 in London (GMT)


def questions_sent(world: World) -> int:
    return sum(1 for m in world.messages if any(data.startswith("hc:") for _, data in m.buttons()))


async def test_a_quarterly_health_check_opens_once_on_its_monday(
    app: Application, world: World, group: SimChat, clock: FrozenClock
) -> None:
    alice, carol = world.people[101], world.people[103]
    await say(app, world, carol, world.private_chat(carol), "/start")
    [refusal] = await say(app, world, carol, group, "/nudges healthcheck quarterly")
    assert "coordinator" in refusal.text
    [shown] = await say(app, world, alice, group, "/nudges")
    assert "Health check: off" in shown.text
    [shown] = await say(app, world, alice, group, "/nudges healthcheck quarterly")
    assert "Health check: quarterly — next Mon 04 Jan 2027 09:00" in shown.text
    await tick_at(app, clock, FIRST_MONDAY_OF_2027 - timedelta(minutes=1))
    assert questions_sent(world) == 0
    await tick_at(app, clock, FIRST_MONDAY_OF_2027)
    assert questions_sent(world) == 1  # Carol, privately
    invite = [m for m in world.bot_messages(group.chat_id) if "can't get the questions" in m.text]
    assert len(invite) == 1  # one group message for the other three
    await tick_at(app, clock, FIRST_MONDAY_OF_2027 + timedelta(minutes=1))
    assert questions_sent(world) == 1
    services = services_of(app)
    chat = await services.chats.get(group.chat_id)
    assert chat is not None
    assert chat.healthcheck_next_at == datetime(2027, 4, 5, 8, 0, tzinfo=UTC)  # 09:00 BST
    logged = await services.nudges.schedules.logged(group.chat_id)
    assert [(kind, outcome) for kind, _, outcome in logged if kind == "healthcheck"] == [
        ("healthcheck", "sent")
    ]
    [shown] = await say(app, world, alice, group, "/nudges healthcheck off")
    assert "Health check: off" in shown.text


async def test_a_health_check_slot_missed_by_far_is_skipped_not_sent_late(
    app: Application, world: World, group: SimChat, clock: FrozenClock
) -> None:
    await say(app, world, world.people[101], group, "/nudges healthcheck quarterly")
    await tick_at(app, clock, FIRST_MONDAY_OF_2027 + timedelta(days=2))
    assert questions_sent(world) == 0
    assert not [m for m in world.bot_messages(group.chat_id) if "can't get the questions" in m.text]


async def test_bad_health_check_and_chart_settings_get_the_usage(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    for text in ("/nudges healthcheck weekly", "/nudges digest chart maybe"):
        [refusal] = await say(app, world, alice, group, text)
        assert "/nudges digest chart on | off" in refusal.text
    chat = await services_of(app).chats.get(group.chat_id)
    assert chat is not None
    assert not chat.digest_chart
    assert not chat.healthcheck_quarterly


async def test_the_digest_brings_the_progress_chart_when_asked(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Book the venue")
    sent = await say(app, world, alice, group, "/digest")
    assert [m.photo for m in sent] == [None]
    [shown] = await say(app, world, alice, group, "/nudges digest chart on")
    assert "(with the progress chart)" in shown.text
    digest, chart = await say(app, world, alice, group, "/digest")
    assert digest.text.startswith("Digest —")
    assert chart.photo is not None
    assert chart.photo.startswith(b"\x89PNG")
    assert chart.text == "1 open (0 overdue), 0 done; 0 done in the last 8 weeks, 0 this week."
