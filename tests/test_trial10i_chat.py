"""The ninth new-user trial of issue 10, once the classifier learnt the asked sets, in
the chat: register questions in other words ("is bob behind on anything", "and who has
the leaflet?", "who hasn't done their actions", "what did we decide about the venue")
are answered from the group's record; a number is no topic word ("spam question 75");
and in the console the line after an "Answer" prompt answers it, as Telegram's reply box
does. Its outside areas are in test_guidance_outside.py, its neighbours in
test_trial10g.py."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from console.cast import Cast
from guidance.knowledge import load_knowledge
from guidance.retrieval import Retriever
from guidance.routing import register_question
from localapi.world import World
from tests.helpers import introduce, say


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return Retriever(load_knowledge())


@pytest.mark.parametrize("question", ["what next", "spam question 50", "spam question 75"])
def test_no_answer_rests_on_a_vague_phrase_or_a_number(retriever: Retriever, question: str) -> None:
    assert retriever.ask(question).best is None


def test_calling_it_a_day_offers_ending_well(retriever: Retriever) -> None:
    answer = retriever.ask("we've been going 5 years, is it time to call it a day")
    assert "closing-partnership" in [c.entry.id for c in answer.candidates]


@pytest.mark.parametrize(
    ("question", "kind", "subject"),
    [
        ("is bob behind on anything", "overdue", "bob"),
        ("is the council behind on anything", "overdue", "council"),
        ("is carol behind", "overdue", "carol"),
        ("has the council done its bits yet", "owns", "council"),
        ("and who has the leaflet?", "who", "leaflet"),
        ("who hasnt done their actions", "overdue", ""),
        ("what did we decide about the venue", "decided", "venue"),
        ("what did we agree at the last meeting", "decided", ""),
    ],
)
def test_register_questions_in_other_words_are_routed(
    question: str, kind: str, subject: str
) -> None:
    routed = register_question(question)
    assert routed is not None
    assert (routed.kind, routed.subject) == (kind, subject)


@pytest.mark.parametrize(
    "question",
    [
        "who owns the data in the shared referral spreadsheet",  # controllers, not an action
        "is the partnership behind schedule",
        "are we behind",
        "how do we decide things",
    ],
)
def test_questions_for_guidance_are_not_routed(question: str) -> None:
    assert register_question(question) is None


async def test_is_someone_behind_lists_their_overdue_actions(
    app: Application, world: World, cast: Cast, clock: FrozenClock
) -> None:
    group = cast.groups["partners"]
    alice, bob = cast.first_person, world.people[102]
    await introduce(app, world, group, bob)
    await say(app, world, alice, group, "/assign @bobby_p Send the leaflet to print by tomorrow")
    clock.advance(timedelta(days=3))
    [late] = await say(app, world, alice, group, "/ask is bob behind on anything")
    assert "Overdue for" in late.text
    assert "#1 Send the leaflet" in late.text
    [unknown] = await say(app, world, alice, group, "/ask is the foodbank behind on anything")
    assert "foodbank" in unknown.text.lower()
    assert "Overdue for" not in unknown.text
    [leaflet] = await say(app, world, alice, group, "/ask and who has the leaflet?")
    assert "#1 Send the leaflet" in leaflet.text


async def test_what_did_we_decide_answers_from_the_decisions(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = cast.first_person
    [none] = await say(app, world, alice, group, "/ask what did we agree at the last meeting")
    assert "No decisions recorded yet" in none.text
    assert "/decide" in none.text
    await say(app, world, alice, group, "/decide Hold the volunteer fair at the Riverside centre")
    await say(app, world, alice, group, "/decide Pool the budgets for the winter campaign")
    [fair] = await say(app, world, alice, group, "/ask what did we decide about the volunteer fair")
    assert "volunteer fair" in fair.text
    assert "winter campaign" not in fair.text
    [venue] = await say(app, world, alice, group, "/ask what did we decide about the venue")
    assert "No decision recorded here mentions “venue”" in venue.text
    assert "volunteer fair" in venue.text
    assert "winter campaign" in venue.text
    [meeting] = await say(app, world, alice, group, "/ask what was agreed at the last meeting")
    assert "volunteer fair" in meeting.text
    assert "winter campaign" in meeting.text
    [private] = await say(
        app, world, alice, world.private_chat(alice), "what did we decide about the fair"
    )
    assert "volunteer fair" in private.text  # Alice's one group's decisions


async def test_the_console_answers_a_reply_prompt_with_the_next_line(
    app: Application, world: World, cast: Cast
) -> None:
    from console.terminal import ConsoleSession

    out = io.StringIO()
    session = ConsoleSession(app, world, cast, out)
    for line in ("/ask VCSE", "/unanswered", ":press 1", "Voluntary and community sector"):
        assert await session.handle(line)
    assert "Added to this partnership's FAQ" in out.getvalue()
