"""/healthcheck: anonymous ratings of the key principles, aggregates only, from 3 answers."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from telegram.ext import Application

from app.clock import FrozenClock
from app.context import services_of
from app.lifecycle import feed
from charts.health import health_chart_data
from domain.health import MIN_ANSWERS, PRINCIPLES, HealthResults, Round, aggregate
from localapi.world import Person, SentMessage, SimChat, World
from tests.helpers import BOTH_BACKENDS, say, toasts

pytestmark = BOTH_BACKENDS

OPENNESS, TRUST = 0, 1


async def started_privately(app: Application, world: World, *people: Person) -> None:
    for person in people:
        await say(app, world, person, world.private_chat(person), "/start")


def questions_of(world: World, person: Person) -> SentMessage:
    """The newest health-check question message in ``person``'s private chat."""
    chat = world.private_chat(person)
    return next(
        m
        for m in reversed(world.bot_messages(chat.chat_id))
        if any(data.startswith("hc:") for _, data in m.buttons())
    )


async def press_data(
    app: Application, world: World, person: Person, message: SentMessage, data: str
) -> None:
    await feed(app, world.user_presses(person, message, data))


async def answer(app: Application, world: World, person: Person, ratings: dict[int, int]) -> None:
    message = questions_of(world, person)
    round_id = message.buttons()[0][1].split(":")[1]
    for index, rating in ratings.items():
        await press_data(app, world, person, message, f"hc:{round_id}:{index}:{rating}")


@pytest.fixture
async def everyone_started(app: Application, world: World, group: SimChat) -> SimChat:
    await started_privately(app, world, *(world.people[i] for i in (101, 102, 103, 104)))
    return group


async def test_members_who_started_the_bot_are_asked_privately_the_rest_by_one_link(
    app: Application, world: World, group: SimChat
) -> None:
    alice, bob, carol, dave = (world.people[i] for i in (101, 102, 103, 104))
    await started_privately(app, world, bob, carol)
    replies = await say(app, world, alice, group, "/healthcheck")
    invite, confirmation = (m for m in replies if m.chat_id == group.chat_id)
    assert "2 members here can't get the questions" in invite.text
    [(label, link)] = invite.buttons()
    assert label == "Answer privately"
    match = re.fullmatch(r"https://t\.me/accord_bot\?start=hc(\d+)", link)
    assert match is not None
    assert "asked 2 members privately" in confirmation.text
    for person in (bob, carol):
        message = questions_of(world, person)
        assert len(message.buttons()) == 6 * len(PRINCIPLES)
        assert "Openness" in message.text
    # Dave follows the link: /start hc<round> in his private chat asks him there.
    [questions] = await say(app, world, dave, world.private_chat(dave), f"/start hc{match[1]}")
    assert questions.buttons()[1] == ("1", f"hc:{match[1]}:0:1")


async def test_only_coordinators_start_or_close_a_round(
    app: Application, world: World, everyone_started: SimChat
) -> None:
    group, carol = everyone_started, world.people[103]
    [refusal] = await say(app, world, carol, group, "/healthcheck")
    assert "coordinator" in refusal.text
    assert not any("hc:" in d for m in world.messages for _, d in m.buttons())
    await say(app, world, world.people[101], group, "/healthcheck")
    [refusal] = await say(app, world, carol, group, "/healthcheck close")
    assert "coordinator" in refusal.text
    [again] = await say(app, world, world.people[101], group, "/healthcheck")
    assert "already open" in again.text


async def test_fewer_than_three_answers_show_no_figures_then_three_do(
    app: Application, world: World, everyone_started: SimChat
) -> None:
    group = everyone_started
    alice, bob, carol = (world.people[i] for i in (101, 102, 103))
    await say(app, world, alice, group, "/healthcheck")
    await answer(app, world, alice, {OPENNESS: 5, TRUST: 2})
    await answer(app, world, bob, {OPENNESS: 4, TRUST: 2})
    [shown] = await say(app, world, carol, group, "/healthcheck results")
    assert shown.photo is None
    assert "2 answers" in shown.text
    assert "if at least 3 people have answered" in shown.text
    assert not re.search(r"\d\.\d", shown.text)  # no mean, no spread
    await answer(app, world, carol, {OPENNESS: 3, TRUST: 5})
    _, chart, *rest = await say(app, world, alice, group, "/healthcheck close")
    assert rest == []
    assert chart.photo is not None
    assert Image.open(io.BytesIO(chart.photo)).format == "PNG"
    assert "3 answers" in chart.text
    assert "Openness: 4.0 ±0.8" in chart.text  # 5, 4, 3
    assert "Trust and honesty: 3.0 ±1.4" in chart.text  # 2, 2, 5
    assert f"Regular communication: fewer than {MIN_ANSWERS} rated it" in chart.text
    assert "Weakest: Trust and honesty." in chart.text
    assert chart.buttons() == [("Guidance: Trust and honesty", "kb:open:principle-trust-honesty")]


