"""Areas outside Accord's guidance (config/knowledge/outside.toml): a question nearer one
of them than any entry is declined, naming the area and who to ask, with no topics
offered; the areas never make an off-topic question look known."""

from __future__ import annotations

import dataclasses

import pytest
from telegram.ext import Application

from console.cast import Cast
from guidance.knowledge import OUTSIDE, load_knowledge, problems
from guidance.retrieval import Retriever
from localapi.world import World
from tests.helpers import introduce, say


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return Retriever(load_knowledge())


@pytest.mark.parametrize(
    ("question", "area"),
    [
        # each was answered with the nearest covered entry before the areas existed
        ("how do i write a job description for a support worker", "outside-hr"),
        ("excel formula to add up a column", "outside-it"),
        ("what do we do about a subject access request from a tenant", "outside-individual-rights"),
        ("do we need to go out to tender for the new contract", "outside-procurement"),
        # insurance for a group's own event, and advice for one person, were answered
        # with sharing risk and co-production
        ("does our lunch club need public liability cover", "outside-insurance"),
        ("can you help a client with a PIP form", "outside-client-advice"),
        # a marker places a question in its area whatever else it names
        ("what should the JD for our partnership coordinator say", "outside-hr"),
        (
            "my client's universal credit has been stopped, what can the partnership do",
            "outside-client-advice",
        ),
        ("do the partners each need employers' liability for the joint hub", "outside-insurance"),
        # trial 10i: a breach in everyday words (co-production and data sharing came),
        # quotes and tenders (pooled budgets and efficiency came), a job advert
        (
            "one partner emailed a spreadsheet with service users names to the wrong person",
            "outside-individual-rights",
        ),
        ("we sent a list of names to the wrong partner by mistake", "outside-individual-rights"),
        ("do we need 3 quotes for the catering at the conference", "outside-procurement"),
        ("how many quotes do we need before buying the new minibus", "outside-procurement"),
        (
            "can we just hand the evaluation contract to the uni without going out to tender",
            "outside-procurement",
        ),
        ("write me a job advert for the partnership coordinator", "outside-hr"),
        # trial 10j: paying a trustee, a pay rise, deleting one's data
        ("can we use the pooled budget to pay a trustee", "outside-charity-law"),
        ("the partnership worker we jointly fund wants a pay rise, who decides", "outside-hr"),
        ("delete my data", "outside-individual-rights"),
    ],
)
def test_a_question_in_an_area_outside_the_guidance_is_declined_naming_it(
    retriever: Retriever, question: str, area: str
) -> None:
    answer = retriever.ask(question)
    assert answer.best is None
    assert answer.outside is not None
    assert answer.outside.id == area
    assert all(m.entry.category != OUTSIDE for m in answer.candidates)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("what does a partnership coordinator actually do", "coordinator-role"),
        ("do we need a data sharing agreement with the council", "data-sharing"),
        ("how do we pool budgets with the ICB", "gp-pool-budgets"),
        ("who is the controller for the shared referral data", "data-protection-roles"),
        ("whose insurance covers the joint team's home visits", "sharing-risk"),
        ("what are the benefits of working in partnership", "benefits"),
    ],
)
def test_covered_questions_next_to_an_area_are_still_answered(
    retriever: Retriever, question: str, entry: str
) -> None:
    answer = retriever.ask(question)
    assert answer.best is not None
    assert answer.best.entry.id == entry


def test_a_word_only_an_area_holds_leaves_a_question_unknown(retriever: Retriever) -> None:
    """ "library" is in an area's example ("bid for the old library"), not in any entry:
    "is the library open on sunday" stays partly unknown, and is not answered."""
    answer = retriever.ask("is the library open on sunday?")
    assert answer.best is None
    assert answer.coverage < 1.0


def test_a_weak_nearest_area_gets_the_plain_decline(retriever: Retriever) -> None:
    answer = retriever.ask("what is 2 plus 2")
    assert answer.best is None
    assert answer.outside is None
    assert answer.candidates == ()


def test_every_area_says_who_to_ask_and_is_never_linked() -> None:
    knowledge = load_knowledge()
    areas = knowledge.in_category(OUTSIDE)
    assert len(areas) >= 8
    for area in areas:
        assert area.answer.startswith(("Its guidance doesn't cover", "It answers")), area.id
        assert not area.related
    for entry in knowledge.entries.values():
        assert not {*entry.related, *entry.remedies} & {a.id for a in areas}, entry.id


async def test_in_a_chat_the_decline_names_the_area_and_offers_no_topics(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    await introduce(app, world, group, alice)
    [declined] = await say(
        app, world, alice, group, "/ask how do i write a job description for a support worker"
    )
    assert declined.text.startswith(
        "That's outside what Accord knows. Its guidance doesn't cover HR and employment"
    )
    assert "HR team" in declined.text
    assert declined.buttons() == []
    assert "/faq add <question> | <answer>" in declined.text
    [unanswered] = await say(app, world, alice, group, "/unanswered")
    assert "job description for a support worker" in unanswered.text


def test_only_an_area_outside_the_guidance_may_have_markers() -> None:
    knowledge = load_knowledge()
    inside = dataclasses.replace(knowledge.entries["meetings"], markers=("agenda",))
    entries = {**knowledge.entries, "meetings": inside}
    found = problems(dataclasses.replace(knowledge, entries=entries))
    assert found == ["entry 'meetings': only an area outside the guidance has markers"]
