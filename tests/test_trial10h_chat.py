"""The eighth new-user trial of issue 10, in the chat. An action is found by its words in
another form ("the venue booking": "Book the venue…"), and of two words both must match
("the volunteer handbook" is not "Collect the volunteer survey returns"). A FAQ question
made only of words the retrieval sets aside ("VCSE") is still found, asked as itself or
"what is VCSE"; a bare phrase of a FAQ's words ("volunteer expenses?", "mileage") finds
it; "who should be the IG lead for a partnership project" asks about a post in general,
not this partnership's. The tenth trial's FAQ cases too: a FAQ answer is not a
definition ("what is a DPIA", "impact" got "Who signs off a DPIA for us?")."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from console.cast import Cast
from localapi.world import World
from tests.helpers import add_faqs, introduce, press, reply_to, say

FAQ_TENTH = (
    "/faq add Where is the risk log kept? | Shared drive > Partnership > Risk",
    "/faq add Who signs off a DPIA for us? | Priya Shah, North Vale IG lead",
    "/faq add How do we claim volunteer travel expenses? | Form E1, 45p a mile",
    "/faq add When does the steering group meet? | First Tuesday, 10am",
    "/faq add What is the pooled budget code? | PB-2291",
)
FAQ = (
    "/faq add How do we claim volunteer expenses? | Form E1 to Carol by the 5th",
    "/faq add What's the mileage rate for volunteers? | 45p a mile",
    "/faq add Who is our IG lead? | Priya Shah at the ICB",
)


async def test_a_faq_answered_from_unanswered_is_found_whatever_its_words(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    [declined] = await say(app, world, carol, group, "/ask VCSE")
    assert "FAQ (#" not in declined.text
    [report] = await say(app, world, alice, group, "/unanswered")
    [prompt] = await press(app, world, alice, report, "✍️ Answer 1: VCSE")
    meaning = "Voluntary, community and social enterprise sector"
    [added] = await reply_to(app, world, alice, group, meaning, prompt.message_id)
    assert added.text.startswith("Added"), added.text
    for asked in ("/ask VCSE", "/ask vcse?", "/ask what is VCSE", "/ask what does VCSE stand for"):
        [answer] = await say(app, world, carol, group, asked)
        assert "FAQ (#1)" in answer.text, asked
        assert meaning in answer.text


@pytest.mark.parametrize(
    ("faqs", "question", "number"),
    [
        (FAQ, "volunteer expenses?", 1),
        (FAQ, "expenses", 1),
        (FAQ, "mileage", 2),
        (FAQ, "mileage rate?", 2),
        # the tenth trial: the FAQ's own facts in other words
        (FAQ_TENTH, "where's the risk log", 1),
        (FAQ_TENTH, "who signs off our DPIAs?", 2),
        (FAQ_TENTH, "volunteer travel expenses?", 3),
        (FAQ_TENTH, "when do we meet next", 4),
        (FAQ_TENTH, "what is the pooled budget code", 5),
    ],
)
async def test_a_bare_phrase_of_a_faqs_words_finds_it(
    app: Application,
    world: World,
    cast: Cast,
    faqs: tuple[str, ...],
    question: str,
    number: int,
) -> None:
    await add_faqs(app, world, cast.groups["partners"], *faqs)
    [answer] = await say(app, world, world.people[103], cast.groups["partners"], f"/ask {question}")
    assert f"FAQ (#{number})" in answer.text, answer.text


@pytest.mark.parametrize(
    ("faqs", "question"),
    [
        (FAQ, "who should be the IG lead for a partnership project"),
        (FAQ, "how do we set up a volunteer expenses policy for the partnership"),
        (FAQ, "volunteers"),
        # the tenth trial: "Who signs off a DPIA for us?" answered what a DPIA is
        (FAQ_TENTH, "what is a DPIA"),
        (FAQ_TENTH, "what's a DPIA for?"),
        (FAQ_TENTH, "DPIA"),
        (FAQ_TENTH, "outcomes"),
        (FAQ_TENTH, "impact"),
        (FAQ_TENTH, "impact assessment"),
        (FAQ_TENTH, "what's a risk log for"),
        (FAQ_TENTH, "what's the steering group for"),
    ],
)
async def test_questions_of_their_own_are_not_the_faqs(
    app: Application, world: World, cast: Cast, faqs: tuple[str, ...], question: str
) -> None:
    await add_faqs(app, world, cast.groups["partners"], *faqs)
    [answer] = await say(app, world, world.people[103], cast.groups["partners"], f"/ask {question}")
    assert "FAQ (#" not in answer.text, answer.text


async def test_an_action_is_found_by_both_its_words_in_any_form(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, bob = cast.first_person, world.people[102]
    await introduce(app, world, group, bob)
    await say(app, world, alice, group, "/assign @bobby_p Collect the volunteer survey returns")
    await say(app, world, alice, group, "/assign @bobby_p Book the venue for the conference")
    [booking] = await say(app, world, alice, group, "/ask who is dealing with the venue booking")
    assert "#2 Book the venue" in booking.text
    [handbook] = await say(
        app, world, alice, group, "/ask has anyone been given the volunteer handbook"
    )
    assert "#1" not in handbook.text
    [survey] = await say(app, world, alice, group, "/ask whos got the volunteer surveys")
    assert "#1 Collect the volunteer survey returns" in survey.text
