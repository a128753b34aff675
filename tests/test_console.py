"""The local console: a transcript fed through stdin, its output checked."""

from __future__ import annotations

import io
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
    assert "Bob (@bob, id 102)" in out
    # :as bob then :dm: bob's private chat
    assert (
        "bob @ dm:bob> /start\n[dm:bob] Accord:\n  Accord keeps a partnership's work moving" in out
    )
    assert "[dm:bob] Accord:\n  Trust and honesty\n" in out
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
