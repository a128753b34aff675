"""Regression tests for the new-user trial of issue 11 (goals, roles, decisions, the
health check, /progress and the console)."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

from telegram.ext import Application

from app.lifecycle import feed
from config.settings import Settings
from console.cast import Cast
from console.terminal import ConsoleSession, run_console
from localapi.world import SimChat, World
from tests.helpers import press, say
from tests.test_healthcheck import answer, questions_of, started_privately
from tests.test_nudges import digests

OPENNESS = 0


async def console_lines(app: Application, world: World, cast: Cast, *lines: str) -> str:
    out = io.StringIO()
    session = ConsoleSession(app, world, cast, out)
    for line in lines:
        assert await session.handle(line)
    return out.getvalue()


# --- 1. members who haven't started the bot can answer the health check ----------------


async def test_the_console_follows_the_answer_privately_link_as_telegram_does(
    app: Application, world: World, cast: Cast, group: SimChat
) -> None:
    alice, bob = world.people[101], world.people[102]
    await started_privately(app, world, alice, bob)
    text = await console_lines(
        app, world, cast, "/healthcheck", ":as carol", ":press Answer privately"
    )
    assert "no longer works" not in text
    assert "dm:carol" in text
    carol = world.people[103]
    questions = questions_of(world, carol)
    assert questions.chat_id == world.private_chat(carol).chat_id


async def test_starting_the_bot_while_a_round_is_open_brings_the_questions(
    app: Application, world: World, group: SimChat
) -> None:
    alice, dave = world.people[101], world.people[104]
    await say(app, world, alice, group, "/healthcheck")
    replies = await say(app, world, dave, world.private_chat(dave), "/start")
    assert any(m.buttons() and m.buttons()[0][1].startswith("hc:") for m in replies)
    await answer(app, world, dave, {OPENNESS: 4})
    again = await say(app, world, dave, world.private_chat(dave), "/start")
    assert not any(m.buttons() for m in again)  # answered already: not asked twice


# --- 2. an open round shows no figures: a new answer can't be worked out ------------------


async def test_an_open_round_shows_how_many_answered_and_figures_only_once_closed(
    app: Application, world: World, group: SimChat
) -> None:
    people = [world.people[i] for i in (101, 102, 103, 104)]
    await started_privately(app, world, *people)
    alice, carol = people[0], people[2]
    await say(app, world, alice, group, "/healthcheck")
    for person in people[:3]:
        await answer(app, world, person, {OPENNESS: 2})
    [shown] = await say(app, world, carol, group, "/healthcheck results")
    assert shown.photo is None
    assert "3 answers" in shown.text
    assert "closes" in shown.text
    assert not re.search(r"\d\.\d", shown.text)  # no mean, no spread while open
    await answer(app, world, people[3], {OPENNESS: 5})
    [shown] = await say(app, world, carol, group, "/healthcheck results")
    assert "4 answers" in shown.text
    assert not re.search(r"\d\.\d", shown.text)
    *_, export = await say(app, world, alice, group, "/export")
    assert export.document is not None
    assert export.document[0].startswith("healthcheck")
    assert export.text == "Health checks: 1 round, 1 with answers (averages only)"
    assert "2.75" not in export.document[1].decode("utf-8-sig")
    _, chart = await say(app, world, alice, group, "/healthcheck close")
    assert chart.photo is not None
    assert "Openness: <b>2.8</b>" in chart.text or "Openness: 2.8" in chart.text


# --- 3. /decide replying to a /decide message ------------------------------------------


async def test_decide_replying_to_a_decide_command_records_nothing_twice(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/decide Pool the budgets for 2027")
    command = next(m for m in reversed(world.messages) if m.text.startswith("/decide Pool"))
    before = len(world.bot_messages())
    await feed(app, world.user_says(alice, group, "/decide", reply_to=command.message_id))
    [again] = world.bot_messages()[before:]
    assert again.text.startswith("Already recorded as decision 1")
    assert "/decide" not in again.text
    [listing] = await say(app, world, alice, group, "/decisions")
    assert "Decision 2" not in listing.text
    await say(app, world, world.people[103], group, "/ask@accord_bot should we merge the boards")
    asked = next(m for m in reversed(world.messages) if m.text.startswith("/ask@accord_bot"))
    before = len(world.bot_messages())
    await feed(app, world.user_says(alice, group, "/decide", reply_to=asked.message_id))
    [recorded] = world.bot_messages()[before:]
    assert "Decision 2 should we merge the boards — proposed by Carol" in recorded.text


# --- 4. role questions --------------------------------------------------------------------


async def test_role_questions_name_the_right_role_or_none(
    app: Application, world: World, group: SimChat
) -> None:
    alice, dave = world.people[101], world.people[104]
    await say(app, world, alice, group, "/role add Chair @carol")
    await say(app, world, alice, group, '/role add "Vice chair" @dave_k')
    await say(app, world, alice, group, "/role remove Vice chair")
    await say(app, world, alice, group, '/role add "Safeguarding lead" @dave_k')
    await say(app, world, alice, group, "/assign @carol Draft the newsletter")
    [vice] = await say(app, world, dave, group, "/ask who is vice chair?")
    assert "Chair — Carol" not in vice.text
    [chair] = await say(app, world, dave, group, "/ask who is the chair of the partnership?")
    assert "Chair — Carol" in chair.text
    [safe] = await say(app, world, alice, group, "/ask who does safeguarding?")
    assert "Safeguarding lead — Dave" in safe.text
    [carol] = await say(app, world, dave, group, "/ask what does Carol do?")
    assert "Role: Chair — Carol" in carol.text
    assert "Draft the newsletter" in carol.text


async def test_a_register_question_in_private_answers_from_the_one_group_or_says_where(
    app: Application, world: World, groups: tuple[SimChat, SimChat]
) -> None:
    partners, _ = groups
    alice, carol, dave = world.people[101], world.people[103], world.people[104]
    await say(app, world, alice, partners, "/partner add HSCB")
    await say(app, world, alice, partners, '/role add "Data lead" HSCB: monthly data returns')
    [answer_] = await say(
        app, world, dave, world.private_chat(dave), "what is HSCB responsible for?"
    )
    assert "Role: Data lead — HSCB: monthly data returns" in answer_.text
    [hint] = await say(
        app, world, carol, world.private_chat(carol), "what is HSCB responsible for?"
    )
    assert "in your partnership's group" in hint.text


# --- 5. the digest: decisions recorded since, each in one section --------------------------


async def test_the_digest_lists_each_decision_once_and_calls_them_recorded(
    app: Application, world: World, group: SimChat
) -> None:
    alice, dave = world.people[101], world.people[104]
    [contested] = await say(app, world, alice, group, "/decide Pool the budgets")
    await press(app, world, dave, contested, "Object")
    await say(app, world, alice, group, "/decide Meet monthly")
    await say(app, world, alice, group, "/digest")
    [digest] = digests(world, group.chat_id)
    assert "Decided since" not in digest
    assert "Recorded since the last digest\n  Decision 2 Meet monthly" in digest
    assert digest.count("Pool the budgets") == 1
    assert "Decisions with objections\n  Decision 1 Pool the budgets" in digest


# --- 6. /progress with nothing recorded: no chart -----------------------------------------


async def test_progress_with_no_actions_sends_text_and_no_chart(
    app: Application, world: World, group: SimChat
) -> None:
    [empty] = await say(app, world, world.people[103], group, "/progress")
    assert empty.photo is None
    assert "Nothing recorded yet" in empty.text


# --- 7 and 16. the console across runs: private chats kept, files never overwritten ---------


async def test_the_console_remembers_private_chats_and_names_files_uniquely(
    settings: Settings,
) -> None:
    first = io.StringIO()
    script = (
        ":as bob\nhello\n:dm\n/start\n:as alice\n:dm\n/start\n:chat partners\n"
        "/assign me Book the venue\n/progress\n/export\n"
    )
    await run_console(settings, stdin=io.StringIO(script), out=first)
    second = io.StringIO()
    await run_console(settings, stdin=io.StringIO("/progress\n/healthcheck\n"), out=second)
    assert "I've asked 2 members privately" in second.getvalue()
    [image_1] = re.findall(r"\[image: (.+\.png)\]", first.getvalue())
    [image_2] = re.findall(r"\[image: (.+\.png)\]", second.getvalue())
    assert image_1 != image_2
    documents = re.findall(r"\[document register-\S+, \d+ bytes: (.+\.csv)\]", first.getvalue())
    assert len(documents) == 1
    for path in (image_1, image_2, documents[0]):
        assert await asyncio.to_thread(Path(path).is_file)


# --- 8 to 15, 17: smaller wording and reading fixes ------------------------------------------


async def test_an_unquoted_role_name_of_two_words_gets_a_quoting_hint(
    app: Application, world: World, group: SimChat
) -> None:
    [hint] = await say(app, world, world.people[101], group, "/role add Vice Chair @carol")
    assert '/role add "Vice Chair" @carol' in hint.text
    [roles] = await say(app, world, world.people[101], group, "/roles")
    assert "No roles yet" in roles.text


async def test_a_goal_with_the_same_words_as_an_open_one_is_not_added_again(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/goal add Cut waiting times")
    [again] = await say(app, world, alice, group, "/goal add cut waiting  times")
    assert "Goal 1 already reads so" in again.text
    [goals] = await say(app, world, alice, group, "/goals")
    assert "Goal 2" not in goals.text


async def test_assign_for_goal_in_words(app: Application, world: World, group: SimChat) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/goal add Cut waiting times")
    await say(app, world, alice, group, "/goal add Share data")
    [recorded] = await say(
        app, world, alice, group, "/assign @carol Write the newsletter for goal two"
    )
    assert "for goal two" not in recorded.text
    assert "goal 2" in recorded.text.lower()
    [listing] = await say(app, world, alice, group, "/actions goal 2")
    assert "Write the newsletter" in listing.text


async def test_actions_goal_without_a_number_says_goal_n(
    app: Application, world: World, group: SimChat
) -> None:
    [bare] = await say(app, world, world.people[101], group, "/actions goal")
    assert "/actions goal &lt;n&gt;" in bare.text or "/actions goal <n>" in bare.text
    [other] = await say(app, world, world.people[101], group, "/actions nonsense")
    assert "goal N" in other.text or "goal <n>" in other.text


async def test_a_misspelt_healthcheck_subcommand_gets_a_suggestion(
    app: Application, world: World, group: SimChat
) -> None:
    for typo in ("resuts", "result"):
        [hint] = await say(app, world, world.people[103], group, f"/healthcheck {typo}")
        assert "Did you mean /healthcheck results?" in hint.text


async def test_a_role_for_someone_not_seen_yet_says_so(
    app: Application, world: World, group: SimChat
) -> None:
    [added] = await say(app, world, world.people[101], group, "/role add Treasurer @frankie_new")
    assert "Added the role Treasurer" in added.text
    assert "haven't seen @frankie_new" in added.text


def test_the_health_chart_key_names_last_round_only_when_there_was_one() -> None:
    from charts.health import key_text

    assert "last round" not in key_text(has_previous=False)
    assert "◆ last round" in key_text(has_previous=True)


async def test_decisions_list_says_objections_once(
    app: Application, world: World, group: SimChat
) -> None:
    alice, dave = world.people[101], world.people[104]
    [decision] = await say(app, world, alice, group, "/decide Pool the budgets")
    await press(app, world, dave, decision, "Object")
    await press(app, world, alice, decision, "Agree")
    [listing] = await say(app, world, alice, group, "/decisions")
    assert "objecting" not in listing.text
    assert "open · 1 agree, 1 object" in listing.text


async def test_joining_another_partner_says_which_one_was_left(
    app: Application, world: World, group: SimChat
) -> None:
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, group, "/partner add City Council")
    await say(app, world, alice, group, "/partner add HSCB")
    await say(app, world, carol, group, "/join City Council")
    [moved] = await say(app, world, carol, group, "/join HSCB")
    assert "moved from City Council to HSCB" in moved.text