async def test_pressing_again_changes_the_answer_not_adds_one(
    app: Application, world: World, everyone_started: SimChat
) -> None:
    group = everyone_started
    alice, bob, carol = (world.people[i] for i in (101, 102, 103))
    await say(app, world, alice, group, "/healthcheck")
    for person in (alice, bob, carol):
        await answer(app, world, person, {OPENNESS: 1})
    await answer(app, world, alice, {OPENNESS: 4})  # Alice changes her mind
    message = questions_of(world, alice)
    assert ("4✓", message.buttons()[4][1]) in message.buttons()
    assert "1✓" not in [label for label, _ in message.buttons()]
    assert toasts(world)[-1] == "Openness: 4. Thanks!"
    _, chart = await say(app, world, alice, group, "/healthcheck close")
    assert "3 answers" in chart.text
    assert "Openness: 2.0 ±1.4" in chart.text  # 1, 1, 4


async def test_comments_are_shown_unsigned_only_with_three_answers(
    app: Application, world: World, everyone_started: SimChat
) -> None:
    group = everyone_started
    alice, bob, carol = (world.people[i] for i in (101, 102, 103))
    await say(app, world, alice, group, "/healthcheck")
    await answer(app, world, alice, {OPENNESS: 2})
    question = questions_of(world, alice)
    private = world.private_chat(alice)
    [saved] = await say_reply(app, world, alice, private, "Meetings keep moving", question)
    assert "Comment saved" in saved.text
    await say_reply(app, world, alice, private, "We never hear from the council", question)
    await answer(app, world, bob, {OPENNESS: 3})
    [shown] = await say(app, world, bob, group, "/healthcheck results")
    assert "council" not in shown.text
    await answer(app, world, carol, {OPENNESS: 4})
    _, chart, comments = await say(app, world, alice, group, "/healthcheck close")
    assert chart.photo is not None
    assert comments.text.splitlines()[1:] == ["• We never hear from the council"]  # replaced
    assert "Alice" not in comments.text


async def say_reply(
    app: Application, world: World, person: Person, chat: SimChat, text: str, to: SentMessage
) -> list[SentMessage]:
    before = len(world.bot_messages())
    await feed(app, world.user_says(person, chat, text, reply_to=to.message_id))
    return world.bot_messages()[before:]


async def test_a_closed_round_takes_no_answers_and_changes_show_against_the_last(
    app: Application, world: World, everyone_started: SimChat, clock: FrozenClock
) -> None:
    group = everyone_started
    alice, bob, carol = (world.people[i] for i in (101, 102, 103))
    await say(app, world, alice, group, "/healthcheck")
    for person, rating in ((alice, 2), (bob, 2), (carol, 2)):
        await answer(app, world, person, {OPENNESS: rating})
    closed, chart = await say(app, world, alice, group, "/healthcheck close")
    assert closed.text == "Health check closed."
    assert "Openness: 2.0 ±0.0" in chart.text
    await answer(app, world, alice, {OPENNESS: 5})  # too late
    assert "closed" in toasts(world)[-1]
    clock.advance(timedelta(days=90))
    await say(app, world, alice, group, "/healthcheck")
    for person, rating in ((alice, 3), (bob, 4), (carol, 5)):
        await answer(app, world, person, {OPENNESS: rating})
    [waiting] = await say(app, world, alice, group, "/healthcheck results")
    assert "Openness" not in waiting.text  # open: no figures yet
    # A round closes by itself after a week; its results are then the latest.
    clock.advance(timedelta(days=8))
    [chart] = await say(app, world, carol, group, "/healthcheck results")
    assert "closed" in chart.text
    assert "Openness: 4.0 ±0.8 (▲2.0)" in chart.text


async def test_a_round_is_answered_only_by_its_groups_members(
    app: Application, world: World, groups: tuple[SimChat, SimChat]
) -> None:
    partners, steering = groups
    carol, dave = world.people[103], world.people[104]
    await started_privately(app, world, carol, dave)
    await say(app, world, carol, steering, "/healthcheck")  # Dave is not in Steering
    round_id = questions_of(world, carol).buttons()[0][1].split(":")[1]
    dave_chat = world.private_chat(dave)
    [refusal] = await say(app, world, dave, dave_chat, f"/start hc{round_id}")
    assert "Only members" in refusal.text
    message = questions_of(world, carol)
    await press_data(app, world, dave, message, f"hc:{round_id}:0:1")
    assert "Only members" in toasts(world)[-1]
    assert await services_of(app).health.rounds.respondents(int(round_id)) == 0
    [none] = await say(app, world, world.people[101], partners, "/healthcheck results")
    assert "No health check has run here yet" in none.text


