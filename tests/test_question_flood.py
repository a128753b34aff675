"""/unanswered keeps every declined question, counting repeats, up to a bound per chat."""

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


async def test_every_declined_question_is_kept_up_to_the_chats_bound(
    app: Application, world: World, cast: Cast, clock: FrozenClock
) -> None:
    """A coordinator never loses a question to a per-person limit (the issue 10 trial):
    each is kept, answering never stops, and the chat keeps its newest 100."""
    group = cast.groups["partners"]
    carol, dave = world.people[103], world.people[104]
    [real] = await say(app, world, dave, group, "/ask what is the capital of france")
    assert real.text.startswith(DECLINED)
    for n in range(60):
        [answer] = await say(app, world, carol, group, f"/ask spam question {n}")
        assert answer.text.startswith(DECLINED)  # answering still works
    texts = await logged(app, group.chat_id)
    assert len([t for t in texts if t.startswith("spam")]) == 60
    assert "what is the capital of france" in texts
    for n in range(60, 120):
        await say(app, world, carol, group, f"/ask spam question {n}")
    texts = await logged(app, group.chat_id)
    assert len(texts) == 100
    assert texts[0] == "spam question 119"  # newest first; the oldest dropped
    assert "what is the capital of france" not in texts


async def test_a_repeated_question_is_logged_once_and_counted(
    app: Application, world: World, cast: Cast, clock: FrozenClock
) -> None:
    group = cast.groups["partners"]
    carol, dave = world.people[103], world.people[104]
    await say(app, world, carol, group, "/ask what is the capital of france")
    await say(app, world, carol, group, "/ask What is the  capital of France")
    clock.advance(timedelta(days=10))
    await say(app, world, dave, group, "@accord_bot what is the capital of france")
    questions = await services_of(app).guidance.unanswered(group.chat_id)
    [capital] = [q for q in questions if "capital" in q.text.lower()]
    assert capital.times == 3
