"""Issue 9, "Actions from the private chat": private reminders carry buttons, /done,
/update and /mine work in the private chat, and a reply to a reminder is an update."""

from __future__ import annotations

from datetime import UTC, datetime

from app.context import services_of
from app.lifecycle import feed
from domain.model import Status
from localapi.world import Person, SentMessage, SimChat, World
from tests.helpers import introduce, press, reply_to, say, status_of, tick_at, toasts

TUESDAY_0900 = datetime(2026, 11, 24, 9, tzinfo=UTC)


async def bobs_reminder(app, world: World, group: SimChat, clock) -> SentMessage:
    """Bob has started the bot; #1 is his, due Wednesday; Tuesday's reminder reaches him."""
    alice, bob = world.people[101], world.people[102]
    await say(app, world, bob, world.private_chat(bob), "/start")
    await say(app, world, alice, group, "/assign @bobby_p Send the minutes by wednesday")
    await tick_at(app, clock, TUESDAY_0900)
    [reminder] = [m for m in world.bot_messages(bob.user_id) if m.text.startswith("Reminder")]
    return reminder


async def test_a_private_reminder_has_done_update_snooze(app, world, group, clock) -> None:
    reminder = await bobs_reminder(app, world, group, clock)
    assert [label for label, _ in reminder.buttons()] == ["Done", "Update", "Snooze 1 week"]
    assert all(len(data.encode()) <= 64 for _, data in reminder.buttons())
    assert all(str(group.chat_id) in data for _, data in reminder.buttons())
    bob = world.people[102]
    await press(app, world, bob, reminder, "Done")
    assert toasts(world)[-1] == "#1 is done."
    assert await status_of(app, group.chat_id, 1) is Status.DONE
    assert [label for label, _ in reminder.buttons()] == ["Reopen"]  # says it is done


async def test_private_presses_are_checked_again(app, world, group, clock) -> None:
    reminder = await bobs_reminder(app, world, group, clock)
    carol, bob = world.people[103], world.people[102]
    data = dict(reminder.buttons())["Done"]
    await feed(app, world.user_presses(carol, reminder, data))  # forged: not Carol's
    assert toasts(world)[-1].startswith("Only #1's owner")
    assert await status_of(app, group.chat_id, 1) is Status.OPEN
    group.members[bob.user_id] = "left"  # Bob has left the partnership's group
    await press(app, world, bob, reminder, "Done")
    assert toasts(world)[-1] == "You're no longer a member of Partners for Health."
    assert await status_of(app, group.chat_id, 1) is Status.OPEN
    forged = data.replace(str(group.chat_id), "-1001000000002")  # another group's #1
    await feed(app, world.user_presses(bob, reminder, forged))
    assert await status_of(app, group.chat_id, 1) is Status.OPEN


async def test_update_from_a_private_reminder_asks_for_the_note(app, world, group, clock) -> None:
    reminder = await bobs_reminder(app, world, group, clock)
    bob = world.people[102]
    [prompt] = await press(app, world, bob, reminder, "Update")
    assert prompt.chat_id == bob.user_id
    assert prompt.text.startswith("Update on #1 in Partners for Health")
    params = [p for m, p in world.calls if m == "sendMessage"][-1]
    assert "force_reply" in str(params["reply_markup"])
    [noted] = await reply_to(
        app, world, bob, world.private_chat(bob), "at risk: waiting for figures", prompt.message_id
    )
    assert noted.text.startswith("Noted on #1 Send the minutes (Partners for Health) — at risk")
    assert await status_of(app, group.chat_id, 1) is Status.AT_RISK


async def test_a_reply_to_a_reminder_is_an_update(app, world, group, clock) -> None:
    """'replying "done, sent it yesterday" to a reminder was answered as a guidance question'"""
    reminder = await bobs_reminder(app, world, group, clock)
    bob = world.people[102]
    private = world.private_chat(bob)
    [noted] = await reply_to(app, world, bob, private, "waiting on finance", reminder.message_id)
    assert noted.text.startswith("Noted on #1 Send the minutes (Partners for Health)")
    [done] = await reply_to(
        app, world, bob, private, "done, sent it yesterday", reminder.message_id
    )
    assert done.text == "Done: #1 Send the minutes (Partners for Health). Thank you!"
    action = await services_of(app).register.actions.get(group.chat_id, 1)
    assert action.status is Status.DONE
    assert action.last_note == "sent it yesterday"
    [answer] = await say(app, world, bob, private, "how do we build trust?")
    assert "Noted" not in answer.text
    assert "Done" not in answer.text  # still a question


