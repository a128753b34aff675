"""Regression tests for the new-user trial of issue 11 (goals, roles, decisions, the
health check, /progress and the console)."""

from __future__ import annotations

import io
import re

from telegram.ext import Application

from console.cast import Cast
from console.terminal import ConsoleSession
from localapi.world import SimChat, World
from tests.helpers import say
from tests.test_healthcheck import answer, questions_of, started_privately

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
