"""The tenth new-user trial of issue 10, in the chat. A FAQ answer is not a definition:
with "Who signs off a DPIA for us?" in the FAQ, "what is a DPIA" got a name, and so did
"impact" and "outcomes" (words DPIA's spelling-out and synonyms hold, not the FAQ's
own); "where's the risk log" and "when does the steering group meet" are this
partnership's facts, from its FAQ or for it to answer, never general guidance."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from console.cast import Cast
from localapi.world import World
from tests.helpers import add_faqs, reply_to, say

FAQ = (
    "/faq add Where is the risk log kept? | Shared drive > Partnership > Risk",
    "/faq add Who signs off a DPIA for us? | Priya Shah, North Vale IG lead",
    "/faq add How do we claim volunteer travel expenses? | Form E1, 45p a mile",
    "/faq add When does the steering group meet? | First Tuesday, 10am",
    "/faq add What is the pooled budget code? | PB-2291",
)
LOCAL = "That's for your partnership to answer"


@pytest.mark.parametrize(
    "question",
    [
        "what is a DPIA",
        "what's a DPIA for?",
        "DPIA",
        "outcomes",
        "impact",
        "impact assessment",
        "what's a risk log for",
        "what's the steering group for",
    ],
)
async def test_a_question_of_its_own_is_not_the_faqs(
    app: Application, world: World, cast: Cast, question: str
) -> None:
    await add_faqs(app, world, cast.groups["partners"], *FAQ)
    [answer] = await say(app, world, world.people[103], cast.groups["partners"], f"/ask {question}")
    assert "FAQ (#" not in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("where's the risk log", 1),
        ("who signs off our DPIAs?", 2),
        ("volunteer travel expenses?", 3),
        ("when do we meet next", 4),
        ("what is the pooled budget code", 5),
    ],
)
async def test_the_faq_answers_its_own_facts_in_other_words(
    app: Application, world: World, cast: Cast, question: str, number: int
) -> None:
    await add_faqs(app, world, cast.groups["partners"], *FAQ)
    [answer] = await say(app, world, world.people[103], cast.groups["partners"], f"/ask {question}")
    assert f"FAQ (#{number})" in answer.text, answer.text


@pytest.mark.parametrize(
    "question",
    ["where's the risk log", "when does the steering group meet?", "when do we meet next"],
)
async def test_a_local_fact_without_a_faq_answer_is_the_partnerships_to_answer(
    app: Application, world: World, cast: Cast, question: str
) -> None:
    steering = cast.groups["steering"]  # no FAQ
    [answer] = await say(app, world, world.people[103], steering, f"/ask {question}")
    assert answer.text.startswith(LOCAL), answer.text


async def test_a_decision_is_found_by_its_words_in_any_form(
    app: Application, world: World, cast: Cast
) -> None:
    group, alice = cast.groups["partners"], cast.first_person
    await say(app, world, alice, group, "/decide Split the evaluation cost 50/50 with the ICB")
    [found] = await say(
        app, world, alice, group, "/ask what did we agree about splitting the evaluation cost"
    )
    assert "No decision recorded here mentions" not in found.text
    assert "Split the evaluation cost" in found.text


async def test_thanks_in_reply_is_not_a_question(
    app: Application, world: World, cast: Cast
) -> None:
    group, carol = cast.groups["partners"], world.people[103]
    [answer] = await say(app, world, carol, group, "/ask how do we build trust with the council")
    replies = await reply_to(app, world, carol, group, "thanks thats useful", answer.message_id)
    assert all("outside what Accord knows" not in r.text for r in replies)
    [report] = await say(app, world, cast.first_person, group, "/unanswered")
    assert "thanks" not in report.text
