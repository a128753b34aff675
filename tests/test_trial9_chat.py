"""Trial 9 (new-user trial), findings about replies, buttons, the console, the rate
limit, pasted minutes, /done with several numbers, check-ins, /timezone, /help and
pending owners: each quoted case, through the offline Application."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from app.context import services_of
from app.lifecycle import feed
from console.terminal import run_console
from domain.model import Status
from localapi.world import SentMessage, World
from tests.helpers import press, reply_to, say, status_of, tick_at, toasts

THURSDAY_0900 = datetime(2026, 11, 26, 9, tzinfo=UTC)

pytestmark = pytest.mark.settings(WRITE_BURST="100")


# --- 1: a reply to a reminder after its Done button was pressed ------------------------


async def test_a_reply_to_a_group_reminder_after_done_says_it_is_done(
    app, world, group, clock
) -> None:
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, group, "/assign @carol Send the minutes by friday")
    await tick_at(app, clock, THURSDAY_0900)
    [reminder] = [m for m in world.bot_messages(group.chat_id) if "reminder" in m.text]
    await press(app, world, carol, reminder, "Done")
    assert toasts(world)[-1] == "#1 is done."
    [answer] = await reply_to(
        app,
        world,
        carol,
        group,
        "sorry, pressed that by mistake - not done yet",
        reminder.message_id,
    )
    assert answer.text.startswith("#1 is already done. If it isn't, reopen it")
    assert [label for label, _ in answer.buttons()] == ["Reopen"]
    await press(app, world, carol, answer, "Reopen")
    assert await status_of(app, group.chat_id, 1) is Status.OPEN


async def test_a_reply_to_a_private_reminder_after_done_says_it_is_done(
    app, world, group, clock
) -> None:
    alice, dave = world.people[101], world.people[104]
    private = world.private_chat(dave)
    await say(app, world, dave, private, "/start")
    await say(app, world, alice, group, "/assign @dave_k Post the notice by friday")
    await tick_at(app, clock, THURSDAY_0900)
    [reminder] = [m for m in world.bot_messages(private.chat_id) if "#1" in m.text]
    await press(app, world, dave, reminder, "Done")
    assert [label for label, _ in reminder.buttons()] == ["Reopen"]
    [answer] = await reply_to(app, world, dave, private, "done, posted it", reminder.message_id)
    assert answer.text.startswith("#1 is already done.")
    [answer] = await reply_to(
        app, world, dave, private, "actually still waiting on the printer", reminder.message_id
    )
    assert answer.text.startswith("#1 is already done. If it isn't, reopen it")
    await press(app, world, dave, answer, "Reopen")
    assert await status_of(app, group.chat_id, 1) is Status.OPEN


# --- 4: a restarted console; "Already recorded" names the action's owner ---------------


async def test_already_recorded_names_the_actions_owner_not_the_sender(
    app, world, group, clock
) -> None:
    alice = world.people[101]
    [first] = await say(app, world, alice, group, "/assign @bobby_p Send the MOU draft to legal")
    assert first.text.startswith("Recorded #1 for Bob")
    sent = [m for m in world.messages if m.chat_id == group.chat_id and m.sender_id == 101]
    clock.advance(timedelta(days=3))  # the redelivery guard has forgotten the message
    world.number_messages_from(group.chat_id, sent[-1].message_id)  # its id comes again
    [again] = await say(app, world, alice, group, "/assign me Check pages 3/4 of the plan")
    assert again.text.startswith("Already recorded as #1 for Bob: Send the MOU draft to legal")


async def test_a_restarted_console_numbers_messages_after_the_last_session(settings) -> None:
    await run_console(
        settings, stdin=io.StringIO("/assign me Send the MOU draft\n"), out=io.StringIO()
    )
    out = io.StringIO()
    await run_console(
        settings, stdin=io.StringIO("/assign me Check pages 3/4 of the plan\n"), out=out
    )
    assert "Recorded #2 for Alice" in out.getvalue()
    assert "Already recorded" not in out.getvalue()


# --- 6: "done, sent it yesterday" in the private chat, not as a reply -----------------


async def test_a_private_done_message_points_to_closing_the_action(app, world, group) -> None:
    alice, dave = world.people[101], world.people[104]
    private = world.private_chat(dave)
    await say(app, world, dave, private, "/start")
    await say(app, world, alice, group, "/assign @carol Collect the figures")
    await say(app, world, alice, group, "/assign @dave_k Draft the carers' survey")
    [answer] = await say(app, world, dave, private, "done, sent it yesterday")
    assert answer.text.startswith(
        "Is that about #2 Draft the carers' survey (Partners for Health)? Press Done to "
        "close it, or send /done 2 sent it yesterday"
    )
    assert [label for label, _ in answer.buttons()] == ["Done"]
    await press(app, world, dave, answer, "Done")
    assert await status_of(app, group.chat_id, 2) is Status.DONE


async def test_a_private_done_message_with_several_actions_lists_them(app, world, group) -> None:
    alice, dave = world.people[101], world.people[104]
    private = world.private_chat(dave)
    await say(app, world, dave, private, "/start")
    await say(app, world, alice, group, "/assign @dave_k Draft the survey")
    await say(app, world, alice, group, "/assign @dave_k Book the room")
    [answer] = await say(app, world, dave, private, "Done!")
    assert answer.text.startswith("Which action is done? Press its button, or send /done")
    assert [label for label, _ in answer.buttons()] == ["#1 Done", "#2 Done"]
    await press(app, world, dave, answer, "#2 Done")
    assert await status_of(app, group.chat_id, 2) is Status.DONE
    assert await status_of(app, group.chat_id, 1) is Status.OPEN
    assert [label for label, _ in answer.buttons()] == ["#1 Done"]


async def test_a_private_done_message_with_no_actions_says_so(app, world, group) -> None:
    dave = world.people[104]
    private = world.private_chat(dave)
    await say(app, world, dave, private, "/start")
    [answer] = await say(app, world, dave, private, "done, sent it yesterday")
    assert answer.text.startswith("You own no open actions")


# --- 7: register questions: nothing overdue; an action that is done ------------------


async def test_nothing_overdue_for_a_partner_says_how_many_are_open(app, world, group) -> None:
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, group, "/partner add Northgate Food Bank")
    await say(app, world, carol, group, "/join food bank")
    for title in ("Collect the figures", "Book the van", "Count the stock"):
        await say(app, world, alice, group, f"/assign @carol {title} by 31/12")
    [answer] = await say(app, world, carol, group, "@accord_bot what's overdue for the food bank?")
    assert answer.text == (
        "Overdue for Northgate Food Bank\nNothing overdue (3 open: /actions Northgate Food Bank)."
    )


async def test_who_is_responsible_for_a_done_action_says_it_is_done(app, world, group) -> None:
    alice, bob = world.people[101], world.people[102]
    await say(app, world, alice, group, "/assign @bobby_p Send the MOU to legal")
    await say(app, world, bob, group, "/done 1")
    [answer] = await say(app, world, alice, group, "@accord_bot who is responsible for the MOU?")
    assert answer.text.startswith("Who owns “MOU”\nNo open action matches; closed:\n")
    assert "#1 Send the MOU to legal — Bob · done" in answer.text


# --- 8: the rate limit: reads answered, every refused change accounted for ------------


@pytest.mark.settings(WRITE_BURST="3", WRITE_RATE_PER_MINUTE="30")
async def test_changes_refused_while_waiting_are_listed_when_the_limit_lifts(
    app, world, group, clock
) -> None:
    alice = world.people[101]
    for n in range(1, 4):
        await say(app, world, alice, group, f"/assign me Task {n}")
    [refused] = await say(app, world, alice, group, "/assign me Task 4")
    assert refused.text == (
        "That's a lot of changes at once. Try again in 2 seconds: this one was not recorded, "
        "nor will others sent before then be. (Several actions can go in one /assign, "
        "one a line.)"
    )
    assert await say(app, world, alice, group, "/assign me Task 5") == []
    [listing] = await say(app, world, alice, group, "/actions")  # reads are not limited
    assert "Task 3" in listing.text
    [mine] = await say(app, world, alice, group, "/mine")
    assert "Task 3" in mine.text
    assert await say(app, world, alice, group, "/done 1") == []
    clock.advance(timedelta(minutes=1))
    [missed, recorded] = await say(app, world, alice, group, "/assign me Task 6")
    assert missed.text == (
        "Not recorded while you were asked to wait (2): /assign me Task 5; /done 1. "
        "Send them again if they're still needed."
    )
    assert recorded.text.startswith("Recorded #4 for Alice: Task 6")
    assert await status_of(app, group.chat_id, 1) is Status.OPEN


# --- 9: pasted minutes: a skipped line is named; a line naming a first name -----------


async def test_pasted_minutes_name_a_line_skipped_for_a_first_name(app, world, group) -> None:
    alice, dave = world.people[101], world.people[104]
    minutes = (
        "Actions from today\n"
        "@carol Collect the figures\n"
        "Dave to chase the invoice\n"
        "me Book the room"
    )
    await say(app, world, dave, group, minutes)
    pasted = next(m for m in world.messages if m.text == minutes)
    [answer] = await reply_to(app, world, alice, group, "/assign", pasted.message_id)
    assert answer.text.startswith("Recorded 2 actions:")
    assert answer.text.endswith(
        "Line 3 (Dave to chase the invoice) was skipped: it doesn't start with @name or "
        "me. To record it: /assign @dave_k chase the invoice"
    )


async def test_a_several_line_assign_suggests_the_username_without_the_usage(
    app, world, group
) -> None:
    alice = world.people[101]
    [answer] = await say(
        app, world, alice, group, "/assign\n@carol Collect the figures\nDave to chase the invoice"
    )
    assert answer.text == (
        "Line 2 (Dave to chase the invoice): 'Dave' is not a person: start with @name or me. "
        "Did you mean @dave_k chase the invoice?\nNothing was recorded."
    )


# --- 11: /done with several numbers names each action once ----------------------------


async def test_done_several_again_names_each_action_once(app, world, group) -> None:
    alice = world.people[101]
    for title in ("One", "Two", "Three"):
        await say(app, world, alice, group, f"/assign me {title}")
    await say(app, world, alice, group, "/done 1 2 3")
    [again] = await say(app, world, alice, group, "/done 1 2 3 4")
    assert again.text.splitlines() == [
        "Closed 0 of 4 actions:",
        "#1 is already done.",
        "#2 is already done.",
        "#3 is already done.",
        "#4: There is no action #4 in this chat. See /actions.",
    ]


# --- 12: a check-in's answered or closed rows leave its buttons ------------------------


def labels(message: SentMessage) -> list[str]:
    return [label for label, _ in message.buttons()]


async def test_a_group_checkin_drops_answered_and_closed_rows(app, world, group) -> None:
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, group, "/assign @carol Collect the figures by 31/12")
    await say(app, world, alice, group, "/assign @carol Book the van by 31/12")
    await say(app, world, alice, group, "/checkin")
    [checkin] = [m for m in world.bot_messages(group.chat_id) if m.text.startswith("Check-in")]
    await say(app, world, carol, group, "/done 2")
    await press(app, world, carol, checkin, "#2 Blocked")
    assert toasts(world)[-1] == "#2 is already done."
    assert not any(label.startswith("#2 ") for label in labels(checkin))
    await press(app, world, carol, checkin, "#1 On track")
    assert toasts(world)[-1] == "#1: on track. Thanks!"
    assert labels(checkin) == []
    assert await status_of(app, group.chat_id, 2) is Status.DONE


async def test_a_private_checkin_drops_the_answered_row(app, world, group) -> None:
    alice, bob = world.people[101], world.people[102]
    await say(app, world, bob, world.private_chat(bob), "/start")
    await say(app, world, alice, group, "/assign @bobby_p Draft the bid by 31/12")
    await say(app, world, alice, group, "/assign @bobby_p Book the hall by 31/12")
    await say(app, world, alice, group, "/checkin")
    [checkin] = [m for m in world.bot_messages(bob.user_id) if m.text.startswith("Check-in")]
    await press(app, world, bob, checkin, "#2 Done")
    assert labels(checkin) == ["#1 On track", "#1 At risk", "#1 Blocked", "#1 Done"]
    assert await status_of(app, group.chat_id, 2) is Status.DONE


# --- 13: a double tap on Snooze moves the date once ---------------------------------


async def test_a_double_tapped_snooze_moves_the_date_once(app, world, group, clock) -> None:
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, group, "/assign @carol Send the minutes by friday")
    await tick_at(app, clock, THURSDAY_0900)
    [reminder] = [m for m in world.bot_messages(group.chat_id) if "reminder" in m.text]
    tapped = dict(reminder.buttons())["Snooze 1 week"]
    await feed(app, world.user_presses(carol, reminder, tapped))
    assert toasts(world)[-1] == "#1 is now due Fri 4 Dec."
    await feed(app, world.user_presses(carol, reminder, tapped))  # the second tap
    assert toasts(world)[-1] == "#1 is already due Fri 4 Dec: it was moved since. Nothing changed."
    action = await services_of(app).register.actions.get(group.chat_id, 1)
    assert action.due.on.isoformat() == "2026-12-04"
    await press(app, world, carol, reminder, "Snooze 1 week")  # the message shows Fri 4 Dec
    assert toasts(world)[-1] == "#1 is now due Fri 11 Dec."


async def test_a_double_tapped_snooze_in_the_private_chat_moves_the_date_once(
    app, world, group, clock
) -> None:
    alice, dave = world.people[101], world.people[104]
    await say(app, world, dave, world.private_chat(dave), "/start")
    await say(app, world, alice, group, "/assign @dave_k Post the notice by friday")
    await tick_at(app, clock, THURSDAY_0900)
    [reminder] = [m for m in world.bot_messages(dave.user_id) if "#1" in m.text]
    tapped = dict(reminder.buttons())["Snooze 1 week"]
    await feed(app, world.user_presses(dave, reminder, tapped))
    await feed(app, world.user_presses(dave, reminder, tapped))
    assert toasts(world)[-2:] == [
        "#1 is now due Fri 4 Dec.",
        "#1 is already due Fri 4 Dec: it was moved since. Nothing changed.",
    ]


# --- 15: /timezone CET ------------------------------------------------------------


async def test_timezone_takes_an_abbreviation_as_the_place_that_keeps_it(app, world, group) -> None:
    alice = world.people[101]
    [answer] = await say(app, world, alice, group, "/timezone CET")
    assert answer.text.startswith("Timezone set to Europe/Paris (read from CET, with summer time).")
    [shown] = await say(app, world, alice, group, "/timezone")
    assert shown.text.startswith("This chat's timezone is Europe/Paris.")


async def test_timezone_still_takes_utc_as_it_is(app, world, group) -> None:
    [answer] = await say(app, world, world.people[101], group, "/timezone UTC")
    assert answer.text.startswith("Timezone set to UTC.")


# --- 17: /help lists itself plainly ------------------------------------------------


async def test_help_lists_itself_plainly(app, world, group) -> None:
    alice = world.people[101]
    [listing] = await say(app, world, alice, world.private_chat(alice), "/help")
    assert "/help — The commands you can use here; /help assign for one of them" in listing.text
    assert "/help assign — The commands" not in listing.text


# --- 19: an owner not seen for a week is named once, not mentioned every time -----------


def sent_html(world: World, chat_id: int, starts: str) -> list[str]:
    """The HTML of the bot's messages to ``chat_id`` whose text starts with ``starts``."""
    return [
        params["text"]
        for method, params in world.calls
        if method == "sendMessage"
        and int(params["chat_id"]) == chat_id
        and str(params.get("text", "")).startswith(starts)
    ]


