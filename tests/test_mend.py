"""Mistakes can be mended: /edit, /reopen, the pointer from /update on a closed action,
and /history saying a status once (issue 9)."""

from __future__ import annotations

from telegram.ext import Application

from app.context import services_of
from domain.model import MAX_TITLE, Actor, Status
from localapi.world import SimChat, World
from tests.helpers import press, say, toasts


def people(world: World):
    return (world.people[i] for i in (101, 102, 103, 104))


async def test_edit_changes_the_title_and_records_it(
    app: Application, world: World, group: SimChat
) -> None:
    alice, _, carol, dave = people(world)
    await say(app, world, alice, group, "/assign @carol Draft the carers survey by Friday")
    [reply] = await say(app, world, carol, group, "/edit 1 Draft the carers' survey")
    assert reply.text == "#1 is now: Draft the carers' survey."
    action = await services_of(app).register.actions.get(group.chat_id, 1)
    assert action.title == "Draft the carers' survey"
    assert action.due is not None  # the due date stays
    [history] = await say(app, world, dave, group, "/history 1")
    assert (
        "Carol edited the title: Draft the carers survey → Draft the carers' survey" in history.text
    )
    # A coordinator may edit anyone's; someone else may not.
    [refused] = await say(app, world, dave, group, "/edit 1 Something else")
    assert refused.text == "Only #1's owner (Carol) or a coordinator can edit it."
    [by_admin] = await say(app, world, alice, group, "/edit #1 The carers' survey")
    assert by_admin.text == "#1 is now: The carers' survey."


async def test_edit_checks_its_input(app: Application, world: World, group: SimChat) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Book the venue")
    [missing] = await say(app, world, alice, group, "/edit 1")
    assert missing.text.startswith("Say what the action should be called.\nUsage: /edit <#>")
    [long] = await say(app, world, alice, group, "/edit 1 " + "x" * (MAX_TITLE + 1))
    assert f"keep it to {MAX_TITLE}" in long.text
    [none] = await say(app, world, alice, group, "/edit 7 Other")
    assert none.text == "There is no action #7 in this chat. See /actions."
    assert (await services_of(app).register.actions.get(group.chat_id, 1)).title == "Book the venue"


async def test_reopen_undoes_a_done(app: Application, world: World, group: SimChat) -> None:
    alice, _bob, carol, dave = people(world)
    await say(app, world, alice, group, "/assign @carol Send the minutes")
    await say(app, world, carol, group, "/update 1 at risk: waiting for notes")
    await say(app, world, carol, group, "/done 1")
    [refused] = await say(app, world, dave, group, "/reopen 1")
    assert refused.text == "Only #1's owner (Carol) or a coordinator can reopen it."
    [reply] = await say(app, world, carol, group, "/reopen 1")
    assert reply.text == "Reopened #1 Send the minutes — at risk, no due date."
    action = await services_of(app).register.actions.get(group.chat_id, 1)
    assert action.status is Status.AT_RISK  # what it was before it was closed
    assert action.closed_at is None
    [history] = await say(app, world, dave, group, "/history 1")
    assert "Carol reopened it: done → at risk" in history.text
    [again] = await say(app, world, carol, group, "/reopen 1")
    assert again.text == "#1 is open already."


async def test_only_coordinators_reopen_a_drop(
    app: Application, world: World, group: SimChat
) -> None:
    alice, bob, carol, _ = people(world)
    await say(app, world, alice, group, "/assign @carol Book the hall")
    await say(app, world, bob, group, "/drop 1 not needed")
    [refused] = await say(app, world, carol, group, "/reopen 1")
    assert refused.text.startswith("Only coordinators")
    [reply] = await say(app, world, bob, group, "/reopen 1")
    assert reply.text == "Reopened #1 Book the hall — open, no due date."
    [listing] = await say(app, world, carol, group, "/actions")
    assert "#1 Book the hall" in listing.text


async def test_reopen_is_checked_in_the_write(
    app: Application, world: World, group: SimChat
) -> None:
    """Check-then-write: two reopens that both read "done" reopen it once."""
    import asyncio

    import pytest

    from register.service import RegisterError

    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Book the hall")
    await say(app, world, alice, group, "/done 1")
    register = services_of(app).register
    scope = await _scope(app, group)
    actor = Actor(101, "Alice", True)
    now = services_of(app).clock.now()
    outcomes = await asyncio.gather(
        register.reopen(scope, actor, 1, now),
        register.reopen(scope, actor, 1, now),
        return_exceptions=True,
    )
    assert sum(isinstance(o, RegisterError) for o in outcomes) == 1, outcomes
    events = await register.actions.history(await register.action(scope, 1))
    assert [e.kind for e in events].count("reopened") == 1
    with pytest.raises(RegisterError, match="open already"):
        await register.reopen(scope, actor, 1, now)


async def _scope(app: Application, group: SimChat):
    from zoneinfo import ZoneInfo

    from domain.model import ChatScope

    return ChatScope(group.chat_id, group.title or "", ZoneInfo("Europe/London"))


async def test_update_on_a_done_action_points_to_reopen(
    app: Application, world: World, group: SimChat
) -> None:
    alice, _, carol, dave = people(world)
    for _ in range(9):
        await say(app, world, alice, group, "/assign @carol Send the minutes")
    await say(app, world, carol, group, "/done 9")
    [reply] = await say(app, world, carol, group, "/update 9 sorry, not done")
    assert reply.text == (
        "#9 is already done. If it isn't, reopen it: /reopen 9 (or press Reopen), "
        "then add your note."
    )
    assert [label for label, _ in reply.buttons()] == ["Reopen"]
    await press(app, world, dave, reply, "Reopen")  # not hers: refused, nothing changes
    assert toasts(world)[-1] == "Only #9's owner (Carol) or a coordinator can reopen it."
    assert (await services_of(app).register.actions.get(group.chat_id, 9)).status is Status.DONE
    await press(app, world, carol, reply, "Reopen")
    assert toasts(world)[-1] == "#9 is open again."
    assert (await services_of(app).register.actions.get(group.chat_id, 9)).status is Status.OPEN
    assert reply.text.startswith("#9 Send the minutes — Carol · no due date")
    assert [label for label, _ in reply.buttons()] == ["Done", "Update", "Snooze 1 week"]


async def test_history_says_the_status_once(app: Application, world: World, group: SimChat) -> None:
    alice, bob, carol, _ = people(world)
    await say(app, world, alice, group, "/assign @bobby_p Draft the bid")
    await say(app, world, bob, group, "/update 1 at risk: waiting for the figures")
    await say(app, world, bob, group, "/update 1 blocked")
    await say(app, world, bob, group, "/update 1 on track, figures came in")
    await say(app, world, bob, group, "/update 1 figures are late, at risk again")
    [history] = await say(app, world, carol, group, "/history 1")
    lines = history.text.splitlines()
    assert lines[3].endswith("Bob status open → at risk: waiting for the figures")
    assert lines[4].endswith("Bob status at risk → blocked")
    assert lines[5].endswith("Bob status blocked → on track: figures came in")
    assert lines[6].endswith("Bob status on track → at risk: figures are late, at risk again")
