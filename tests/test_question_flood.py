"""One member's stream of questions cannot push the others' out of /unanswered."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import Application

from app.clock import FrozenClock
from app.context import services_of
from console.cast import Cast
from localapi.world import World
from tests.helpers import say

DECLINED = "That's outside what Accord knows."


async def logged(app: Application, chat_id: int) -> list[str]:
    return [q.text for q in await services_of(app).guidance.unanswered(chat_id, limit=500)]


async def test_a_flood_of_questions_is_answered_but_logged_a_few_an_hour(
    app: Application, world: World, cast: Cast, clock: FrozenClock
) -> None:
    group = cast.groups["partners"]
    carol, dave = world.people[103], world.people[104]
    [real] = await say(app, world, dave, group, "/ask what is the capital of france")
    assert real.text.startswith(DECLINED)
    for n in range(60):
        [answer] = await say(app, world, carol, group, f"/ask spam question {n}")
        assert answer.text.startswith(DECLINED)  # answering still works
    texts = await logged(app, group.chat_id)
    spam = [t for t in texts if t.startswith("spam")]
    assert 1 <= len(spam) <= 5
    assert "what is the capital of france" in texts
    clock.advance(timedelta(hours=1))
    await say(app, world, carol, group, "/ask a real question after an hour")
    assert "a real question after an hour" in await logged(app, group.chat_id)


async def test_a_repeated_question_is_logged_once(
    app: Application, world: World, cast: Cast, clock: FrozenClock
) -> None:
    group = cast.groups["partners"]
    carol, dave = world.people[103], world.people[104]
    await say(app, world, carol, group, "/ask what is the capital of france")
    await say(app, world, carol, group, "/ask What is the  capital of France")
    clock.advance(timedelta(minutes=10))
    await say(app, world, dave, group, "@accord_bot what is the capital of france")
    texts = await logged(app, group.chat_id)
    assert len([t for t in texts if "capital" in t.lower()]) == 1