async def test_an_owner_unseen_for_a_week_is_named_once_in_the_digest(
    app, world, group, clock
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign @nobodyknown Chase the council by friday")
    await say(app, world, alice, group, "/assign @carol Collect the figures by friday")
    await say(app, world, alice, group, "/digest")
    [first] = sent_html(world, group.chat_id, "<b>Digest")
    assert "Not seen yet" not in first  # named two minutes ago: not yet a worry
    clock.advance(timedelta(days=8))
    await say(app, world, alice, group, "/digest")
    [_, later] = sent_html(world, group.chat_id, "<b>Digest")
    assert "#1 Chase the council — <code>@nobodyknown</code>" in later
    assert later.count("@nobodyknown") == 2  # its line, and the line below: never a mention
    assert later.endswith(
        "<b>Not seen yet</b>: <code>@nobodyknown</code> (#1) has not written here since "
        "being named a week or more ago. A coordinator can give it to someone here: "
        "/reassign 1 @name"
    )


async def test_an_owner_unseen_for_a_week_is_left_out_of_group_checkins(
    app, world, group, clock
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign @nobodyknown Chase the council by 31/12")
    await say(app, world, alice, group, "/assign @carol Collect the figures by 31/12")
    clock.advance(timedelta(days=8))
    await say(app, world, alice, group, "/checkin")
    [checkin] = sent_html(world, group.chat_id, "Check-in for")
    assert "nobodyknown" not in checkin.split("\n")[0]
    assert "Not seen yet</b>: <code>@nobodyknown</code> (#1)" in checkin
    [message] = [m for m in world.bot_messages(group.chat_id) if m.text.startswith("Check-in")]
    assert not any(label.startswith("#1 ") for label in labels(message))


async def test_an_owner_named_again_by_reassign_is_not_yet_unseen(app, world, group, clock) -> None:
    """The week runs from the last time the owner was named, not from the action's
    creation: a /reassign to another unseen name starts it again."""
    alice = world.people[101]
    await say(app, world, alice, group, "/assign @nobodyknown Chase the council by 31/12")
    await say(app, world, alice, group, "/assign @stillunknown Book the room by 31/12")
    clock.advance(timedelta(days=8))
    await say(app, world, alice, group, "/reassign 1 @someoneelse")
    await say(app, world, alice, group, "/digest")
    [digest] = sent_html(world, group.chat_id, "<b>Digest")
    assert "<b>Not seen yet</b>: <code>@stillunknown</code> (#2)" in digest
    assert "someoneelse</code> (#1)" not in digest.split("<b>Not seen yet</b>")[1]
