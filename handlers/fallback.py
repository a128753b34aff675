"""Answer what no other handler took, so a person talking to Accord is never ignored.

PTB runs at most one handler per group, the first that matches: registered last in
group 0, these only see messages and button presses that every feature's handlers
passed over.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from app.context import AccordContext

UNKNOWN_COMMAND = "I don't know that command. Send /help for the list."
STALE_BUTTON = "This button no longer works."


def register(application: Application) -> None:
    """Add the fallbacks; must run after every feature's ``register``.

    An edited message is not a new command: a known command that ignores edits must
    not be called unknown when someone corrects it.
    """
    application.add_handler(
        MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, unknown_command)
    )
    application.add_handler(CallbackQueryHandler(stale_button))


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


async def stale_button(update: Update, context: AccordContext) -> None:
    """A button no handler knows (an old keyboard, or forged data): stop the spinner."""
    query = update.callback_query
    if query is not None:
        await query.answer(STALE_BUTTON)
