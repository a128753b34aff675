"""The issue 10 fourth new-user trial (after more ways of asking and the areas outside
the guidance): confident wrong answers, outside questions answered as guidance, a
register reply for a risk question, a drafting note nobody asked for, an alarmist
safeguarding decline, register names, and small wording."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from console.cast import Cast
from guidance.knowledge import load_knowledge
from guidance.retrieval import Retriever
from guidance.routing import RegisterQuestion, asks_local_fact, asks_to_draft, register_question
from localapi.world import World
from tests.helpers import introduce, say


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return Retriever(load_knowledge())


async def test_who_is_on_the_hook_if_it_overspends_is_risk_not_the_venue_booking(
    app: Application, world: World, cast: Cast
) -> None:
    """It answered `Who owns "hook if the joint project overspends"` with "#2 Book the
    venue…": "hook" was one typo from "book"."""
    group = cast.groups["partners"]
    alice = world.people[101]
    await introduce(app, world, group, alice)
    await say(app, world, alice, group, "/assign me Book the venue for the lived experience panel")
    [risk] = await say(
        app, world, alice, group, "/ask whos on the hook if the joint project overspends"
    )
    assert "Book the venue" not in risk.text
    assert risk.text.startswith("Sharing risk between partners\n")
    [bid] = await say(app, world, alice, group, "/ask whos on the hook for the bid")
    assert "Book the venue" not in bid.text


@pytest.mark.parametrize(
    ("question", "area"),
    [
        ("a resident wants a copy of everything we hold on her", "outside-individual-rights"),
        ("staff at the charity are burnt out", "outside-hr"),
        ("how do i set up a whatsapp group", "outside-it"),
        ("a journalist has sent an FOI about our partnership spend", "outside-individual-rights"),
        ("whats the living wage for 2027", "outside-hr"),
        ("how do I handle a complaint about a volunteer at a partner org", "outside-hr"),
        ("do volunteers need a DBS check to sit on the board", "outside-safeguarding"),
    ],
)
def test_outside_questions_are_declined_naming_their_area(
    retriever: Retriever, question: str, area: str
) -> None:
    answer = retriever.ask(question)
    assert answer.best is None, answer.best
    assert answer.outside is not None
    assert answer.outside.id == area


def test_the_vat_on_pooled_money_gets_no_guidance_answer(retriever: Retriever) -> None:
    """It got the pooled-budgets entry, which says nothing about VAT."""
    assert retriever.ask("what's the VAT position if we pool money").best is None


@pytest.mark.parametrize(
    ("question", "entries"),
    [
        ("how do we make decisions when we cant agree", {"decision-making", "disagreement"}),
        ("two partners are fighting", {"disagreement"}),
        ("is it legal to share the waiting list with the carers charity", {"data-sharing"}),
        ("how do i get councillors interested in the partnership", {"public-communication"}),
        ("whos on the hook if the joint project overspends", {"sharing-risk"}),
    ],
)
def test_situations_in_everyday_words_get_their_entry(
    retriever: Retriever, question: str, entries: set[str]
) -> None:
    answer = retriever.ask(question)
    assert answer.best is not None, question
    assert answer.best.entry.id in entries


def test_a_bigger_cut_of_the_grant_is_not_answered_with_attracting_funding(
    retriever: Retriever,
) -> None:
    answer = retriever.ask("we got the grant but the charity wants a bigger cut than agreed")
    assert answer.best is None or answer.best.entry.id in {"disagreement", "lead-partner"}


def test_asking_whether_an_mou_is_needed_is_not_a_request_to_draft() -> None:
    assert not asks_to_draft("do we actually need an MoU or is a handshake ok")
    assert asks_to_draft("can you draft the ToR for us")
    assert asks_to_draft("do our terms of reference for us")


async def test_the_safeguarding_decline_is_proportionate_and_its_faq_line_fits(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    await introduce(app, world, group, alice)
    [dbs] = await say(
        app, world, alice, group, "/ask do volunteers need a DBS check to sit on the board"
    )
    assert dbs.text.startswith("That's outside what Accord knows. Its guidance doesn't cover")
    assert "straight away" not in dbs.text
    assert "safeguarding lead" in dbs.text
    assert "agreed its own procedure or contact for this, a coordinator can add it" in dbs.text


@pytest.mark.parametrize(
    ("question", "routed"),
    [
        ("what's bobby_p got on", RegisterQuestion("owns", "bobby_p")),
        ("what is bob late on", RegisterQuestion("overdue", "bob")),
        ("whats the council behind on", RegisterQuestion("overdue", "council")),
    ],
)
def test_register_names_are_read_whole(question: str, routed: RegisterQuestion) -> None:
    assert register_question(question) == routed


async def test_what_someone_is_late_on_lists_only_theirs(
    app: Application, world: World, cast: Cast, clock: FrozenClock
) -> None:
    """ "what is bob late on" listed the whole group's overdue actions."""
    group = cast.groups["partners"]
    alice, bob = world.people[101], world.people[102]
    await introduce(app, world, group, alice, bob)
    await say(app, world, alice, group, "/assign me Draft the bid by tomorrow")
    await say(app, world, bob, group, "/assign me Book the room by tomorrow")
    clock.advance(timedelta(days=3))
    [late] = await say(app, world, alice, group, f"/ask what is {bob.first_name} late on")
    assert "Book the room" in late.text
    assert "Draft the bid" not in late.text


def test_where_a_paper_is_saved_is_the_partnerships_to_answer() -> None:
    """In a group without a FAQ it offered "Efficiency" as a guess."""
    assert asks_local_fact("where is the data sharing agreement saved")
    assert not asks_local_fact("where is the partnership going")


async def test_unanswered_does_not_point_to_the_register_export(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    await introduce(app, world, group, alice)
    for n in range(12):  # more than a page
        await say(app, world, alice, group, f"/ask what colour is the zorbing quokka number {n}")
    [listing] = await say(app, world, alice, group, "/unanswered")
    assert "/export" not in listing.text
