"""Trial 9, late findings 6-8: check-ins say which actions are overdue, group reminders
carry the same buttons as private ones (checked on press), and a "which group?" choice
pressed after the action was closed says so in the message."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.model import Status
from tests.helpers import introduce, press, say, status_of, tick_at, toasts

THURSDAY_0900 = datetime(2026, 11, 26, 9, tzinfo=UTC)
MONDAY_0930 = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)

pytestmark = pytest.mark.settings(WRITE_BURST="100")


# --- 6: a check-in says which actions are overdue -------------------------------------


async def test_a_checkin_says_an_action_is_overdue(app, world, group, clock) -> None:
    alice, bob = world.people[101], world.people[102]
    await say(app, world, bob, world.private_chat(bob), "/start")
    await say(app, world, alice, group, "/assign @bobby_p Bob's paper by wednesday")
    await say(app, world, alice, group, "/assign @bobby_p Bob's plan by 31/12")
    await say(app, world, alice, group, "/assign @carol Carol's paper by tuesday")
    clock.advance(MONDAY_0930 - clock.now())
    await say(app, world, alice, group, "/checkin")
    [private] = [m for m in world.bot_messages(bob.user_id) if m.text.startswith("Check-in")]
    assert "#1 Bob's paper — open · overdue since Wed 25 Nov" in private.text
    assert "#2 Bob's plan — open · due Thu 31 Dec" in private.text
    [in_group] = [m for m in world.bot_messages(group.chat_id) if m.text.startswith("Check-in for")]
    assert "#3 Carol's paper — open · overdue since Tue 24 Nov" in in_group.text


# --- 7: group reminders have Done / Update / Snooze, checked on press -------------------


async def test_a_group_reminder_has_buttons_checked_on_press(app, world, group, clock) -> None:
    alice, carol, dave = (world.people[i] for i in (101, 103, 104))
    await say(app, world, alice, group, "/assign @carol Send the minutes by friday")
    await tick_at(app, clock, THURSDAY_0900)
    [reminder] = [m for m in world.bot_messages(group.chat_id) if "reminder" in m.text]
    assert [label for label, _ in reminder.buttons()] == ["Done", "Update", "Snooze 1 week"]
    await press(app, world, dave, reminder, "Done")  # not Dave's, and he coordinates nothing
    assert toasts(world)[-1] == "Only #1's owner (Carol) or a coordinator can close it."
    assert await status_of(app, group.chat_id, 1) is Status.OPEN
    await press(app, world, carol, reminder, "Snooze 1 week")
    assert toasts(world)[-1] == "#1 is now due Fri 4 Dec."
    await press(app, world, alice, reminder, "Done")  # a coordinator may
    assert await status_of(app, group.chat_id, 1) is Status.DONE
    assert [label for label, _ in reminder.buttons()] == ["Reopen"]  # trial 9, finding 1


async def test_a_group_reminder_about_several_actions_numbers_its_buttons(
    app, world, group, clock
) -> None:
    alice, carol, dave = (world.people[i] for i in (101, 103, 104))
    await say(app, world, alice, group, "/assign @carol Send the minutes by friday")
    await say(app, world, alice, group, "/assign @dave_k Book the room by friday")
    await tick_at(app, clock, THURSDAY_0900)
    [reminder] = [m for m in world.bot_messages(group.chat_id) if "Reminders" in m.text]
    labels = [label for label, _ in reminder.buttons()]
    assert labels == [
        "#1 Done", "#1 Update", "#1 Snooze 1 week", "#2 Done", "#2 Update", "#2 Snooze 1 week",
    ]  # fmt: skip
    assert all(str(group.chat_id) not in data for _, data in reminder.buttons())
    await press(app, world, carol, reminder, "#2 Done")  # Dave's
    assert toasts(world)[-1] == "Only #2's owner (Dave) or a coordinator can close it."
    await press(app, world, dave, reminder, "#2 Done")
    assert await status_of(app, group.chat_id, 2) is Status.DONE
    assert [label for label, _ in reminder.buttons()] == [
        "#1 Done",
        "#1 Update",
        "#1 Snooze 1 week",
    ]
    assert "Reminders" in reminder.text  # the message about both stays as it was


# --- 8: a "which group?" choice pressed after the action was closed -------------------


async def test_a_group_choice_for_a_closed_action_says_it_is_closed(app, world, cast) -> None:
    alice, carol = world.people[101], world.people[103]
    partners, steering = cast.groups["partners"], cast.groups["steering"]
    await introduce(app, world, partners, alice, carol)
    await introduce(app, world, steering, alice, carol)
    await say(app, world, alice, partners, "/assign @carol Partners paper")
    await say(app, world, carol, steering, "/assign me Steering paper")
    [question] = await say(app, world, carol, world.private_chat(carol), "/done 1")
    assert question.text.startswith("You have actions in more than one partnership")
    await say(app, world, alice, partners, "/done 1")  # closed meanwhile
    await press(app, world, carol, question, "Partners for Health")
    assert toasts(world)[-1] == "#1 is already done."
    assert question.text == "#1 is already done. (Partners for Health)"
    assert question.buttons() == []
    assert await status_of(app, steering.chat_id, 1) is Status.OPEN
