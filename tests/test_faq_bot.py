"""Each partnership's own answers (/faq), honest declines and register questions about
partners and people, through the real Application."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import Application

from app.clock import FrozenClock
from app.lifecycle import feed
from console.cast import Cast
from localapi.world import World
from tests.helpers import BOTH_BACKENDS, introduce, press, say, toasts
from tests.test_export import rows_of

pytestmark = BOTH_BACKENDS

MINUTES = "/faq add Where are the minutes kept? | In the shared drive, under Board/Minutes"


async def test_a_local_answer_is_found_only_in_its_own_group_and_in_private_for_members(
    app: Application, world: World, cast: Cast
) -> None:
    partners, steering = cast.groups["partners"], cast.groups["steering"]
    alice, bob, carol = world.people[101], world.people[102], world.people[103]
    await introduce(app, world, partners, alice, bob, carol)
    [added] = await say(app, world, alice, partners, MINUTES)
    assert added.text == "Added to this partnership's FAQ as #1: Where are the minutes kept?"
    [answer] = await say(app, world, carol, partners, "/ask where do we keep the minutes?")
    assert answer.text.startswith("From this partnership's FAQ (#1)\nWhere are the minutes kept?")
    assert "Board/Minutes" in answer.text
    # Another group never sees it: its question is declined there.
    await introduce(app, world, steering, carol)
    [other] = await say(app, world, carol, steering, "/ask where are the minutes kept?")
    assert "Board/Minutes" not in other.text
    # In private, a member gets it, saying which partnership it came from.
    [private] = await say(app, world, bob, world.private_chat(bob), "where are the minutes kept?")
    assert private.text.startswith("From Partners for Health's FAQ (#1)")
    # Someone never seen in the group does not.
    stranger = world.add_person(199, "Zed", "zed")
    [declined] = await say(
        app, world, stranger, world.private_chat(stranger), "where are the minutes kept?"
    )
    assert "Board/Minutes" not in declined.text


async def test_a_local_answer_is_found_by_its_question_not_by_its_answers_words(
    app: Application, world: World, cast: Cast
) -> None:
    """A careless answer must not take over unrelated questions: an answer mentioning the
    MoU template does not answer "what goes in an MoU" (the issue 10 trial)."""
    partners = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, partners, alice, carol)
    await say(
        app, world, alice, partners,
        "/faq add Where are the minutes kept? | Next to the MoU template and the data "
        "sharing agreement, on the drive",
    )  # fmt: skip
    [answer] = await say(app, world, carol, partners, "/ask what goes in an MoU")
    assert "From this partnership's FAQ" not in answer.text
    [minutes] = await say(app, world, carol, partners, "/ask where do we keep the minutes?")
    assert minutes.text.startswith("From this partnership's FAQ (#1)")


async def test_coordinators_change_the_faq_anyone_lists_it_and_history_is_exported(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    [refused] = await say(app, world, carol, group, MINUTES)
    assert refused.text.startswith("Only coordinators")
    [empty] = await say(app, world, carol, group, "/faq")
    assert "no answers of its own yet" in empty.text
    await say(app, world, alice, group, MINUTES)
    await say(app, world, alice, group, "/faq add Who is our IG lead? | Sam at the Health Board")
    [edited] = await say(
        app, world, alice, group, "/faq edit 2 Who is our IG lead? | Priya Shah, Health Board"
    )
    assert edited.text.startswith("Changed #2")
    [removed] = await say(app, world, alice, group, "/faq remove 1")
    assert removed.text.startswith("Removed #1")
    [listing] = await say(app, world, carol, group, "/faq")
    assert "#2 Who is our IG lead?" in listing.text
    assert "Priya Shah" in listing.text
    assert "minutes" not in listing.text
    [gone] = await say(app, world, alice, group, "/faq remove 1")
    assert gone.text == "This partnership's FAQ has no #1. /faq lists its answers."
    [no_bar] = await say(app, world, alice, group, "/faq add Where is the drive?")
    assert no_bar.text.startswith("Put a | between the question and its answer")
    [third] = await say(app, world, alice, group, "/faq add Where is the drive? | On Teams")
    assert third.text.startswith("Added to this partnership's FAQ as #3")  # 1 is not reused
    documents = await say(app, world, alice, group, "/export")
    assert [d.document[0] for d in documents][2:] == [
        "faq-2026-11-23.csv",
        "faq-history-2026-11-23.csv",
    ]
    faq_rows = rows_of(documents[2].document[1])
    assert [row[0] for row in faq_rows] == ["number", "2", "3"]
    history = rows_of(documents[3].document[1])
    assert [(row[0], row[3]) for row in history[1:]] == [
        ("1", "added"), ("2", "added"), ("2", "edited"), ("1", "removed"), ("3", "added"),
    ]  # fmt: skip
    assert history[3][4:] == [
        "Who is our IG lead?", "Sam at the Health Board", "Who is our IG lead?",
        "Priya Shah, Health Board",
    ]  # fmt: skip
    assert all(row[2] == "Alice" for row in history[1:])


async def test_an_unanswered_question_is_answered_in_one_tap_by_a_coordinator(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    [declined] = await say(app, world, carol, group, "/ask where do we book the community hall?")
    assert declined.text.startswith("That's for your partnership to answer")  # a local fact
    [report] = await say(app, world, alice, group, "/unanswered")
    [label] = [label for label, _ in report.buttons() if label.startswith("✍️ Answer")]
    # Only coordinators may press it.
    await press(app, world, carol, report, label)
    assert toasts(world)[-1].startswith("Only coordinators")
    [prompt] = await press(app, world, alice, report, label)
    assert prompt.text.startswith("FAQ answer to /unanswered question 1 ")
    await feed(
        app,
        world.user_says(carol, group, "At the library", reply_to=prompt.message_id),
    )
    assert world.bot_messages()[-1].text.startswith("Only coordinators")
    await feed(
        app,
        world.user_says(alice, group, "Ring the parish office", reply_to=prompt.message_id),
    )
    assert world.bot_messages()[-1].text == (
        "Added to this partnership's FAQ as #1: Where do we book the community hall?"
    )
    [left] = await say(app, world, alice, group, "/unanswered")
    assert "community hall" not in left.text
    [answer] = await say(app, world, carol, group, "/ask how do I book the community hall")
    assert "Ring the parish office" in answer.text


async def test_the_decline_says_it_is_outside_what_accord_knows_and_how_to_add_an_answer(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    [declined] = await say(app, world, alice, group, "/ask what is the capital of france")
    assert declined.text.startswith("That's outside what Accord knows.")
    assert "/faq add <question> | <answer>" in declined.text
    assert "/unanswered" in declined.text
    assert declined.buttons() == []  # nothing plausibly related: no topic buttons
    assert "/principles, /benefits, /challenges" in declined.text
    [private] = await say(
        app, world, alice, world.private_chat(alice), "who won the football last night"
    )
    assert private.text.startswith("That's outside what Accord knows.")
    # (named as an everyday question or not, it says who can add an answer, and where)
    assert "a coordinator can add" in private.text
    assert "in your group" in private.text


async def test_requests_accord_cannot_do_get_an_honest_answer_not_a_guidance_entry(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    for question, command in (
        ("how many actions are done this month", "/actions done"),
        ("can you summarise the actions from today's meeting", "/assign"),
    ):
        [reply] = await say(app, world, alice, group, f"/ask {question}")
        assert "Source: " not in reply.text, question  # no principle, benefit or challenge
        assert not any(label == "👍 Helpful" for label, _ in reply.buttons())
        assert command in reply.text
        assert "digest" in reply.text
    [report] = await say(app, world, alice, group, "/unanswered")
    assert report.text == "No unanswered questions in this chat."


async def test_responsibilities_are_answered_from_the_register(
    app: Application, world: World, cast: Cast, clock: FrozenClock
) -> None:
    group = cast.groups["partners"]
    alice, bob = world.people[101], world.people[102]
    await introduce(app, world, group, alice, bob)
    await say(app, world, alice, group, "/partner add Health and Social Care Board")
    await say(app, world, alice, group, "/partner add City Council")
    await say(app, world, bob, group, "/join council")
    await say(app, world, alice, group, "/assign @bobby_p Draft the funding bid by tomorrow")
    await say(app, world, alice, group, "/assign me Book the venue by Friday")
    clock.advance(timedelta(days=2))
    [council] = await say(app, world, alice, group, "/ask what is the council responsible for?")
    assert council.text.startswith("What City Council is responsible for")
    assert "#1 Draft the funding bid" in council.text
    assert "venue" not in council.text
    [hscb] = await say(app, world, alice, group, "@accord_bot what is Health responsible for?")
    assert hscb.text.startswith("What Health and Social Care Board is responsible for")
    assert "Nothing open." in hscb.text
    [bobs] = await say(app, world, alice, group, "/ask what does Bob own?")
    assert bobs.text.startswith("What @bobby_p is responsible for")
    assert "#1 Draft the funding bid" in bobs.text
    [late] = await say(app, world, alice, group, "/ask what's overdue for the council?")
    assert late.text.startswith("Overdue for City Council")
    assert "#1 Draft the funding bid" in late.text
