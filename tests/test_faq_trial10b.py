"""The second new-user trial of issue 10 (TRIAL10B items 1, 2, 8, 9): a FAQ entry answers
its own question in chat spellings and nothing else, duplicates are caught, /unanswered
numbers its prompts as its list does and lets a coordinator dismiss a question, and
refusals name the partnership."""

from __future__ import annotations

from telegram.ext import Application

from console.cast import Cast
from localapi.world import World
from tests.helpers import introduce, press, reply_to, say, toasts

BOARD = "/faq add When is the next board meeting? | 5 Jan"
MINUTES = "/faq add Where are the minutes kept? | In the shared drive, under Board/Minutes"
GENERAL = ("how do we get the ICB on board", "how often should the board meet",
           "who is on the board")  # fmt: skip


async def test_a_faq_entry_does_not_take_over_general_questions_sharing_a_word(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    before = {q: (await say(app, world, carol, group, f"/ask {q}"))[0].text for q in GENERAL}
    await say(app, world, alice, group, BOARD)
    for question in GENERAL:
        [after] = await say(app, world, carol, group, f"/ask {question}")
        assert "FAQ (#1)" not in after.text, question
        assert after.text == before[question], question
    for question in ("when's the next board meeting", "whens the next board",
                     "next board meeting?", "When is the next board meeting?"):  # fmt: skip
        [found] = await say(app, world, carol, group, f"/ask {question}")
        assert found.text.startswith("From this partnership's FAQ (#1)"), question


async def test_a_confident_general_answer_keeps_its_question_unless_the_faq_asks_it(
    app: Application, world: World, cast: Cast
) -> None:
    """Both directions: a FAQ sharing a general question's words does not take it when
    guidance answers it confidently; its own question still finds it."""
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    general = "what goes in a data sharing agreement"
    [before] = await say(app, world, carol, group, f"/ask {general}")
    assert "Source: " in before.text  # a confident guidance answer
    await say(app, world, alice, group,
              "/faq add What is our data sharing agreement reference? | DSA-42")  # fmt: skip
    [after] = await say(app, world, carol, group, f"/ask {general}")
    assert after.text == before.text
    [own] = await say(app, world, carol, group, "/ask whats our data sharing agreement reference")
    assert own.text.startswith("From this partnership's FAQ (#1)")


async def test_chat_spellings_find_the_faq_and_are_not_told_it_is_missing(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    await say(app, world, alice, group, BOARD)
    await say(app, world, alice, group, MINUTES)
    for question in ("whens the next board", "wheres the minutes", "where r the minutes",
                     "where are the minutes", "where's the minutes",
                     "where r the minutes kept u know"):  # fmt: skip
        [found] = await say(app, world, carol, group, f"@accord_bot {question}")
        assert found.text.startswith("From this partnership's FAQ"), question
        assert "doesn't have it" not in found.text


async def test_adding_a_question_the_faq_already_has_warns_and_adds_only_when_confirmed(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    await say(app, world, alice, group, BOARD)
    await say(app, world, alice, group, MINUTES)
    [warned] = await say(app, world, alice, group, "/faq add Where are the minutes kept? | dup")
    assert "#2 looks like the same question" in warned.text
    assert "/faq edit 2" in warned.text
    [listing] = await say(app, world, alice, group, "/faq")
    assert "#3" not in listing.text
    assert "dup" not in listing.text
    labels = [label for label, _ in warned.buttons()]
    assert labels == ["Add anyway", "Edit #2"]
    # A member can't confirm it.
    await press(app, world, carol, warned, "Add anyway")
    assert toasts(world)[-1].startswith("Only coordinators")
    [edit] = await press(app, world, alice, warned, "Edit #2")
    assert "/faq edit 2 Where are the minutes kept? | dup" in edit.text
    [added] = await press(app, world, alice, warned, "Add anyway")
    assert added.text == "Added to this partnership's FAQ as #3: Where are the minutes kept?"
    # A different question is added at once.
    [other] = await say(app, world, alice, group, "/faq add Who is our IG lead? | Priya")
    assert other.text == "Added to this partnership's FAQ as #4: Who is our IG lead?"


async def test_answering_from_unanswered_warns_of_a_duplicate_and_names_the_list_number(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    for n in range(1, 10):
        await say(app, world, carol, group, f"/ask where do we book room {n} for the forum?")
    await say(app, world, carol, group, "/ask whens the next board")
    await say(app, world, alice, group, BOARD)
    [report] = await say(app, world, alice, group, "/unanswered")
    labels = [label for label, _ in report.buttons() if label.startswith("✍️")]
    assert labels[0] == "✍️ Answer 1: whens the next board"
    assert len(labels) == 10  # every listed question has its button
    [prompt] = await press(app, world, alice, report, labels[0])
    assert prompt.text.startswith("FAQ answer to /unanswered question 1 ")
    await say(app, world, carol, group, "/ask where do we book the hall")  # the list moves
    [warned] = await reply_to(app, world, alice, group, "5 Jan", prompt.message_id)
    assert "#1 looks like the same question" in warned.text
    [listing] = await say(app, world, alice, group, "/faq")
    assert "#2" not in listing.text
    [added] = await press(app, world, alice, warned, "Add anyway")
    assert added.text == "Added to this partnership's FAQ as #2: Whens the next board"
    [left] = await say(app, world, alice, group, "/unanswered")
    assert "whens the next board" not in left.text
    [by_number] = await say(app, world, alice, group, "/faq answer 3")
    assert by_number.text.startswith("FAQ answer to /unanswered question 3 ")
    assert "room 8" in by_number.text


async def test_unanswered_pages_with_an_answer_button_for_every_question_on_the_page(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    filler = "and the parking and the catering " * 6
    for n in range(1, 40):
        await say(app, world, carol, group, f"/ask where do we book room {n} {filler}")
    [report] = await say(app, world, alice, group, "/unanswered")
    listed = [line.split(". ", 1)[0] for line in report.text.splitlines() if ". " in line[:4]]
    answers = [label for label, _ in report.buttons() if label.startswith("✍️")]
    assert [label.split(":")[0].split()[-1] for label in answers] == listed
    assert "Next ›" in dict(report.buttons())
    await press(app, world, alice, report, "Next ›")
    turned = world.bot_messages(group.chat_id)[-1]  # edited in place
    assert turned.message_id == report.message_id
    second = [line.split(". ", 1)[0] for line in turned.text.splitlines() if ". " in line[:4]]
    assert second
    assert second[0] == str(len(listed) + 1)
    labels = [label for label, _ in turned.buttons() if label.startswith("✍️")]
    assert [label.split(":")[0].split()[-1] for label in labels] == second


async def test_a_coordinator_dismisses_an_off_topic_question(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    await say(app, world, carol, group, "/ask where do we book the hall")
    await say(app, world, carol, group, "/ask whats the best pizza in town")
    [refused] = await say(app, world, carol, group, "/unanswered dismiss 1")
    assert refused.text.startswith("Only coordinators")
    [dismissed] = await say(app, world, alice, group, "/unanswered dismiss 1")
    assert "pizza" in dismissed.text
    assert dismissed.text.startswith("Dismissed")
    [report] = await say(app, world, alice, group, "/unanswered")
    assert "pizza" not in report.text
    assert "hall" in report.text
    [missing] = await say(app, world, alice, group, "/unanswered dismiss 7")
    assert "no question 7" in missing.text
    await say(app, world, alice, group, "/unanswered dismiss 1")
    [empty] = await say(app, world, alice, group, "/unanswered")
    assert empty.text == "No unanswered questions in this chat."


async def test_a_members_refusal_names_the_partnership_unclipped(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, dave = world.people[101], world.people[104]
    await introduce(app, world, group, alice, dave)
    await say(app, world, dave, group, "/ask where do we book the hall")
    await say(app, world, dave, group, "/ask where do we park")
    [refused] = await say(app, world, dave, group, "/faq answer 2")
    assert refused.text.startswith("Only coordinators (the group's admins")
    assert "…" not in refused.text
    assert "FAQ" in refused.text


async def test_several_questions_are_dismissed_by_the_numbers_shown(
    app: Application, world: World, cast: Cast
) -> None:
    """Third trial: from a list 1 "mileage?", 2 "can i claim mileage…", 3 "Claim mileage
    on…", "/unanswered dismiss 1" then "dismiss 2" removed item 3 (the list renumbers).
    Several numbers at once are all read against the list as shown; the reply says the
    rest are numbered again."""
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    for question in ("whats the best pizza in town", "is it going to rain", "where do we park"):
        await say(app, world, carol, group, f"/ask {question}")
    # Newest first: 1 park, 2 rain, 3 pizza.
    [dismissed] = await say(app, world, alice, group, "/unanswered dismiss 1, 3")
    assert "park" in dismissed.text
    assert "pizza" in dismissed.text
    assert "rain" not in dismissed.text
    assert "numbered again" in dismissed.text
    [report] = await say(app, world, alice, group, "/unanswered")
    assert "rain" in report.text
    assert "park" not in report.text
    assert "pizza" not in report.text
    [bad] = await say(app, world, alice, group, "/unanswered dismiss 1 9")
    assert "no question 9" in bad.text
    [still] = await say(app, world, alice, group, "/unanswered")
    assert "rain" in still.text  # nothing dismissed when one number is wrong
