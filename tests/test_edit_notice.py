"""An edited writing command is not run again, and the person is told so once."""

from __future__ import annotations

from telegram.ext import Application

from app.context import services_of
from app.lifecycle import feed
from localapi.world import World
from tests.helpers import say

NOTICE = "Edits don't run commands again: send it as a new message."


async def edit(app: Application, world: World, group, message_id: int, text: str) -> list[str]:
    before = len(world.bot_messages())
    await feed(app, world.user_edits(world.people[101], group, message_id, text))
    return [m.text for m in world.bot_messages()[before:]]


async def test_an_edited_assign_is_answered_once_and_changes_nothing(
    app: Application, world: World, group
) -> None:
    alice = world.people[101]
    update = world.user_says(alice, group, "/assign me Edit target by Friday")
    await feed(app, update)
    message_id = update["message"]["message_id"]
    assert await edit(app, world, group, message_id, "/assign me Edit target by Monday") == [NOTICE]
    assert await edit(app, world, group, message_id, "/assign me Edit target by Tues") == []
    action = await services_of(app).register.actions.get(group.chat_id, 1)
    assert action.due is not None
    assert action.due.on is not None
    assert action.due.on.strftime("%a") == "Fri"
    assert await services_of(app).register.actions.get(group.chat_id, 2) is None


async def test_each_writing_command_tells_its_editor(app: Application, world: World, group) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Something")
    for text in ("/done 1", "/update 1 on track", "/digest", "/drop 1 no"):
        update = world.user_says(alice, group, text)
        await feed(app, update)
        assert await edit(app, world, group, update["message"]["message_id"], text + "!") == [
            NOTICE
        ], text


async def test_an_edited_read_gets_its_answer_not_the_notice(
    app: Application, world: World, group
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Funding bid")
    update = world.user_says(alice, group, "/who fundng")
    await feed(app, update)
    [answer] = await edit(app, world, group, update["message"]["message_id"], "/who funding")
    assert answer != NOTICE
    assert "Funding bid" in answer
