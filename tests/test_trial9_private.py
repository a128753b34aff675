"""Issue 9 trial, items 1, 5, 6 and 12: owners must be in the group, a closed action
can be reopened from the private chat, "done …" replies close in groups too, replies to
group reminders are updates, and an owner choice can't be double-tapped into a Done."""

from __future__ import annotations

from datetime import UTC, datetime

from app.clock import FrozenClock
from app.context import services_of
from app.lifecycle import feed
from domain.model import Status
from handlers.nudges import run_tick
from localapi.world import World
from tests.helpers import introduce, press, reply_to, say, status_of, toasts

TUESDAY_0900 = datetime(2026, 11, 24, 9, tzinfo=UTC)


def member_checks(world: World, user_id: int) -> int:
    """How often Accord asked Telegram whether ``user_id`` is a member of a chat."""
    return sum(
        method == "getChatMember" and int(params["user_id"]) == user_id
        for method, params in world.calls
    )


# --- 1: a known person who isn't in this group ---------------------------------------


async def test_a_known_person_outside_the_group_cannot_own_or_support(app, world, cast, group):
    """'Someone who is not in the group can be made an owner'"""
    alice = world.people[101]
    frank = world.add_person(105, "Frank", "frank_smith")
    steering = cast.groups["steering"]
    steering.members[frank.user_id] = "member"
    await say(app, world, frank, steering, "hello")  # Accord knows Frank, from elsewhere
    refusal = "Frank isn't in this group: add them first, or pick someone here."
    [refused] = await say(app, world, alice, group, "/assign @frank_smith Draft the bid")
    assert refused.text == refusal
    assert await status_of(app, group.chat_id, 1) is None
    await say(app, world, alice, group, "/assign me Draft the bid")
    [refused] = await say(app, world, alice, group, "/supporters 1 @frank_smith")
    assert refused.text == refusal
    [refused] = await say(app, world, alice, group, "/reassign 1 @frank_smith")
    assert refused.text == refusal
    group.members[frank.user_id] = "member"  # added, not written yet
    [recorded] = await say(app, world, alice, group, "/assign @frank_smith Send the minutes")
    assert recorded.text.startswith("Recorded #2 for Frank:")
    checks = member_checks(world, frank.user_id)
    await say(app, world, alice, group, "/assign @frank_smith Book the room")
    assert member_checks(world, frank.user_id) == checks  # asked once: then he counts as seen here


async def test_people_seen_here_are_not_asked_about(app, world, group):
    alice = world.people[101]
    [recorded] = await say(app, world, alice, group, "/assign @carol Draft the bid")
    assert recorded.text.startswith("Recorded #1 for Carol:")
    assert member_checks(world, 103) == 0


# --- 5: a closed action from the private chat -----------------------------------------


async def test_private_update_on_a_closed_action_points_to_reopen(app, world, group):
    """'In the private chat a closed action is a dead end'"""
    alice, bob = world.people[101], world.people[102]
    private = world.private_chat(bob)
    await say(app, world, alice, group, "/assign @bobby_p Send the minutes by friday")
    await say(app, world, bob, private, "/done 1")
    [answer] = await say(app, world, bob, private, "/update 1 one more thing")
    assert "/reopen 1" in answer.text
    assert answer.buttons() == [("Reopen", f"act:reopen:1:{group.chat_id}")]
    await press(app, world, bob, answer, "Reopen")
    assert toasts(world)[-1] == "#1 is open again."
    assert await status_of(app, group.chat_id, 1) is Status.OPEN


async def test_private_reopen_button_is_checked_on_press(app, world, group):
    alice, bob = world.people[101], world.people[102]
    private = world.private_chat(bob)
    await say(app, world, alice, group, "/assign @bobby_p Send the minutes by friday")
    await say(app, world, bob, private, "/done 1")
    [answer] = await say(app, world, bob, private, "/update 1 one more thing")
    group.members[bob.user_id] = "left"
    await press(app, world, bob, answer, "Reopen")
    assert toasts(world)[-1] == "You're no longer a member of Partners for Health."
    assert await status_of(app, group.chat_id, 1) is Status.DONE


async def test_private_reopen_in_one_group(app, world, group):
    alice, bob = world.people[101], world.people[102]
    private = world.private_chat(bob)
    await say(app, world, alice, group, "/assign @bobby_p Send the minutes by friday")
    await say(app, world, bob, private, "/done 1")
    [answer] = await say(app, world, bob, private, "/reopen 1")
    assert answer.text.startswith("Reopened #1 Send the minutes (Partners for Health)")
    assert await status_of(app, group.chat_id, 1) is Status.OPEN


