"""Trial 8, bug 18: after :kick, typing in that group is a plain console line, and a
Forbidden reply (Accord removed or blocked) is logged at INFO by ids, with no traceback."""

from __future__ import annotations

import io
import logging

import pytest
from telegram.ext import Application

from console.cast import Cast
from localapi.world import BotApiError, World
from tests.helpers import say


async def test_typing_in_a_group_accord_left_is_a_console_line(
    app: Application, world: World, cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    from console.terminal import ConsoleSession

    out = io.StringIO()
    session = ConsoleSession(app, world, cast, out)
    with caplog.at_level(logging.INFO):
        for line in (":kick", "/actions", "hello"):
            assert await session.handle(line)
    text = out.getvalue()
    assert text.count("(Accord is not in this group any more: :invite adds it back)") == 2
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "Traceback" not in caplog.text


async def test_a_forbidden_reply_is_logged_at_info_without_a_traceback(
    app: Application, world: World, cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    group = cast.groups["partners"]
    world.fail_chat(
        group.chat_id, BotApiError(403, "Forbidden: bot was kicked from the supergroup chat")
    )
    with caplog.at_level(logging.INFO):
        sent = await say(app, world, world.people[101], group, "/actions")
    assert sent == []
    [record] = [r for r in caplog.records if r.name == "handlers.errors"]
    assert record.levelno == logging.INFO
    assert f"in chat {group.chat_id}" in record.getMessage()
    assert "from user 101" in record.getMessage()
    assert record.exc_info is None
    assert "File " not in record.getMessage()


async def test_a_new_console_person_needs_a_name_telegram_allows(
    app: Application, world: World, cast: Cast
) -> None:
    from console.terminal import ConsoleSession

    out = io.StringIO()
    session = ConsoleSession(app, world, cast, out)
    for line in (":as eve", ":as " + "x" * 33, ":as evelyn"):
        assert await session.handle(line)
    text = out.getvalue()
    assert text.count("New names need 5 to 32 letters, digits or underscores") == 2
    assert "New person Evelyn (@evelyn) joined here." in text
