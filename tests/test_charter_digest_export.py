"""The charter in the digest (goals first, decisions since, objections flagged) and in
/export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from telegram.ext import Application

from app.clock import FrozenClock
from localapi.world import SimChat, World
from tests.helpers import press, say
from tests.test_nudges import digests


async def test_the_digest_opens_with_goals_then_decisions(
    app: Application, world: World, group: SimChat, clock: FrozenClock
) -> None:
    alice, carol, dave = world.people[101], world.people[103], world.people[104]
    await say(app, world, alice, group, "/goal add Cut waiting times")
    await say(app, world, alice, group, "/assign @carol Draft the survey for goal 1 by Friday")
    await say(app, world, alice, group, "/assign @carol Send the returns for goal 1")
    await say(app, world, alice, group, "/done 2")
    [decision] = await say(app, world, alice, group, "/decide Pool the budgets")
    await press(app, world, dave, decision, "Object")
    await say(app, world, alice, group, "/digest")
    [digest] = digests(world, group.chat_id)
    lines = digest.split("\n")
    assert lines[1] == "Goal 1 Cut waiting times: 1 done · 1 open (+1 done since the last digest)"
    assert "Recorded since the last digest" not in digest  # only under objections
    assert "Decisions with objections\n  Decision 1 Pool the budgets" in digest
    assert digest.index("Goal 1") < digest.index("1 open · 0 overdue")

    # the next digest: nothing new decided, the objection still flagged until resolved
    clock.advance(timedelta(hours=1))
    await say(app, world, carol, group, "/done 1")
    await say(app, world, alice, group, "/digest")
    second = digests(world, group.chat_id)[-1]
    assert "Recorded since the last digest" not in second
    assert "Decisions with objections" in second
    await say(app, world, alice, group, "/decision 1 withdraw")
    await say(app, world, alice, group, "/assign @carol Book the room")
    clock.advance(timedelta(hours=1))
    await say(app, world, alice, group, "/digest")
    third = digests(world, group.chat_id)[-1]
    assert third != second
    assert "Decisions with objections" not in third


async def test_export_adds_the_charter_when_there_is_one(
    app: Application, world: World, group: SimChat
) -> None:
    alice, carol = world.people[101], world.people[103]
    two = await say(app, world, alice, group, "/export")
    assert len(two) == 2  # no charter: the register's two files only
    await say(app, world, alice, group, "/goal add Cut waiting times")
    await say(app, world, alice, group, "/role add Chair @carol")
    [decision] = await say(app, world, alice, group, "/decide =cmd|' /C calc'!A0")
    await press(app, world, carol, decision, "Agree")
    *_, charter = await say(app, world, alice, group, "/export")
    assert charter.document[0].startswith("charter-")
    rows = list(csv.reader(io.StringIO(charter.document[1].decode("utf-8-sig"))))
    assert rows[0] == ["record", "number", "text", "who", "status", "when", "detail"]
    records = [row[0] for row in rows[1:]]
    assert records[:4] == ["goal", "role", "decision", "answer"]
    assert "goal change" in records
    assert "decision change" in records
    assert rows[3][2].startswith("'=")  # a formula is written as text
