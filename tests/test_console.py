"""The local console: a transcript fed through stdin, its output checked."""

from __future__ import annotations

import asyncio
import io
import os
import re
import stat
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from console.terminal import parse_clock_step, run_console
from tests.processes import ROOT, bot_command, bot_environment

TRANSCRIPT = """\
/help
:people
:as bob
:dm
/start
how do we build trust
:chat steering
/start
:chats
:clock
:clock +3d
:clock soon
:press 1
:nonsense
:quit
/never-sent
"""


def test_console_transcript_through_make_run_path(tmp_path: Path) -> None:
    """``bot.py`` with no token starts the console; stdin may be a pipe."""
    result = subprocess.run(
        bot_command(),
        input=TRANSCRIPT,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=bot_environment(DATABASE_PATH=str(tmp_path / "console.db")),
        check=False,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "No TELEGRAM_BOT_TOKEN set: starting the local chat console." in out
    assert "Traceback" not in result.stderr
    # /help in the default group, as alice
    assert (
        "alice @ partners> /help\n[partners] Accord:\n  Accord is set up in Partners for Health."
        in out
    )
    assert "Bob (@bobby_p, id 102)" in out
    # :as bob then :dm: bob's private chat
    assert (
        "bobby_p @ dm:bobby_p> /start\n[dm:bobby_p] Accord:\n"
        "  Accord keeps a partnership's work moving" in out
    )
    assert "[dm:bobby_p] Accord:\n  Trust and honesty\n" in out
    # a group bob is not in: he joins it
    assert "Bob joined Steering Board." in out
    assert "[steering] Accord:\n  Accord in Steering Board" in out  # Bob is a member there
    assert "steering: Steering Board [-1001000000002], bot member; Carol (creator)" in out
    assert "cannot read 'soon'" in out
    assert "No message with buttons here." in out
    assert "Unknown console command :nonsense" in out
    assert "never-sent" not in out
    assert (tmp_path / "console.db").exists()


async def test_clock_moves_the_application_clock(tmp_path: Path, settings) -> None:
    stdin = io.StringIO(":clock\n:clock +1d12h\n")
    out = io.StringIO()
    await run_console(settings, stdin=stdin, out=out)
    first, second = [line for line in out.getvalue().splitlines() if line.startswith("Clock:")]
    assert first != second
    # e.g. "Clock: Thu 26 Nov 2026 17:45 GMT": 36 hours later lands on the next-but-one day
    assert second.split()[2] != first.split()[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+3d", timedelta(days=3)),
        ("+1d12h", timedelta(days=1, hours=12)),
        ("90m", timedelta(minutes=90)),
        ("+2w", timedelta(weeks=2)),
    ],
)
def test_clock_steps(text: str, expected: timedelta) -> None:
    assert parse_clock_step(text) == expected


@pytest.mark.parametrize("text", ["", "+", "-1d", "3 days", "+3x", "d3"])
def test_bad_clock_steps(text: str) -> None:
    with pytest.raises(ValueError, match="try"):
        parse_clock_step(text)


