"""The tenth new-user trial of issue 10, in the chat: "where's the risk log" and "when
does the steering group meet" are this partnership's facts, for it to answer where its
FAQ has no answer, never general guidance; a decision is found by its words in any form;
thanks in a reply is not a question. Its FAQ cases (a FAQ answer is not a definition)
are in test_trial10h_chat.py."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from console.cast import Cast
from localapi.world import World
from tests.helpers import reply_to, say

LOCAL = "That's for your partnership to answer"


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
