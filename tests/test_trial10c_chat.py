"""The issue 10 third new-user trial: chat filler and shorthand, wrong answers, poor
"did you mean" guesses, requests Accord can't do, small talk, and the minor findings
(the overdue header, a local fact asked with "the", the console's :press)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from console.cast import Cast
from console.terminal import ConsoleSession
from guidance.asking import without_fillers
from localapi.world import World
from tests.helpers import introduce, say

OUTSIDE = "outside what Accord knows"
GUESS = "did you mean"
REMINDERS = "I can't send reminders, emails or invitations for you"
MINUTES = "I don't summarise meetings or take minutes"


async def ask(app: Application, world: World, text: str):  # type: ignore[no-untyped-def]
    """``text`` asked in Alice's private chat: the one reply."""
    alice = world.people[101]
    [answer] = await say(app, world, alice, world.private_chat(alice), text)
    return answer


def labels(message) -> list[str]:  # type: ignore[no-untyped-def]
    return [label for label, _ in message.buttons()]


@pytest.mark.parametrize(
    "question",
    [
        "pls tell me what a lead partner does thx",
        "jus wanna know what a lead partner does",
        "jus wanna know what a lead partner does lol",
        "gonna ask what a lead partner does tbh",
    ],
)
async def test_chat_filler_does_not_turn_an_answer_into_a_decline(
    app: Application, world: World, cast: Cast, question: str
) -> None:
    """ "what a lead partner does" was answered, "pls tell me what a lead partner does
    thx" declined: "thx" and "jus" counted as unknown words."""
    answer = await ask(app, world, question)
    assert answer.text.startswith("The lead partner or accountable body\n"), question


def test_fillers_are_left_out_of_what_meaning_compares() -> None:
    assert without_fillers("pls tell me what a lead partner does thx") == (
        "me what a lead partner does"
    )
    assert without_fillers("thx") == "thx"  # nothing else: the text as it was


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("co-pro", "Co-production and lived experience"),
        ("the vol sector feel like an afterthought", "Power imbalances between partners"),
        ("BCF", "Pool budgets where appropriate, and share costs"),
        (
            "who should hold the purse strings if we pool money",
            "Pool budgets where appropriate, and share costs",
        ),
        ("how often shld the exec group meet", "Meetings that work"),
    ],
)
async def test_shorthand_and_topic_words_find_their_entry(
    app: Application, world: World, cast: Cast, question: str, title: str
) -> None:
    """Declined or answered wrongly in the trial: hyphenated shorthand, "vol sector",
    the Better Care Fund, the purse strings of a pooled budget, the exec group."""
    answer = await ask(app, world, question)
    assert answer.text.startswith(title + "\n"), (question, answer.text[:80])


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("how do we get the NHS to turn up to anything", "A partner who has gone quiet"),
        ("we're thinking of bringing in the housing associations", "Bringing a new partner"),
    ],
)
async def test_attendance_and_onboarding_wording_is_not_a_plain_decline(
    app: Application, world: World, cast: Cast, question: str, title: str
) -> None:
    """Both got "outside what Accord knows" and no buttons: now the entry is answered or
    offered first."""
    answer = await ask(app, world, question)
    assert OUTSIDE not in answer.text
    assert answer.text.startswith(title) or labels(answer)[0].startswith(title), answer.text


async def test_a_single_word_an_entry_merely_lists_is_not_answered_with_it(
    app: Application, world: World, cast: Cast
) -> None:
    """ "safeguarding" got "Sharing risk between partners", which only lists it."""
    answer = await ask(app, world, "safeguarding")
    assert not answer.text.startswith("Sharing risk between partners")


@pytest.mark.parametrize(
    "question",
    [
        "what time is it",
        "are you a real person",
        "how do i set up a teams channel",
        "the new director at the trust doesnt seem to know we exist",
    ],
)
async def test_no_guess_rests_on_one_weak_shared_word(
    app: Application, world: World, cast: Cast, question: str
) -> None:
    """ "what time is it" -> "did you mean: Time?"; "are you a real person" -> [Case
    study…]; a teams channel -> [Regular communication]; "the trust" (an NHS trust) ->
    "Trust and honesty": a plain decline, no topics offered."""
    answer = await ask(app, world, question)
    assert OUTSIDE in answer.text, (question, answer.text[:80])
    assert GUESS not in answer.text
    assert not answer.buttons(), question


async def test_trust_between_partners_is_still_trust(
    app: Application, world: World, cast: Cast
) -> None:
    for question in ("how do we build the trust between partners", "how do we build trust"):
        answer = await ask(app, world, question)
        assert OUTSIDE not in answer.text, question
        assert "trust" in answer.text.split("\n")[0].lower(), question


@pytest.mark.parametrize(
    ("question", "starts"),
    [
        ("set up a zoom for the board", REMINDERS),
        ("can you create a teams channel for the partners", REMINDERS),
        ("tell Bob to hurry up with the survey", REMINDERS),
        ("can u write up what we agreed on tuesday", MINUTES),
    ],
)
async def test_requests_get_accords_can_do_instead(
    app: Application, world: World, cast: Cast, question: str, starts: str
) -> None:
    """Asking Accord to set up a call or channel, to tell someone to do something or to
    write up a meeting: what it does instead, not guidance or a guess."""
    answer = await ask(app, world, question)
    assert answer.text.startswith(starts), (question, answer.text[:80])


