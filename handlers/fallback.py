"""Answer what no other handler took, so a person talking to Accord is never ignored.

PTB runs at most one handler per group, the first that matches: registered last in
group 0, these only see messages that every feature's handlers passed over.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from app.context import AccordContext

UNKNOWN_COMMAND = "I don't know that command. Send /help for the list."


def register(application: Application) -> None:
    """Add the fallbacks; must run after every feature's ``register``."""
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))


async def unknown_command(update: Update, context: AccordContext) -> None:
    """Say a command is unknown: always in private, in groups only if addressed to us.

    In a group, a bare ``/command`` may be meant for another bot.
    """
    message = update.effective_message
    if message is None or message.text is None or update.effective_chat is None:
        return
    command = message.text.split(maxsplit=1)[0].lower()
    addressed = command.endswith(f"@{context.bot.username.lower()}")
    if update.effective_chat.type == "private" or addressed:
        await message.reply_text(UNKNOWN_COMMAND)