async def test_buttons_can_be_pressed_and_replies_sent(app, world, cast) -> None:
    """:press sends a button's callback data as the current person; :reply replies."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

    from console.terminal import ConsoleSession

    async def offer(update, context) -> None:
        keyboard = [[InlineKeyboardButton(x, callback_data=x.lower()) for x in ("Yes", "No")]]
        await update.effective_message.reply_text(
            "Agree?", reply_markup=InlineKeyboardMarkup(keyboard)
        )

    async def answer(update, context) -> None:
        await update.callback_query.answer(
            f"{update.effective_user.first_name} chose {update.callback_query.data}"
        )

    async def echo_reply(update, context) -> None:
        await update.effective_message.reply_text(
            f"replied to {update.effective_message.reply_to_message.message_id}"
        )

    app.handlers[0][:0] = [
        CommandHandler("offer", offer),
        CallbackQueryHandler(answer),
        MessageHandler(filters.REPLY, echo_reply),
    ]
    out = io.StringIO()
    session = ConsoleSession(app, world, cast, out)
    for line in ("/offer", ":as bob", ":press 2", ":press 7", ":reply sure"):
        assert await session.handle(line)
    text = out.getvalue()
    assert "[partners] Accord:\n  Agree?\n  [1] Yes  [2] No" in text
    assert "(Bob presses [No])\n(popup) Bob chose no" in text
    assert "Usage: :press <1-2>" in text
    assert "replied to 2" in text


async def run_lines(app, world, cast, *lines: str) -> str:
    from console.terminal import ConsoleSession

    out = io.StringIO()
    session = ConsoleSession(app, world, cast, out)
    for line in lines:
        assert await session.handle(line)
    return out.getvalue()


async def test_press_any_recent_message_by_number_or_label(app, world, cast) -> None:
    """Two confirmations with buttons: the older one is pressed by its message number."""
    from app.context import services_of
    from domain.model import Status

    text = await run_lines(
        app,
        world,
        cast,
        "/assign me First task",  # message 1, its confirmation message 2
        "/assign me Second task",  # message 3, confirmation 4
        ":press 2 Done",  # the older confirmation, by label
        ":press #4 3",  # the newer one's third button (Snooze 1 week), by number
        ":press 3 1",  # message 3 is Alice's own: no buttons
        ":press Nope",
    )
    assert "[1] Done  [2] Update  [3] Snooze 1 week  (message #2)" in text
    assert "(Alice presses [Done])" in text
    assert "(Alice presses [Snooze 1 week])" in text
    assert "Message #3 here has no buttons. See :recent." in text
    assert "Usage: :press <1-3> or a label (Done, Update, Snooze 1 week)" in text
    register = services_of(app).register
    chat_id = cast.groups["partners"].chat_id
    first, second = await register.actions.in_chat(chat_id, list(Status))
    assert first.status is Status.DONE
    assert second.status is Status.OPEN
    assert second.due is not None  # snoozed a week


async def test_reply_to_any_message_and_list_recent_ones(app, world, cast) -> None:
    """An Update prompt answered after other messages came: :reply #n reaches it."""
    from app.context import services_of
    from domain.model import Status

    text = await run_lines(
        app,
        world,
        cast,
        "/assign me First task",  # 1, confirmation 2
        ":press 2",  # Update: the prompt is message 3
        "/actions",  # 4, listing 5: the prompt is no longer the bot's last message
        ":recent 3",
        ":reply #3 at risk: waiting for figures",
        ":reply #99 hello",
    )
    assert "#3 Accord: Update on #1" in text
    assert "#4 Alice: /actions" in text
    assert "#5 Accord: Open actions" in text
    assert "#2 Accord:" not in text  # only the last three
    assert "Noted on #1 First task — at risk" in text
    assert "There is no message #99 here. See :recent." in text
    [action] = await services_of(app).register.actions.in_chat(
        cast.groups["partners"].chat_id, list(Status)
    )
    assert action.status is Status.AT_RISK


async def test_a_message_of_several_lines(app, world, cast) -> None:
    """A line ending in a backslash goes on: a several-line /assign from the console."""
    text = await run_lines(
        app, world, cast, "/assign \\", "me Draft the bid by Friday \\", "me Book the room"
    )
    assert "Recorded 2 actions:\n  #1 for Alice: Draft the bid — due Fri 27 Nov." in text


async def test_a_zero_clock_step_is_no_error(tmp_path: Path, settings) -> None:
    out = io.StringIO()
    await run_console(settings, stdin=io.StringIO(":clock +0d\n:clock +0m\n"), out=out)
    assert "Traceback" not in out.getvalue()
    assert len([line for line in out.getvalue().splitlines() if line.startswith("Clock:")]) == 2


async def test_an_image_is_saved_and_its_path_shown(app, world, cast, tmp_path) -> None:
    """/progress in the console: the transcript names the PNG file the chart was saved to."""
    from console.terminal import ConsoleSession

    out = io.StringIO()
    session = ConsoleSession(app, world, cast, out, tmp_path / "images")
    for line in ("/assign me Book the venue", "/progress"):
        assert await session.handle(line)
    [path] = re.findall(r"\[image: (.+\.png)\]", out.getvalue())
    assert Path(path).parent == tmp_path / "images"
    assert (await asyncio.to_thread(Path(path).read_bytes)).startswith(b"\x89PNG")
    assert "1 open (0 overdue), 0 done" in out.getvalue()
    # TRIAL12C 10: the register's contents, private as the database is (0600)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "images").st_mode) == 0o700
