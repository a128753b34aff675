"""The eleventh new-user trial of issue 10, in the chat: an action's status asked in
words ("which actions are stuck?", "anything blocked?") lists those actions, as
/actions blocked does; "is bob responsible for the leaflet" finds the action; "what did
we decide re: teams" and "any decisions on papers?" read the decisions; "many thanks"
and "cheers that's useful" are thanks; "where do we keep the risk register" is the
partnership's own fact."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from console.cast import Cast
from localapi.world import World
from tests.helpers import introduce, say


async def _actions(app: Application, world: World, cast: Cast) -> None:
    group, alice, bob = cast.groups["partners"], cast.first_person, world.people[102]
    await introduce(app, world, group, bob)
    await say(app, world, alice, group, "/assign @bobby_p Print the carers leaflet")
    await say(app, world, alice, group, "/assign me Book the winter forum venue")
    await say(app, world, alice, group, "/update 2 blocked: the hall is closed for repairs")


@pytest.mark.parametrize(
    "question",
    [
        "which actions are stuck",
        "anything blocked?",
        "/actions blocked",
        "/actions stuck",
        # the twelfth trial: guidance on momentum and RACI came
        "anything stalled at the moment?",
        "which jobs are held up",
        "whats blocked",
    ],
)
async def test_an_actions_status_in_words_lists_those_actions(
    app: Application, world: World, cast: Cast, question: str
) -> None:
    await _actions(app, world, cast)
    text = question if question.startswith("/") else f"/ask {question}"
    [answer] = await say(app, world, cast.first_person, cast.groups["partners"], text)
    assert "Blocked actions" in answer.text
    assert "Book the winter forum venue" in answer.text
    assert "carers leaflet" not in answer.text


async def test_is_someone_responsible_for_an_action_finds_it(
    app: Application, world: World, cast: Cast
) -> None:
    await _actions(app, world, cast)
    [answer] = await say(
        app,
        world,
        cast.first_person,
        cast.groups["partners"],
        "/ask is bob responsible for the leaflet",
    )
    assert "#1 Print the carers leaflet" in answer.text


@pytest.mark.parametrize(
    "question", ["what did we decide re: teams", "any decisions on teams?", "decisions about teams"]
)
async def test_decisions_asked_in_other_words(
    app: Application, world: World, cast: Cast, question: str
) -> None:
    group, alice = cast.groups["partners"], cast.first_person
    await say(app, world, alice, group, "/decide Use a shared Teams channel for agendas")
    [answer] = await say(app, world, alice, group, f"/ask {question}")
    assert "Teams channel" in answer.text
    assert "No decision recorded here mentions" not in answer.text


@pytest.mark.parametrize(
    "thanks", ["many thanks", "cheers that's useful", "ta very much, that helps"]
)
async def test_thanks_in_other_words_is_welcomed(
    app: Application, world: World, cast: Cast, thanks: str
) -> None:
    [answer] = await say(app, world, world.people[103], cast.groups["partners"], f"/ask {thanks}")
    assert answer.text == "You're welcome!"


async def test_where_we_keep_a_register_is_the_partnerships_to_answer(
    app: Application, world: World, cast: Cast
) -> None:
    steering = cast.groups["steering"]
    [answer] = await say(
        app, world, world.people[103], steering, "/ask where do we keep the risk register"
    )
    assert answer.text.startswith("That's for your partnership to answer"), answer.text


async def test_at_risk_in_words_lists_the_actions_at_risk(
    app: Application, world: World, cast: Cast
) -> None:
    await _actions(app, world, cast)
    group, alice = cast.groups["partners"], cast.first_person
    await say(app, world, alice, group, "/update 1 at risk: the printer is booked up")
    [answer] = await say(app, world, alice, group, "/ask is anything at risk of slipping")
    assert "At risk actions" in answer.text
    assert "Print the carers leaflet" in answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("s75", "gp-pool-budgets"),  # was taken for a greeting
        ("who should take the notes at meetings", "meetings"),  # was "I don't take minutes"
    ],
)
async def test_the_twelfth_trials_guidance_questions(
    app: Application, world: World, cast: Cast, question: str, expected: str
) -> None:
    from guidance.knowledge import load_knowledge

    title = load_knowledge().entries[expected].title
    [answer] = await say(app, world, world.people[103], cast.groups["partners"], f"/ask {question}")
    assert answer.text.startswith(title), answer.text[:80]
