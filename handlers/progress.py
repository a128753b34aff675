"""/progress: a chart of the register at a glance, with its one-line summary as caption."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import Application

from app.context import AccordContext
from charts.progress import progress_data, render_progress
from domain.model import Status
from formatting.html import escape
from handlers.catalogue import CommandInfo, add_commands
from handlers.common import chat_scope, friendly_errors, group_only, reply

COMMANDS = (
    CommandInfo("progress", "A chart: open, overdue and done by partner, done per week",
                "/progress", in_private=False),
)  # fmt: skip


def register(application: Application) -> None:
    """Add /progress."""
    add_commands(application, (COMMANDS[0], progress))


@group_only("progress")
@friendly_errors
async def progress(update: Update, context: AccordContext) -> None:
    """Send the progress chart; its caption says the same in one line."""
    scope = await chat_scope(update, context)
    now = context.services.clock.now()
    actions = await context.services.register.actions.in_chat(scope.chat_id, list(Status))
    data = progress_data(actions, now, scope.zone)
    if not data.partners:  # an empty chart says nothing the line doesn't
        await reply(update, escape(data.summary()))
        return
    # Off the event loop: drawing takes a few hundred milliseconds.
    png = await asyncio.to_thread(render_progress, data, scope.title)
    message = update.effective_message
    assert message is not None
    await message.reply_photo(png, caption=data.summary(), filename="progress.png")
