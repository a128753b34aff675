"""Shared goals: /goals, /goal, links from /assign and /link, /actions goal N."""

from __future__ import annotations

from telegram.ext import Application

from localapi.world import SimChat, World
from tests.helpers import nothing_recorded, press, say


async def add_goals(app: Application, world: World, group: SimChat) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/goal add Cut waiting times")
    await say(app, world, alice, group, "/goal add Joint carers' survey")


async def test_for_goal_before_and_after_the_due_phrase(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await add_goals(app, world, group)
    [first] = await say(
        app, world, alice, group, "/assign @carol Draft the survey for goal 2 by Friday"
    )
    assert first.text.startswith("Recorded #1 for Carol: Draft the survey — due Fri 27 Nov")
    assert "For goal 2: Joint carers' survey." in first.text
    [second] = await say(
        app, world, alice, group, "/assign @carol Book the room by Friday for goal 2"
    )
    assert second.text.startswith("Recorded #2 for Carol: Book the room — due Fri 27 Nov")
    [listing] = await say(app, world, alice, group, "/actions goal 2")
    assert "#1 Draft the survey" in listing.text
    assert "#2 Book the room" in listing.text
    [history] = await say(app, world, alice, group, "/history 1")
    assert "goal 2" in history.text


async def test_goals_show_progress_and_goal_shows_actions_by_partner(
    app: Application, world: World, group: SimChat
) -> None:
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, group, "/partner add HSCB")
    await say(app, world, carol, group, "/join HSCB")
    await add_goals(app, world, group)
    await say(app, world, alice, group, "/assign @carol Draft the survey by Wednesday for goal 1")
    await say(app, world, alice, group, "/assign @carol Send the returns for goal 1")
    await say(app, world, alice, group, "/done 2")
    [goals] = await say(app, world, carol, group, "/goals")
    assert "Goal 1 Cut waiting times — 1 done · 1 open" in goals.text
    assert "Goal 2 Joint carers' survey — no actions yet" in goals.text
    [one] = await say(app, world, carol, group, "/goal 1")
    assert "HSCB" in one.text
    assert "#1 Draft the survey" in one.text
    assert "Closed" in one.text
    assert "#2 Send the returns" in one.text


async def test_only_coordinators_change_goals_and_edit_close_record_history(
    app: Application, world: World, group: SimChat
) -> None:
    alice, carol = world.people[101], world.people[103]
    [refused] = await say(app, world, carol, group, "/goal add Take over the world")
    assert refused.text.startswith("Only coordinators")
    await add_goals(app, world, group)
    [refused] = await say(app, world, carol, group, "/goal close 1")
    assert refused.text.startswith("Only coordinators")
    [edited] = await say(app, world, alice, group, "/goal edit 1 Halve waiting times")
    assert "Goal 1 now reads: Halve waiting times" in edited.text
    [closed] = await say(app, world, alice, group, "/goal close 1")
    assert "Closed goal 1" in closed.text
    [goals] = await say(app, world, carol, group, "/goals")
    assert "Goal 1" not in goals.text
    assert "Goal 2" in goals.text
    [refused] = await say(app, world, alice, group, "/assign @carol Plan for goal 1")
    assert "Goal 1 is closed" in refused.text
    [missing] = await say(app, world, alice, group, "/goal 9")
    assert "There is no goal 9" in missing.text


async def test_link_and_unlink_by_owner_or_coordinator(
    app: Application, world: World, group: SimChat
) -> None:
    alice, carol, dave = world.people[101], world.people[103], world.people[104]
    await add_goals(app, world, group)
    await say(app, world, alice, group, "/assign @carol Draft the survey")
    [refused] = await say(app, world, dave, group, "/link 1 goal 2")
    assert "Only #1's owner (Carol) or a coordinator" in refused.text
    [linked] = await say(app, world, carol, group, "/link 1 goal 2")
    assert "Linked #1 Draft the survey to goal 2" in linked.text
    [again] = await say(app, world, carol, group, "/link 1 goal 2")
    assert "already linked to goal 2" in again.text
    [unlinked] = await say(app, world, alice, group, "/link 1 goal none")
    assert "linked to no goal now" in unlinked.text
    [history] = await say(app, world, alice, group, "/history 1")
    assert "goal 2" in history.text
    [bad] = await say(app, world, alice, group, "/link 1 to 2")
    assert bad.text.startswith("Usage: /link")


async def test_goals_are_per_chat(
    app: Application, world: World, groups: tuple[SimChat, SimChat]
) -> None:
    partners, steering = groups
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, partners, "/goal add Cut waiting times")
    [empty] = await say(app, world, carol, steering, "/goals")
    assert empty.text.startswith("No goals agreed yet")
    [missing] = await say(app, world, carol, steering, "/goal 1")
    assert "There is no goal 1" in missing.text
    [refused] = await say(app, world, carol, steering, "/assign me Plan for goal 1")
    assert "There is no goal 1" in refused.text


async def test_for_goal_in_a_several_line_assign_and_after_a_name_question(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await add_goals(app, world, group)
    [batch] = await say(
        app,
        world,
        alice,
        group,
        "/assign\n@carol Draft the survey for goal 2 by Friday\n@bobby_p Book the room for goal 1\n"
        "me Send the minutes",
    )
    assert batch.text.startswith("Recorded 3 actions:")
    assert "Draft the survey — due Fri 27 Nov" in batch.text
    [two] = await say(app, world, alice, group, "/actions goal 2")
    assert "#1 Draft the survey" in two.text
    assert "#2" not in two.text
    [one] = await say(app, world, alice, group, "/actions goal 1")
    assert "#2 Book the room" in one.text
    [refused] = await say(
        app, world, alice, group, "/assign\n@carol Draft for goal 7\n@bobby_p Book the room"
    )
    assert refused.text.startswith("Line 1 (@carol Draft for goal 7): There is no goal 7")
    assert "Nothing was recorded." in refused.text

    # "Did you mean @carol?": the chosen owner's action still serves the goal
    [question] = await say(app, world, alice, group, "/assign @carlo Plan the launch for goal 1")
    [confirmation] = await press(app, world, alice, question, "Assign to @carol")
    assert confirmation.text.startswith("Recorded #4 for Carol: Plan the launch")
    [one] = await say(app, world, alice, group, "/actions goal 1")
    assert "#4 Plan the launch" in one.text


async def test_for_goal_inside_the_title_is_refused_and_nothing_recorded(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await add_goals(app, world, group)
    [refused] = await say(app, world, alice, group, "/assign @carol Plan for goal 2 review")
    assert refused.text.startswith("Put “for goal N” at the end of the /assign")
    await nothing_recorded(app, world, group)


async def test_a_repeating_actions_next_one_serves_the_same_goal(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await add_goals(app, world, group)
    [recorded] = await say(
        app, world, alice, group, "/assign @carol Send the returns every Friday for goal 1"
    )
    assert "For goal 1: Cut waiting times." in recorded.text
    await say(app, world, alice, group, "/done 1")
    [listing] = await say(app, world, alice, group, "/actions goal 1")
    assert "#2 Send the returns" in listing.text
    [goals] = await say(app, world, alice, group, "/goals")
    assert "Goal 1 Cut waiting times — 1 done · 1 open" in goals.text