async def test_private_reopen_in_several_groups_asks_which(app, world, cast, group):
    alice, carol = world.people[101], world.people[103]
    steering = cast.groups["steering"]
    await introduce(app, world, steering, alice, carol)
    await say(app, world, alice, group, "/assign me Partners paper")
    await say(app, world, alice, steering, "/assign me Steering paper")
    await say(app, world, alice, group, "/done 1")
    await say(app, world, alice, steering, "/done 1")
    [question] = await say(app, world, alice, world.private_chat(alice), "/reopen 1")
    assert question.text.startswith("You have actions in more than one partnership")
    await press(app, world, alice, question, "Steering Board")
    assert question.text.startswith("Reopened #1 Steering paper (Steering Board)")
    assert await status_of(app, steering.chat_id, 1) is Status.OPEN
    assert await status_of(app, group.chat_id, 1) is Status.DONE


# --- 6: "done …" in group replies, and replies to group reminders -------------------


async def test_done_reply_to_a_group_update_prompt_closes(app, world, group):
    """'A group Update prompt doesn't close on "done …"'"""
    alice, carol = world.people[101], world.people[103]
    [recorded] = await say(app, world, alice, group, "/assign @carol Send the minutes")
    [prompt] = await press(app, world, carol, recorded, "Update")
    [done] = await reply_to(app, world, carol, group, "done, sent it", prompt.message_id)
    assert done.text == "Done: #1 Send the minutes. Thank you!"
    action = await services_of(app).register.actions.get(group.chat_id, 1)
    assert action.status is Status.DONE
    assert action.last_note == "sent it"


async def test_a_reply_to_a_group_reminder_is_an_update(app, world, group, clock: FrozenClock):
    """'replies to group reminders go to guidance'"""
    alice, carol, dave = (world.people[i] for i in (101, 103, 104))
    await say(app, world, alice, group, "/assign @carol Send the minutes by wednesday")
    clock.advance(TUESDAY_0900 - clock.now())
    await run_tick(app)
    [reminder] = [m for m in world.bot_messages(group.chat_id) if "reminder" in m.text]
    assert reminder.text.startswith("Carol, reminder: #1")
    [noted] = await reply_to(app, world, carol, group, "waiting on finance", reminder.message_id)
    assert noted.text.startswith("Noted on #1 Send the minutes")
    [other] = await reply_to(app, world, dave, group, "done, I booked it", reminder.message_id)
    # someone else's reply is refused as /update would be, not answered as a question
    assert other.text == "Only #1's owner (Carol) or a coordinator can close it.", other.text
    [done] = await reply_to(app, world, carol, group, "done", reminder.message_id)
    assert done.text == "Done: #1 Send the minutes. Thank you!"


# --- 12: an owner choice can't be double-tapped into Done ----------------------------


async def test_an_owner_choice_is_not_replaced_by_done_buttons(app, world, group):
    """'Double-tap risk: an owner-choice message turns into Done buttons in place'"""
    alice = world.people[101]
    [question] = await say(app, world, alice, group, "/assign @carl Send the minutes")
    data = dict(question.buttons())["Assign to @carol"]
    new = await press(app, world, alice, question, "Assign to @carol")
    assert question.buttons() == []  # nothing left to tap where the choice was
    [confirmation] = new
    assert confirmation.text.startswith("Recorded #1 for Carol:")
    assert [label for label, _ in confirmation.buttons()] == ["Done", "Update", "Snooze 1 week"]
    await feed(app, world.user_presses(alice, question, data))  # the second tap
    assert toasts(world)[-1] == "This question has been answered already."
    assert await status_of(app, group.chat_id, 1) is Status.OPEN


async def test_private_reopen_goes_where_the_action_is_closed(app, world, cast, group):
    """second trial: '/reopen in the private chat asks which group even when only one fits'"""
    alice = world.people[101]
    steering = cast.groups["steering"]
    await introduce(app, world, steering, alice)
    await say(app, world, alice, group, "/assign me Partners paper")
    await say(app, world, alice, steering, "/assign me Steering paper")
    await say(app, world, alice, group, "/done 1")
    [reopened] = await say(app, world, alice, world.private_chat(alice), "/reopen 1")
    assert reopened.text.startswith("Reopened #1 Partners paper (Partners for Health)")
    assert await status_of(app, group.chat_id, 1) is Status.OPEN
