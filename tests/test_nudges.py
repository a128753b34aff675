"""The nudge engine through the real Application, driven by ``tick`` at injected times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.context import services_of
from app.lifecycle import feed
from handlers.nudges import run_tick
from localapi.world import BotApiError, World
from tests.helpers import BOTH_BACKENDS, press, say, tick_at, toasts

pytestmark = BOTH_BACKENDS

MONDAY_0900 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # London is on GMT in November


def digests(world: World, chat_id: int) -> list[str]:
    return [m.text for m in world.bot_messages(chat_id) if m.text.startswith("Digest —")]


async def test_weekly_digest_fires_once_at_its_slot(app, world, group, clock) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign @bobby_p Draft the funding bid by tomorrow")
    await tick_at(app, clock, MONDAY_0900 - timedelta(minutes=1))
    assert digests(world, group.chat_id) == []
    await tick_at(app, clock, MONDAY_0900)
    [digest] = digests(world, group.chat_id)
    assert "Due this week\n  #1 Draft the funding bid — Bob · due Tue 24 Nov" in digest
    await tick_at(app, clock, MONDAY_0900 + timedelta(minutes=1))
    await run_tick(app)
    assert len(digests(world, group.chat_id)) == 1
    schedules = await services_of(app).nudges.schedules.of_chat(group.chat_id)
    assert schedules["digest"].next_fire_at == MONDAY_0900 + timedelta(days=7)


async def test_a_digest_with_nothing_to_say_is_not_sent(app, world, cast, clock) -> None:
    steering = cast.groups["steering"]
    await tick_at(app, clock, MONDAY_0900)
    assert world.bot_messages(steering.chat_id) == []
    log = await services_of(app).nudges.schedules.logged(steering.chat_id)
    assert ("digest", MONDAY_0900.isoformat(timespec="seconds"), "empty") in log


async def test_overdue_first_per_partner_with_owners_mentioned(app, world, group, clock) -> None:
    alice, bob, carol, _ = (world.people[i] for i in (101, 102, 103, 104))
    await say(app, world, alice, group, "/partner add City Council")
    await say(app, world, alice, group, "/partner add Health Board")
    await say(app, world, bob, group, "/join health board")
    await say(app, world, carol, group, "/join city council")
    await say(app, world, alice, group, "/assign @carol Council paper by next week")
    await say(app, world, alice, group, "/assign @bobby_p Board paper by today")
    await say(app, world, alice, group, "/assign @carol Risky thing")
    await say(app, world, carol, group, "/update 3 blocked by legal")
    clock.advance(timedelta(days=1))
    await say(app, world, alice, group, "/digest")
    [digest] = digests(world, group.chat_id)
    assert digest.index("Health Board") < digest.index("City Council")
    assert "Overdue\n  #2 Board paper — Bob · was due Mon 23 Nov" in digest
    assert "Blocked or at risk\n  #3 Risky thing — Carol · blocked" in digest
    sent = [params for method, params in world.calls if method == "sendMessage"][-1]
    assert f'<a href="tg://user?id={bob.user_id}">Bob</a>' in sent["text"]  # notifies Bob


async def test_quiet_hours_hold_a_nudge_until_they_end(app, world, group, clock) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Something by friday")
    await say(app, world, alice, group, "/quiet 08:30-10:00")
    await tick_at(app, clock, MONDAY_0900)
    assert digests(world, group.chat_id) == []
    await tick_at(app, clock, MONDAY_0900 + timedelta(hours=1))
    assert len(digests(world, group.chat_id)) == 1
    assert "Late" not in digests(world, group.chat_id)[0]


async def test_downtime_late_within_12_hours_skipped_beyond(app, world, group, clock) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Something by friday")
    await say(app, world, alice, group, "/nudges digest daily 09:00")
    await tick_at(app, clock, MONDAY_0900 + timedelta(hours=6))  # down all morning
    [late] = digests(world, group.chat_id)
    assert "Late: this was due Mon 23 Nov 09:00, while Accord was offline." in late
    await tick_at(app, clock, MONDAY_0900 + timedelta(days=1, hours=13))  # down all Tuesday
    assert len(digests(world, group.chat_id)) == 1
    log = await services_of(app).nudges.schedules.logged(group.chat_id)
    assert [outcome for kind, _, outcome in log if kind == "digest"] == ["late", "skipped"]
    schedules = await services_of(app).nudges.schedules.of_chat(group.chat_id)
    assert schedules["digest"].next_fire_at == MONDAY_0900 + timedelta(days=2)


async def test_daylight_saving_days_fire_once_at_0900_local(app, world, group, clock) -> None:
    """Tick every 15 minutes across the March change in London and in New York."""
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Long running work")
    await say(app, world, alice, group, "/update 1 at risk")
    await say(app, world, alice, group, "/nudges digest daily 09:00")
    for zone_name, start in (
        ("America/New_York", datetime(2027, 3, 12, 18, tzinfo=UTC)),
        ("Europe/London", datetime(2027, 3, 26, 12, tzinfo=UTC)),
    ):
        clock.advance(start - clock.now())
        await say(app, world, alice, group, f"/timezone {zone_name}")
        before = len(await services_of(app).nudges.schedules.logged(group.chat_id))
        moment = start
        while moment < start + timedelta(days=4):
            moment += timedelta(minutes=15)
            await tick_at(app, clock, moment)
        log = (await services_of(app).nudges.schedules.logged(group.chat_id))[before:]
        sent = [datetime.fromisoformat(slot) for kind, slot, outcome in log if kind == "digest"]
        from zoneinfo import ZoneInfo

        local = [slot.astimezone(ZoneInfo(zone_name)) for slot in sent]
        assert len(local) == 4, zone_name
        assert {(t.hour, t.minute) for t in local} == {(9, 0)}
        assert len({t.date() for t in local}) == 4
        assert len({t.utcoffset() for t in local}) == 2  # both sides of the change


async def test_restart_sends_nothing_twice(app, world, group, clock, settings) -> None:
    from app.builder import build_application
    from app.lifecycle import running
    from localapi.request import WorldRequest

    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Something by friday")
    await tick_at(app, clock, MONDAY_0900)
    assert len(digests(world, group.chat_id)) == 1
    request = WorldRequest(world)
    second = build_application(
        settings, clock=clock, request=request, get_updates_request=request, scheduled_jobs=False
    )
    async with running(second):
        await tick_at(second, clock, MONDAY_0900 + timedelta(minutes=2))
    assert len(digests(world, group.chat_id)) == 1


async def test_reminders_private_when_possible_else_in_the_group(app, world, group, clock) -> None:
    alice, bob, _carol, _ = (world.people[i] for i in (101, 102, 103, 104))
    await say(app, world, bob, world.private_chat(bob), "/start")  # Bob opened a private chat
    await say(app, world, alice, group, "/assign @bobby_p Bob's task by wednesday")
    await say(app, world, alice, group, "/assign @carol Carol's task by wednesday")
    before = len(world.bot_messages())
    await tick_at(app, clock, datetime(2026, 11, 24, 9, tzinfo=UTC))  # Tuesday 09:00
    new = world.bot_messages()[before:]
    private = [m for m in new if m.chat_id == bob.user_id]
    in_group = [m for m in new if m.chat_id == group.chat_id and "reminder" in m.text]
    assert private[0].text == "Reminder: #1 Bob's task in Partners for Health is due Wed 25 Nov."
    assert in_group[0].text == "Carol, reminder: #2 Carol's task is due Wed 25 Nov."
    await run_tick(app)
    assert len(world.bot_messages()) == before + 2  # once each
    world.private_chat(bob).members[bob.user_id] = "kicked"  # Bob blocks the bot
    await tick_at(app, clock, datetime(2026, 11, 26, 9, tzinfo=UTC))  # Thursday: overdue
    [overdue] = [m.text for m in world.bot_messages(group.chat_id) if "overdue" in m.text]
    assert "Bob:\n• #1 Bob's task is now overdue" in overdue  # one message for the group
    assert "Carol:\n• #2 Carol's task is now overdue" in overdue


async def test_a_new_due_date_is_reminded_afresh(app, world, group, clock) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Task by tuesday")
    await tick_at(app, clock, MONDAY_0900)
    await say(app, world, alice, group, "/due 1 thursday")
    await tick_at(app, clock, datetime(2026, 11, 25, 9, tzinfo=UTC))
    reminders = [m.text for m in world.bot_messages(group.chat_id) if "reminder" in m.text]
    assert reminders == [
        "Alice, reminder: #1 Task is due Tue 24 Nov.",
        "Alice, reminder: #1 Task is due Thu 26 Nov.",
    ]


async def test_checkins_record_answers_for_the_next_digest(app, world, group, clock) -> None:
    alice, bob, carol, _ = (world.people[i] for i in (101, 102, 103, 104))
    await say(app, world, alice, group, "/assign @bobby_p Bob's task by friday")
    [refused] = await say(app, world, carol, group, "/nudges checkin weekly mon 09:30")
    assert refused.text.startswith("Only coordinators")
    await say(app, world, alice, group, "/nudges checkin weekly mon 09:30")
    await tick_at(app, clock, MONDAY_0900 + timedelta(minutes=30))
    [prompt] = [
        m for m in world.bot_messages(group.chat_id) if m.text.startswith("Check-in for Bob")
    ]
    labels = [label for label, _ in prompt.buttons()]
    assert labels == ["#1 On track", "#1 At risk", "#1 Blocked", "#1 Done"]
    clock.advance(timedelta(minutes=5))
    await press(app, world, carol, prompt, "#1 At risk")
    assert toasts(world)[-1].startswith("Only #1's owner")
    await press(app, world, bob, prompt, "#1 At risk")
    assert toasts(world)[-1] == "#1: at risk. Thanks!"
    await say(app, world, alice, group, "/digest")
    digest = digests(world, group.chat_id)[-1]
    assert "Check-in answers\n  #1 at risk — Bob" in digest
    [history] = await say(app, world, alice, group, "/history 1")
    assert "Bob status open → at risk: check-in" in history.text


async def test_flood_limit_delays_but_never_loses(app, world, group, clock) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Something by friday")
    world.fail_next(
        "sendMessage", BotApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
    )
    await tick_at(app, clock, MONDAY_0900)
    assert len(digests(world, group.chat_id)) == 1


async def test_server_errors_are_retried(app, world, group, clock) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Something by friday")
    app.bot.request.first_delay = 0.0
    world.fail_next("sendMessage", BotApiError(502, "Bad Gateway"))
    world.fail_next("sendMessage", BotApiError(504, "Gateway Timeout"))
    await tick_at(app, clock, MONDAY_0900)
    assert len(digests(world, group.chat_id)) == 1


async def test_kicked_bot_stops_nudges_and_resumes_when_added_back(
    app, world, group, clock
) -> None:
    alice = world.people[101]
    engine = services_of(app).nudges
    await say(app, world, alice, group, "/assign me Something by friday")
    group.members[world.bot.user_id] = "kicked"  # removed while the update got lost
    await tick_at(app, clock, MONDAY_0900)
    assert (await services_of(app).chats.get(group.chat_id)).active is False
    assert (await engine.schedules.of_chat(group.chat_id))["digest"].next_fire_at is None
    await feed(app, world.add_bot_to(group, alice))
    schedules = await engine.schedules.of_chat(group.chat_id)
    assert schedules["digest"].next_fire_at == MONDAY_0900 + timedelta(days=7)
    await feed(app, world.remove_bot_from(group, alice))  # the my_chat_member way
    assert (await engine.schedules.of_chat(group.chat_id))["digest"].next_fire_at is None


async def test_chat_migration_moves_the_register_and_the_nudge(app, world, group, clock) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Something by friday")
    new_id = -1009999999999
    moved = world.add_group(new_id, group.title, creator=alice, members=[world.people[102]])
    moved.members[world.bot.user_id] = "member"
    world.fail_next(
        "sendMessage",
        BotApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": new_id}),
    )  # fmt: skip
    await tick_at(app, clock, MONDAY_0900)
    assert len(digests(world, new_id)) == 1
    [listing] = await say(app, world, alice, moved, "/actions")
    assert "#1 Something" in listing.text
    schedules = await services_of(app).nudges.schedules.of_chat(new_id)
    assert schedules["digest"].next_fire_at == MONDAY_0900 + timedelta(days=7)


@pytest.mark.parametrize("side", ["migrate_to_chat_id", "migrate_from_chat_id"])
async def test_migration_messages_move_the_rows(app, world, group, clock, side: str) -> None:
    """Telegram tells both chats: the old one gets migrate_to, the new one migrate_from."""
    import time

    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Something by friday")
    new_id = -1008888888888
    moved = world.add_group(new_id, group.title, creator=alice)
    moved.members[world.bot.user_id] = "member"
    in_old = side == "migrate_to_chat_id"
    service_message = {
        "update_id": 999,
        "message": {
            "message_id": 500, "date": int(time.time()),
            "chat": (group if in_old else moved).to_json(), "from": alice.to_json(),
            side: new_id if in_old else group.chat_id,
        },
    }  # fmt: skip
    await feed(app, service_message)
    [listing] = await say(app, world, alice, moved, "/actions")
    assert "#1 Something" in listing.text
    assert await services_of(app).chats.get(group.chat_id) is None


async def test_nudges_commands(app, world, group, clock) -> None:
    alice, carol = world.people[101], world.people[103]
    [shown] = await say(app, world, carol, group, "/nudges")
    assert "Digest: weekly on Monday at 09:00 — next Mon 23 Nov 09:00" in shown.text
    assert "Check-in: off" in shown.text
    [bad] = await say(app, world, alice, group, "/nudges digest weekly funday 09:00")
    assert "'funday' is not a day of the week" in bad.text
    [bad] = await say(app, world, alice, group, "/nudges sometimes")
    assert bad.text.startswith("Usage: /nudges")
    [off] = await say(app, world, alice, group, "/nudges reminders off")
    assert "Reminders: off" in off.text
    [tz] = await say(app, world, alice, group, "/timezone Asia/Tokio")
    assert "did you mean Asia/Tokyo?" in tz.text
    [tz] = await say(app, world, carol, group, "/timezone Asia/Tokyo")
    assert tz.text.startswith("Only coordinators")
    [tz] = await say(app, world, alice, group, "/timezone Asia/Tokyo")
    assert (
        "Digest: weekly on Monday at 09:00 — next Mon 30 Nov 09:00" in tz.text
    )  # Tokyo's 9am passed
    [quiet] = await say(app, world, alice, group, "/quiet 8pm-8am")
    assert "Quiet hours: 20:00–08:00" in quiet.text  # times as due dates take them
    [quiet] = await say(app, world, alice, group, "/quiet 8pm-tea time")
    assert "is not a time like 9am, 3pm, 09:00 or 17:30" in quiet.text
    [digest] = await say(app, world, alice, group, "/nudges digest weekly mon 3pm")
    assert "Digest: weekly on Monday at 15:00" in digest.text
    [quiet] = await say(app, world, alice, group, "/quiet 20:00-08:00 weekends")
    assert "Quiet hours: 20:00–08:00 and all weekend" in quiet.text


async def test_done_since_the_last_digest_is_reported_once(app, world, group, clock) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Finished work")
    await say(app, world, alice, group, "/assign me Still going by friday")
    await say(app, world, alice, group, "/done 1 all sent")
    clock.advance(timedelta(minutes=1))
    await say(app, world, alice, group, "/digest")
    assert (
        "Done since the last digest\n  #1 Finished work — Alice"
        in digests(world, group.chat_id)[-1]
    )
    clock.advance(timedelta(minutes=1))
    await say(app, world, alice, group, "/digest")
    assert "Finished work" not in digests(world, group.chat_id)[-1]
    assert "#2 Still going" in digests(world, group.chat_id)[-1]


def test_only_the_running_bot_ticks_by_itself(settings) -> None:
    from app.builder import build_application

    ticking = build_application(settings)
    assert [job.name for job in ticking.job_queue.jobs()] == ["tick"]
    quiet = build_application(settings, scheduled_jobs=False)
    with pytest.warns(UserWarning, match="No `JobQueue` set up"):
        assert quiet.job_queue is None
