"""The issue 10 sixth new-user trial: an action named by its acronym ("who's doing the
DSA") or by a verb the routing didn't know ("who is signing off…") answered with
guidance; a job description for a coordinator post answered with the coordinator's role;
"who's accountable if a joint project goes over budget" declined as finance; and
covered questions declined."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from console.cast import Cast
from guidance.asking import as_faq_question
from guidance.knowledge import load_knowledge
from guidance.retrieval import Retriever
from localapi.world import World
from tests.helpers import introduce, say


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return Retriever(load_knowledge())


async def test_an_action_is_found_by_its_acronym_and_spelt_out(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, bob = cast.first_person, world.people[102]
    await introduce(app, world, group, bob)
    await say(app, world, alice, group, "/assign @bobby_p Sign off the data sharing agreement")
    await say(app, world, alice, group, "/assign @bobby_p Draft the DPIA for the hub")
    for question, title in (
        ("whos doing the DSA", "#1 Sign off the data sharing agreement"),
        ("who is signing off the data sharing agreement", "#1 Sign off the data sharing"),
        ("who is writing the data protection impact assessment", "#2 Draft the DPIA"),
    ):
        [found] = await say(app, world, alice, group, f"/ask {question}")
        assert title in found.text, question
        assert "Source: " not in found.text, question


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how do I write a job description for the coordinator post", "outside-hr"),
        ("job description for a partnership officer", "outside-hr"),
        ("whos accountable if a joint project goes over budget", "sharing-risk"),
        ("do we need minutes or are action notes enough", "meetings"),
    ],
)
def test_trial_questions_get_the_right_answer_or_area(
    retriever: Retriever, question: str, expected: str
) -> None:
    answer = retriever.ask(question)
    given = answer.best.entry.id if answer.best else answer.outside and answer.outside.id
    assert given == expected


@pytest.mark.parametrize(
    ("logged", "question"),
    [
        ("thx, and who do i ring about the hall keys", "Who do i ring about the hall keys"),
        ("@accord_bot ok so where are the minutes kept?", "Where are the minutes kept?"),
        ("where do we park", "Where do we park"),
        ("thanks", "thanks"),  # nothing else to keep
    ],
)
def test_a_logged_question_loses_its_chat_opening_as_a_faq_question(
    logged: str, question: str
) -> None:
    assert as_faq_question(logged) == question