async def test_done_and_update_in_one_partnership_apply_there(app, world, group, clock) -> None:
    """'/done 1 in the private chat is refused'"""
    alice, bob = world.people[101], world.people[102]
    private = world.private_chat(bob)
    await say(app, world, alice, group, "/assign @bobby_p Send the minutes by friday")
    [noted] = await say(app, world, bob, private, "/update 1 blocked by legal")
    assert noted.text.startswith("Noted on #1 Send the minutes (Partners for Health) — blocked")
    [done] = await say(app, world, bob, private, "/done 1 sent to the board")
    assert done.text == "Done: #1 Send the minutes (Partners for Health). Thank you!"
    assert await status_of(app, group.chat_id, 1) is Status.DONE
    [mine] = await say(app, world, bob, private, "/mine")
    assert mine.text == "You own no open actions in any of your partnership groups."


async def test_several_partnerships_ask_which(app, world, cast, group, clock) -> None:
    alice, carol = world.people[101], world.people[103]
    steering = cast.groups["steering"]
    await introduce(app, world, steering, alice, carol)
    await say(app, world, alice, group, "/assign me Partners paper")
    await say(app, world, alice, steering, "/assign me Steering paper")
    private = world.private_chat(alice)
    [question] = await say(app, world, alice, private, "/done 1 all sent")
    assert question.text.startswith("You have actions in more than one partnership")
    assert [label for label, _ in question.buttons()] == ["Partners for Health", "Steering Board"]
    assert all(len(data.encode()) <= 64 for _, data in question.buttons())
    await press(app, world, alice, question, "Steering Board")
    assert question.text == "Done: #1 Steering paper (Steering Board). Thank you!"
    assert await status_of(app, steering.chat_id, 1) is Status.DONE
    assert await status_of(app, group.chat_id, 1) is Status.OPEN
    action = await services_of(app).register.actions.get(steering.chat_id, 1)
    assert action.last_note == "all sent"
    [mine] = await say(app, world, alice, private, "/mine")
    assert "Partners paper" in mine.text
    assert "Steering paper" not in mine.text


async def test_a_pick_is_checked_on_press(app, world, cast, group, clock) -> None:
    alice, carol = world.people[101], world.people[103]
    steering = cast.groups["steering"]
    await introduce(app, world, steering, alice, carol)
    await say(app, world, alice, group, "/assign me Partners paper")
    await say(app, world, alice, steering, "/assign me Steering paper")
    [question] = await say(app, world, alice, world.private_chat(alice), "/update 1 on track")
    steering.members[alice.user_id] = "kicked"
    await press(app, world, alice, question, "Steering Board")
    assert toasts(world)[-1] == "You're no longer a member of Steering Board."
    assert await status_of(app, steering.chat_id, 1) is Status.OPEN


async def test_nothing_owned_anywhere(app, world, group) -> None:
    dave: Person = world.people[104]
    [answer] = await say(app, world, dave, world.private_chat(dave), "/done 1")
    assert answer.text.startswith("You own no open actions in any partnership group")


async def test_done_about_the_future_is_a_note(app, world, group, clock) -> None:
    reminder = await bobs_reminder(app, world, group, clock)
    bob = world.people[102]
    private = world.private_chat(bob)
    [noted] = await reply_to(app, world, bob, private, "done by friday", reminder.message_id)
    assert noted.text.startswith("Noted on #1")
    assert await status_of(app, group.chat_id, 1) is Status.OPEN


async def test_a_reply_to_a_private_checkin(app, world, group, clock) -> None:
    alice, bob = world.people[101], world.people[102]
    private = world.private_chat(bob)
    await say(app, world, bob, private, "/start")
    await say(app, world, alice, group, "/assign @bobby_p Only one")
    sent = await say(app, world, alice, group, "/checkin")
    [told] = [m for m in sent if m.chat_id == group.chat_id]
    assert told.text == "Check-in sent privately to 1 owner."
    [one] = [m for m in world.bot_messages(bob.user_id) if m.text.startswith("Check-in")]
    [noted] = await reply_to(app, world, bob, private, "on track, nearly there", one.message_id)
    assert noted.text.startswith("Noted on #1 Only one (Partners for Health) — on track")
    await say(app, world, alice, group, "/assign @bobby_p Another one")
    await say(app, world, alice, group, "/checkin")
    two = [m for m in world.bot_messages(bob.user_id) if m.text.startswith("Check-in")][-1]
    [pointer] = await reply_to(app, world, bob, private, "all fine", two.message_id)
    assert pointer.text.startswith("That message is about several actions")


async def test_a_group_button_naming_another_group_does_nothing(app, world, group) -> None:
    alice = world.people[101]
    [confirmation] = await say(app, world, alice, group, "/assign me Partners paper")
    data = dict(confirmation.buttons())["Done"] + ":-1001000000002"
    await feed(app, world.user_presses(alice, confirmation, data))
    assert toasts(world)[-1] == "This button no longer works."
    assert await status_of(app, group.chat_id, 1) is Status.OPEN
