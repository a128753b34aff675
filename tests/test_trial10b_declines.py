"""The issue 10 second new-user trial: answers for questions that only say "working",
declines that don't contradict themselves, requests Accord can't do, register questions
about someone unknown in the group, and a bare "help"."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from console.cast import Cast
from guidance import semantic
from guidance.decline import decline_text
from localapi.world import World
from tests.helpers import introduce, say

OUTSIDE = "outside what Accord knows"
REMINDERS = "I can't send reminders, emails or invitations for you"


async def test_a_question_only_saying_working_is_not_the_overview(
    app: Application, world: World, cast: Cast
) -> None:
    """ "how do we know if this is actually working" got "What partnership working is":
    only "working" was left, a generic word. The overview is for questions naming
    partnership itself."""
    alice = world.people[101]
    private = world.private_chat(alice)
    [working] = await say(app, world, alice, private, "how do we know if this is actually working")
    assert not working.text.startswith("What partnership working is")
    for question in ("partnership", "what is partnering", "partners?"):
        [overview] = await say(app, world, alice, private, question)
        assert overview.text.startswith("What partnership working is\n"), question


def test_a_decline_offering_topics_does_not_say_they_are_outside_what_accord_knows() -> None:
    """ "who shud chair the steering group" was declined as "outside what Accord knows"
    with [Governance and chairing] offered below: with topics it says it isn't sure which."""
    offered = decline_text(topics=True, in_group=True)
    assert OUTSIDE not in offered
    assert offered.startswith("I'm not sure which of these you mean:")
    assert "/faq add" in offered
    assert OUTSIDE in decline_text(topics=False, in_group=True)


async def test_the_bot_waits_for_the_semantic_layer_before_deciding(
    app: Application, world: World, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "our new partner joined last month and has no idea whats going on" was declined in
    the console (asked within a second of start-up, before meaning had loaded) while
    `bot.py ask`, which waits for it, answered onboarding-partner: the bot waits too."""
    waited: list[float | None] = []

    def wait(timeout: float | None = None) -> bool:
        waited.append(timeout)
        return True

    monkeypatch.setattr(semantic, "is_ready", lambda: False)
    monkeypatch.setattr(semantic, "wait", wait)
    alice = world.people[101]
    [answer] = await say(
        app,
        world,
        alice,
        world.private_chat(alice),
        "our new partner joined last month and has no idea whats going on",
    )
    assert waited
    assert waited[0] is not None
    # Decided on meaning too: the onboarding entry, answered or offered as the guess
    # (since the decision keeps wrong answers within 3%, it is offered), never declined.
    assert "Bringing a new partner on board" in answer.text.split("\n")[0]


@pytest.mark.parametrize(
    "question",
    [
        "remind everyone about fridays meeting",
        "send a reminder to bob about the DSA",
        "can you email all partners the agenda",
        "can u book a room for the away day",
    ],
)
async def test_requests_accord_cant_do_get_an_honest_answer_and_are_not_logged(
    app: Application, world: World, cast: Cast, question: str
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    await introduce(app, world, group, alice)
    [answer] = await say(app, world, alice, group, f"/ask {question}")
    assert answer.text.startswith(REMINDERS), question
    assert "/assign" in answer.text
    assert "/checkin" in answer.text
    [report] = await say(app, world, alice, group, "/unanswered")
    assert report.text == "No unanswered questions in this chat."


async def test_a_register_question_about_someone_unknown_says_so(
    app: Application, world: World, cast: Cast
) -> None:
    """In the steering group (no partners, Bob never seen), "what does bob own" and "what
    is Carers Together responsible for" got the generic decline, "whats overdue for the
    council" the RACI entry."""
    steering = cast.groups["steering"]
    carol = world.people[103]
    await introduce(app, world, steering, carol)
    [bob] = await say(app, world, carol, steering, "/ask what does bob own")
    assert bob.text.startswith("I don't know “bob” in this group's register")
    assert "No partners here yet" in bob.text
    [carers] = await say(
        app, world, carol, steering, "/ask what is Carers Together responsible for"
    )
    assert carers.text.startswith("I don't know “Carers Together” in this group's register")
    [council] = await say(app, world, carol, steering, "/ask whats overdue for the council")
    assert council.text.startswith("I don't know “council” in this group's register")
    assert "RACI" not in council.text
    # With partners, they are listed; a role in general stays with guidance.
    await say(app, world, carol, steering, "/partner add Health Board")
    [listed] = await say(app, world, carol, steering, "/ask what does bob own")
    assert "partners: Health Board" in listed.text
    assert "/partners" in listed.text
    [role] = await say(app, world, carol, steering, "/ask what is a lead partner responsible for")
    assert "I don't know" not in role.text


async def test_help_alone_points_to_help(app: Application, world: World, cast: Cast) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    await introduce(app, world, group, alice)
    for text in ("help", "help?", "Help!"):
        [pointer] = await say(app, world, alice, world.private_chat(alice), text)
        assert "/help" in pointer.text, text
        assert OUTSIDE not in pointer.text, text
    [asked] = await say(app, world, alice, group, "/ask help")
    assert "/help" in asked.text
    assert OUTSIDE not in asked.text
    [report] = await say(app, world, alice, group, "/unanswered")
    assert report.text == "No unanswered questions in this chat."
