"""The third new-user trial of issue 10 (TRIAL10C items 1-3, 6-8, 10-12, 15): a FAQ entry
answers the questions that ask it as a whole, in short natural forms too, and nothing
else; "should" questions keep general guidance; private answers name every group that
has one; /unanswered's tools."""

from __future__ import annotations

from telegram.ext import Application

from console.cast import Cast
from localapi.world import SimChat, World
from tests.helpers import add_faqs, introduce, press, reply_to, say

FAQ = (
    "/faq add Where are the board minutes kept? | Shared drive, Board/Minutes",
    "/faq add Who is our IG lead? | Priya Shah at the ICB",
    "/faq add When is the next board meeting? | 5 Jan",
    "/faq add How do we share data with the foodbank? | Only names and postcodes",
    "/faq add How often does the steering group meet? | Every 6 weeks",
    "/faq add What is the budget for the carers project? | £42k for 2026/27",
    "/faq add Where do we park at the Civic Centre? | Car park B, free after 5",
)
ASKS = {  # the trial's quoted cases, then our own
    "can we share data with the foodbank": 4,
    "where do we keep the minutes": 1,
    "where r the minutes": 1,
    "where can i park": 7,
    "where are the minutes from today's meeting": 1,
    "how often do we meet": 5,
    "what data can we share with the foodbank": 4,
    "whats the carers project budget": 6,
    "how much is the carers project budget": 6,
    "is there parking at the civic centre": 7,
    "wheres the minutes": 1,
    "whens the next board": 3,
    "whos our IG lead": 2,
}
NOT_ASKS = (
    "how do we share data with the health board",
    "how should we set a budget for a partnership project",
    "how often should a steering group meet",
    "how do we set up a carers project",
    "what data can we share with the council",
    "who should chair the board",
    "how often should the board meet",
    "who is on the board",
    "how do we take good minutes",
    "where should partners meet",
    "what is a steering group for",
)


async def test_a_faq_answers_the_questions_asking_it_as_a_whole(
    app: Application, world: World, cast: Cast
) -> None:
    await add_faqs(app, world, cast.groups["partners"], *FAQ)
    group, carol = cast.groups["partners"], world.people[103]
    for question, number in ASKS.items():
        [found] = await say(app, world, carol, group, f"/ask {question}")
        assert found.text.startswith(f"From this partnership's FAQ (#{number})"), question


async def test_a_faq_does_not_answer_other_questions_sharing_its_words(
    app: Application, world: World, cast: Cast
) -> None:
    await add_faqs(app, world, cast.groups["partners"], *FAQ)
    group, carol = cast.groups["partners"], world.people[103]
    for question in NOT_ASKS:
        [reply] = await say(app, world, carol, group, f"/ask {question}")
        assert "FAQ (#" not in reply.text, question
        assert "£42k" not in reply.text, question
        assert "postcodes" not in reply.text, question


async def test_a_near_faq_is_offered_instead_of_saying_the_faq_lacks_it(
    app: Application, world: World, cast: Cast
) -> None:
    await add_faqs(app, world, cast.groups["partners"], *FAQ)
    group, carol = cast.groups["partners"], world.people[103]
    [guess] = await say(
        app, world, carol, group, "/ask where do we keep the minutes for the carers forum"
    )
    assert "doesn't have it" not in guess.text
    assert "Did you mean #1?" in guess.text


async def test_private_answers_from_every_group_that_has_one(
    app: Application, world: World, groups: tuple[SimChat, SimChat]
) -> None:
    partners, steering = groups
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, partners, "/faq add Where are the board minutes kept? | Drive A")
    await say(app, world, carol, steering, "/faq add Where are the board minutes kept? | Drive B")
    [both] = await say(app, world, alice, world.private_chat(alice), "where do we keep the minutes")
    assert "Drive A" in both.text
    assert "Drive B" in both.text
    assert both.text.count("'s FAQ (#1)") == 2


async def test_a_role_and_a_faq_answering_who_are_shown_together(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    await say(app, world, alice, group, "/partner add Northshire Health Board")
    [role] = await say(app, world, alice, group, '/role add "IG lead" Northshire Health Board')
    assert "IG lead" in role.text, role.text
    await say(app, world, alice, group, "/faq add Who is our IG lead? | Priya Shah at the ICB")
    [both] = await say(app, world, carol, group, "/ask who is our IG lead")
    assert "Northshire Health Board" in both.text
    assert "Priya Shah" in both.text


async def test_answering_from_unanswered_warns_when_a_faq_already_asks_it(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    await say(app, world, carol, group, "/ask where do we keep the minutes")
    await say(app, world, alice, group, FAQ[0])
    [report] = await say(app, world, alice, group, "/unanswered")
    [prompt] = await press(app, world, alice, report, "✍️ Answer 1: where do we keep the minutes")
    [warned] = await reply_to(app, world, alice, group, "Drive", prompt.message_id)
    assert "#1 looks like the same question" in warned.text
