"""The eighth new-user trial of issue 10, in the chat. An action is found by its words in
another form ("the venue booking": "Book the venue…"), and of two words both must match
("the volunteer handbook" is not "Collect the volunteer survey returns"). A FAQ question
made only of words the retrieval sets aside ("VCSE") is still found, asked as itself or
"what is VCSE"; a bare phrase of a FAQ's words ("volunteer expenses?", "mileage") finds
it; "who should be the IG lead for a partnership project" asks about a post in general,
not this partnership's."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from console.cast import Cast
from localapi.world import World
from tests.helpers import add_faqs, introduce, press, reply_to, say

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
    ("question", "number"),
    [("volunteer expenses?", 1), ("expenses", 1), ("mileage", 2), ("mileage rate?", 2)],
)
async def test_a_bare_phrase_of_a_faqs_words_finds_it(
    app: Application, world: World, cast: Cast, question: str, number: int
) -> None:
    await add_faqs(app, world, cast.groups["partners"], *FAQ)
    [answer] = await say(app, world, world.people[103], cast.groups["partners"], f"/ask {question}")
    assert f"FAQ (#{number})" in answer.text, answer.text


@pytest.mark.parametrize(
    "question",
    [
        "who should be the IG lead for a partnership project",
        "how do we set up a volunteer expenses policy for the partnership",
        "volunteers",
    ],
)
async def test_questions_of_their_own_are_not_the_faqs(
    app: Application, world: World, cast: Cast, question: str
) -> None:
    await add_faqs(app, world, cast.groups["partners"], *FAQ)
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
