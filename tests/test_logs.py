"""Logs at INFO and above carry ids, never what people wrote or who they are."""

from __future__ import annotations

import logging

import pytest
from telegram.ext import Application, CommandHandler

from app.lifecycle import feed
from console.cast import Cast
from handlers.errors import APOLOGY
from localapi.world import BadRequest, World
from tests.helpers import say

SECRET_TEXT = "Quixotic-zebra-payroll-7731"
SECRET_NAME = "Zenobia"


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    """Everything the records at INFO and above would print, tracebacks included."""
    formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    return "\n".join(formatter.format(r) for r in caplog.records if r.levelno >= logging.INFO)


async def test_a_failing_handler_logs_ids_not_text_or_names(
    app: Application, world: World, cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode(update, context) -> None:
        raise ValueError(f"cannot handle {update.effective_message.text}")

    app.handlers[0].insert(0, CommandHandler("explode", explode))
    zenobia = world.add_person(777, SECRET_NAME, "zenobia_x")
    group = cast.groups["partners"]
    group.members[zenobia.user_id] = "member"
    with caplog.at_level(logging.DEBUG):
        update = world.user_says(zenobia, group, f"/explode {SECRET_TEXT}")
        await feed(app, update)
    assert world.bot_messages(group.chat_id)[-1].text == APOLOGY
    text = logged_text(caplog)
    assert SECRET_TEXT not in text
    assert SECRET_NAME not in text
    assert "zenobia_x" not in text
    assert f"update {update['update_id']}" in text
    assert str(group.chat_id) in text
    assert "ValueError" in text
    debug = "\n".join(r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG)
    assert SECRET_TEXT in debug  # DEBUG may carry the whole update


async def test_a_refused_reply_logs_ids_not_text(
    app: Application, world: World, cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    zenobia = world.add_person(777, SECRET_NAME, "zenobia_x")
    group = cast.groups["partners"]
    group.members[zenobia.user_id] = "member"
    world.fail_next("sendMessage", BadRequest("message is too long"))
    with caplog.at_level(logging.INFO):
        await say(app, world, zenobia, group, f"/join {SECRET_TEXT}")
    text = logged_text(caplog)
    assert SECRET_TEXT not in text
    assert SECRET_NAME not in text
    assert str(group.chat_id) in text


async def test_a_bad_request_is_an_error_with_an_apology_not_a_network_problem(
    app: Application, world: World, cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    """PTB 22 makes BadRequest a NetworkError; it is our mistake, not the network's."""
    alice = cast.first_person
    group = cast.groups["partners"]
    world.fail_next("sendMessage", BadRequest("message is too long"))
    with caplog.at_level(logging.INFO):
        update = world.user_says(alice, group, "/partners")
        await feed(app, update)
    assert world.bot_messages(group.chat_id)[-1].text == APOLOGY
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert error.getMessage().startswith(f"BadRequest while handling update {update['update_id']}")
    assert not [r for r in caplog.records if "Network error" in r.getMessage()]
