"""The third new-user trial of issue 10 (TRIAL10C items 11 and 15) on /unanswered: an
answer marked not helpful is listed with the question it answered and can be answered
as a FAQ entry; a question repeated by someone else is not credited to the first asker
alone; a page carries at most ten Answer buttons."""

from __future__ import annotations

from telegram.ext import Application

from console.cast import Cast
from localapi.world import World
from tests.helpers import introduce, press, reply_to, say, toasts

PURSE = "who should hold the purse strings if we pool money"


async def test_not_helpful_lists_the_question_with_an_answer_button(
    app: Application, world: World, cast: Cast
) -> None:
    """TRIAL10C 11: after 👎 on the answer to "who should hold the purse strings…",
    /unanswered showed only "Power imbalances between partners: 1"."""
    group = cast.groups["partners"]
    alice, carol, dave = world.people[101], world.people[103], world.people[104]
    await introduce(app, world, group, alice, carol, dave)
    [answer] = await say(app, world, carol, group, f"/ask {PURSE}")
    title = answer.text.splitlines()[0]
    await press(app, world, carol, answer, "👎 Not helpful")
    await press(app, world, carol, answer, "👎 Not helpful")  # pressed twice: one verdict
    [report] = await say(app, world, alice, group, "/unanswered")
    assert f"1. Not helpful: {title} for “{PURSE}” (1)" in report.text
    labels = [label for label, _ in report.buttons() if label.startswith("✍️")]
    assert labels == [f"✍️ Answer 1: {PURSE[:39]}…"]
    # Another person's verdict on the same answer to the same question is counted.
    await press(app, world, dave, answer, "👎 Not helpful")
    [again] = await say(app, world, alice, group, "/unanswered")
    assert f"for “{PURSE}” (2)" in again.text
    # A member may not answer it; a coordinator's answer becomes a FAQ entry.
    await press(app, world, carol, again, labels[0])
    assert "coordinators" in toasts(world)[-1].lower()
    [prompt] = await press(app, world, alice, again, labels[0])
    assert prompt.text.startswith("FAQ answer to /unanswered question 1 ")
    assert PURSE in prompt.text
    [added] = await reply_to(app, world, alice, group, "The lead partner", prompt.message_id)
    assert added.text == f"Added to this partnership's FAQ as #1: {PURSE.capitalize()}"
    [empty] = await say(app, world, alice, group, "/unanswered")
    assert empty.text == "No unanswered questions in this chat."


async def test_answering_a_not_helpful_question_warns_of_a_duplicate(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    [answer] = await say(app, world, carol, group, f"/ask {PURSE}")
    await press(app, world, carol, answer, "👎 Not helpful")
    [report] = await say(app, world, alice, group, "/unanswered")
    [label] = [label for label, _ in report.buttons() if label.startswith("✍️")]
    await say(app, world, alice, group, f"/faq add {PURSE}? | The lead partner")
    [prompt] = await press(app, world, alice, report, label)
    [warned] = await reply_to(app, world, alice, group, "Meet", prompt.message_id)
    assert "#1 looks like the same question" in warned.text
    assert "Add anyway" in dict(warned.buttons())


async def test_a_not_helpful_topic_button_answer_is_still_counted(
    app: Application, world: World, cast: Cast
) -> None:
    """An answer opened from a topic button answers no question: its title and count."""
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    [browse] = await say(app, world, carol, group, "/principles")
    label, _ = browse.buttons()[0]
    [answer] = await press(app, world, carol, browse, label)
    await press(app, world, carol, answer, "👎 Not helpful")
    [report] = await say(app, world, alice, group, "/unanswered")
    assert "Answers marked not helpful" in report.text
    assert f"{answer.text.splitlines()[0]}: 1" in report.text
    assert not [lbl for lbl, _ in report.buttons() if lbl.startswith("✍️")]


async def test_a_question_repeated_by_another_person_says_how_many_asked(
    app: Application, world: World, cast: Cast
) -> None:
    """TRIAL10C 15: Dave's repeat was shown on Alice's row as "(asked 2 times)"."""
    group = cast.groups["partners"]
    alice, carol, dave = world.people[101], world.people[103], world.people[104]
    await introduce(app, world, group, alice, carol, dave)
    await say(app, world, carol, group, "/ask what is the capital of france")
    await say(app, world, carol, group, "/ask what is the capital of France")
    [report] = await say(app, world, alice, group, "/unanswered")
    assert "(asked 2 times)" in report.text
    await say(app, world, dave, group, "/ask what is the capital of france")
    [report] = await say(app, world, alice, group, "/unanswered")
    assert "(asked 3 times, by 2 people)" in report.text


async def test_unanswered_puts_at_most_ten_answer_buttons_on_a_page(
    app: Application, world: World, cast: Cast
) -> None:
    """TRIAL10C 15: 40 Answer buttons came under one message."""
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    for n in range(1, 41):
        await say(app, world, carol, group, f"/ask where do we book room {n}")
    [report] = await say(app, world, alice, group, "/unanswered")
    answers = [label for label, _ in report.buttons() if label.startswith("✍️")]
    listed = [line.split(". ", 1)[0] for line in report.text.splitlines() if ". " in line[:4]]
    assert listed == [str(n) for n in range(1, 11)]
    assert len(answers) == 10
    assert "Page 1 of 4" in report.text
    await press(app, world, alice, report, "Next ›")
    turned = world.bot_messages(group.chat_id)[-1]
    second = [line.split(". ", 1)[0] for line in turned.text.splitlines() if ". " in line[:4]]
    assert second == [str(n) for n in range(11, 21)]
    assert len([lbl for lbl, _ in turned.buttons() if lbl.startswith("✍️")]) == 10
    [last] = await say(app, world, alice, group, "/unanswered page 4")
    assert "40. " in last.text
    assert "Answer one for this partnership's FAQ" in last.text