async def test_not_every_make_or_tell_is_a_request(
    app: Application, world: World, cast: Cast
) -> None:
    answer = await ask(app, world, "tell me what a lead partner does")
    assert answer.text.startswith("The lead partner or accountable body\n")
    answer = await ask(app, world, "how do we make our meetings shorter")
    assert not answer.text.startswith(REMINDERS)


@pytest.mark.parametrize(
    "question",
    ["how many actions has each partner finished in november", "make a gantt chart of the project"],
)
async def test_counting_and_charting_point_to_progress(
    app: Application, world: World, cast: Cast, question: str
) -> None:
    answer = await ask(app, world, question)
    assert answer.text.startswith("I don't write statistics or progress reports"), question
    assert "/progress" in answer.text
    assert "by partner" in answer.text


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("write the funding bid for us", "Attracting funding"),
        ("draft our terms of reference for us", "Terms of reference"),
    ],
)
async def test_asked_to_draft_a_document_accord_says_it_cant_then_guides(
    app: Application, world: World, cast: Cast, question: str, title: str
) -> None:
    alice = world.people[101]
    note, entry = await say(app, world, alice, world.private_chat(alice), question)
    assert note.text.startswith("I can't draft documents for you")
    assert entry.text.startswith(title + "\n")


@pytest.mark.parametrize("question", ["what can you do", "what can accord do", "What can you do?"])
async def test_what_can_you_do_points_to_help(
    app: Application, world: World, cast: Cast, question: str
) -> None:
    answer = await ask(app, world, question)
    assert "/help" in answer.text
    assert "register of actions" in answer.text
    assert OUTSIDE not in answer.text


async def test_thanks_is_welcomed_and_greetings_to_all_are_greetings(
    app: Application, world: World, cast: Cast
) -> None:
    for thanks in ("thanks", "thank you", "cheers accord", "thx"):
        answer = await ask(app, world, thanks)
        assert answer.text == "You're welcome!", thanks
    for greeting in ("hi all", "morning all", "hello everyone"):
        answer = await ask(app, world, greeting)
        assert answer.text.startswith("Hello! Ask me anything"), greeting
    group = cast.groups["partners"]
    alice = world.people[101]
    await introduce(app, world, group, alice)
    await say(app, world, alice, group, "/ask hi all")
    [report] = await say(app, world, alice, group, "/unanswered")
    assert report.text == "No unanswered questions in this chat."


async def test_overdue_header_does_not_repeat_the_count(
    app: Application, world: World, cast: Cast, clock: FrozenClock
) -> None:
    """ "what's overdue" read "(3, 3 overdue)"."""
    group = cast.groups["partners"]
    alice = world.people[101]
    await introduce(app, world, group, alice)
    await say(app, world, alice, group, "/assign me Draft the bid by tomorrow")
    await say(app, world, alice, group, "/assign me Book the room by tomorrow")
    clock.advance(timedelta(days=3))
    [overdue] = await say(app, world, alice, group, "/ask what's overdue")
    header = overdue.text.split("\n")[0]
    assert header.endswith("(2)"), header
    [listing] = await say(app, world, alice, group, "/actions")
    assert listing.text.split("\n")[0].endswith("(2, all overdue)")
    await say(app, world, alice, group, "/assign me Send the slides by next month")
    [listing] = await say(app, world, alice, group, "/actions")
    assert listing.text.split("\n")[0].endswith("(3, 2 overdue)")


async def test_where_the_board_minutes_are_kept_is_for_the_partnership(
    app: Application, world: World, cast: Cast
) -> None:
    """It got "I'm not sure which of these you mean" buttons while "who is our IG lead"
    got "That's for your partnership to answer"."""
    group = cast.groups["partners"]
    alice = world.people[101]
    await introduce(app, world, group, alice)
    for question in ("where are the board minutes kept?", "who is our IG lead"):
        [answer] = await say(app, world, alice, group, f"/ask {question}")
        assert answer.text.startswith("That's for your partnership to answer"), question
        assert not answer.buttons()


async def test_console_press_matches_labels_without_their_emoji(
    app: Application, world: World, cast: Cast
) -> None:
    out = io.StringIO()
    session = ConsoleSession(app, world, cast, out)
    for line in (":dm", "what is a terms of reference", ":press Not helpful"):
        assert await session.handle(line)
    text = out.getvalue()
    assert "(Alice presses [👎 Not helpful])" in text
    assert "Usage: :press" not in text


async def test_console_press_by_label_head_and_says_when_nothing_came_back(
    app: Application, world: World, cast: Cast
) -> None:
    """ "Answer 14" is the button "✍️ Answer 14: <question>"; a press nothing answers
    says so instead of printing nothing."""
    from console.terminal import _button

    buttons = [("✍️ Answer 1: where r the minutes", "a"), ("✍️ Answer 14: mileage?", "b")]
    assert _button(buttons, "Answer 14") == buttons[1]
    assert _button(buttons, "answer 1") == buttons[0]
    assert _button(buttons, "Answer") is None
