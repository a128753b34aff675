"""The issue 10 fifth new-user trial: an edited FAQ answer served stale, a partner named
"the housing trust" answered with "Trust and honesty", "who owns what" declined, and
outside questions given guidance guesses."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from console.cast import Cast
from guidance.knowledge import load_knowledge
from guidance.retrieval import Retriever
from guidance.routing import RegisterQuestion, register_question
from localapi.world import World
from tests.helpers import introduce, say


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return Retriever(load_knowledge())


async def test_an_edited_faq_answer_is_served_at_once(
    app: Application, world: World, cast: Cast
) -> None:
    """The clock stood still between the answer, the edit and the question: the cached
    ranking kept the old answer until a restart."""
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    await say(app, world, alice, group, "/faq add Who chairs the falls group? | Councillor Reid")
    [old] = await say(app, world, carol, group, "/ask who chairs the falls group")
    assert "Councillor Reid" in old.text
    await say(app, world, alice, group, "/faq edit 1 Who chairs the falls group? | Dr Okafor")
    [new] = await say(app, world, carol, group, "/ask who chairs the falls group")
    assert "Dr Okafor" in new.text
    assert "Councillor Reid" not in new.text


@pytest.mark.parametrize(
    "question",
    ["what is the housing trust responsible for", "whats the community trust doing"],
)
async def test_a_partner_called_a_trust_is_not_answered_with_trust_and_honesty(
    app: Application, world: World, cast: Cast, question: str
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    await introduce(app, world, group, alice)
    [reply] = await say(app, world, alice, group, f"/ask {question}")
    assert reply.text.startswith("I don't know “"), reply.text
    assert "Trust and honesty" not in reply.text


@pytest.mark.parametrize(
    "question",
    ["who owns what", "@accord_bot who owns what in this group", "whats everyone responsible for"],
)
def test_who_owns_what_alone_asks_for_everyones_actions(question: str) -> None:
    assert register_question(question) == RegisterQuestion("all")


def test_who_owns_what_with_a_complaint_asks_how_to_make_roles_clear() -> None:
    assert register_question("who owns what here? nobody's clear and actions keep slipping") is None


async def test_who_owns_what_lists_the_groups_actions(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    await introduce(app, world, group, alice)
    await say(app, world, alice, group, "/assign me Draft the carers survey")
    [listing] = await say(app, world, alice, group, "/ask who owns what")
    assert "Draft the carers survey" in listing.text


@pytest.mark.parametrize(
    ("question", "area"),
    [
        ("someone has asked for every email that mentions them", "outside-individual-rights"),
        ("staff on the joint team are on different pay scales and theres resentment", "outside-hr"),
        ("can I claim overtime for the evening events", "outside-hr"),
        ("a journalist put in an FOI for our board minutes", "outside-individual-rights"),
        ("should we register the partnership as a CIC", "outside-charity-law"),
        ("how do i set up a shared drive the partners can all see", "outside-it"),
    ],
)
def test_outside_questions_name_their_area(retriever: Retriever, question: str, area: str) -> None:
    answer = retriever.ask(question)
    assert answer.best is None
    assert answer.outside is not None
    assert answer.outside.id == area


@pytest.mark.parametrize(
    ("question", "entries"),
    [
        ("two partners keep squabbling over who gets the credit", {"disagreement"}),
        ("the health board keeps cancelling at the last minute", {"quiet-partner"}),
        ("we've got far too many sub groups", {"gp-structure-purpose", "governance-chairing"}),
    ],
)
def test_everyday_complaints_get_their_entry(
    retriever: Retriever, question: str, entries: set[str]
) -> None:
    answer = retriever.ask(question)
    assert answer.best is not None
    assert answer.best.entry.id in entries