async def test_no_stored_row_or_read_path_pairs_a_person_with_a_rating(
    app: Application, world: World, everyone_started: SimChat
) -> None:
    group = everyone_started
    people = [world.people[i] for i in (101, 102, 103, 104)]
    await say(app, world, people[0], group, "/healthcheck")
    for n, person in enumerate(people):
        await answer(app, world, person, {OPENNESS: n + 1, TRUST: 5 - n})
        await say_reply(
            app,
            world,
            person,
            world.private_chat(person),
            f"comment {n}",
            questions_of(world, person),
        )
    database = services_of(app).database
    ids = {str(p.user_id) for p in people}
    for table in ("health_answers", "health_comments", "health_rounds"):
        for row in await database.fetch_all(f"SELECT * FROM {table}"):
            for cell in row:
                if table == "health_rounds" and cell == 101:  # who opened it: no rating
                    continue
                assert str(cell) not in ids, (table, row)
    health = services_of(app).health
    [current] = await health.rounds.of_chat(group.chat_id)
    assert await health.rounds.ratings(current.round_id) == {
        "openness": [1, 2, 3, 4],
        "trust": [2, 3, 4, 5],
    }
    await say(app, world, people[0], group, "/healthcheck close")
    results = await health.results(group.chat_id, services_of(app).clock.now())
    assert results is not None
    assert sorted(results.comments) == [f"comment {n}" for n in range(4)]
    assert not any(str(uid) in repr(results) for uid in ids)


def test_aggregates_and_chart_data_from_known_ratings() -> None:
    ratings = {"openness": [1, 3, 5], "trust": [4, 4, 4, 4], "goals": [5, 5]}
    results = aggregate(ratings, {"openness": 2.0, "trust": 4.5})
    by_key = {r.principle.key: r for r in results}
    assert (by_key["openness"].mean, by_key["openness"].spread) == (3.0, 1.63)
    assert by_key["openness"].change == 1.0
    assert by_key["trust"].change == -0.5
    assert by_key["goals"].mean is None  # two answers: no figure
    now = datetime(2026, 11, 23, tzinfo=UTC)
    bars = health_chart_data(HealthResults(Round(1, -1, now, now, None), 4, results))
    assert [b.label for b in bars] == [p.label for p in PRINCIPLES]
    assert [b.mean for b in bars[:3]] == [3.0, 4.0, None]
    assert [b.previous for b in bars[:2]] == [2.0, 4.5]
    assert [b.weakest for b in bars[:2]] == [True, False]
    assert bars[0].caption() == "3.0 ±1.6 ▲1.0"
    assert bars[2].caption() == "fewer than 3"


async def test_healthcheck_belongs_in_a_group(app: Application, world: World) -> None:
    alice = world.people[101]
    [answer_] = await say(app, world, alice, world.private_chat(alice), "/healthcheck")
    assert "works in your partnership's group" in answer_.text


async def test_export_carries_the_aggregates_never_an_answer(
    app: Application, world: World, everyone_started: SimChat
) -> None:
    group = everyone_started
    alice, bob, carol = (world.people[i] for i in (101, 102, 103))
    await say(app, world, alice, group, "/healthcheck")
    for person, rating in ((alice, 1), (bob, 2)):
        await answer(app, world, person, {OPENNESS: rating})
    *_, early = await say(app, world, alice, group, "/export")
    rows = rows_of(early.document[1])  # type: ignore[index]
    assert rows[0] == [
        "round", "opened", "closed", "answers", "principle", "rated by", "mean", "spread",
        "change",
    ]  # fmt: skip
    assert rows[1][3:] == ["2", "Openness", "", "", "", ""]  # two answers: no figures
    await answer(app, world, carol, {OPENNESS: 3})
    *_, still_open = await say(app, world, alice, group, "/export")
    rows = rows_of(still_open.document[1])  # type: ignore[index]
    assert rows[1][3:] == ["3", "Openness", "", "", "", ""]  # open: no figures yet
    await say(app, world, alice, group, "/healthcheck close")
    *_, later = await say(app, world, alice, group, "/export")
    rows = rows_of(later.document[1])  # type: ignore[index]
    assert len(rows) == 1 + len(PRINCIPLES)
    assert rows[1][3:] == ["3", "Openness", "3", "2.00", "0.82", ""]
    assert rows[2][3:] == ["3", "Trust and honesty", "0", "", "", ""]
    text = later.document[1].decode("utf-8-sig")  # type: ignore[index]
    assert not any(name in text for name in ("Alice", "Bob", "Carol", "101", "102", "103"))


async def test_rounds_follow_a_group_that_becomes_a_supergroup(
    app: Application, world: World, everyone_started: SimChat
) -> None:
    group = everyone_started
    services = services_of(app)
    await say(app, world, world.people[101], group, "/healthcheck")
    new_id = group.chat_id - 1
    await services.chats.record(new_id, "supergroup", "New home", services.clock.now())
    await services.chats.migrate(group.chat_id, new_id, services.clock.now())
    assert await services.health.rounds.of_chat(group.chat_id) == []
    assert len(await services.health.rounds.of_chat(new_id)) == 1


def rows_of(content: bytes) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
