"""Answer what no other handler took, so a person talking to Accord is never ignored.

PTB runs at most one handler per group, the first that matches: registered last in
group 0, these only see messages and button presses that every feature's handlers
passed over.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from app.context import AccordContext
from handlers.catalogue import catalogue_of
from handlers.common import STALE_BUTTON

UNKNOWN_COMMAND = "I don't know that command. Send /help for the list."
MIN_TYPO_LENGTH = 3  # "/dn" is too far from anything to be sure it meant /done


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

    In a group, a bare ``/command`` may be meant for another bot, unless it is one typo
    from one of Accord's (``/asign``): then "did you mean /assign?" helps more than it
    can disturb.
    """
    message = update.effective_message
    if message is None or message.text is None or update.effective_chat is None:
        return
    command = message.text.split(maxsplit=1)[0].lower()
    name, _, addressee = command[1:].partition("@")
    private = update.effective_chat.type == "private"
    if addressee and addressee != context.bot.username.lower() and not private:
        return  # meant for another bot in the group
    close = one_typo_from(name, [c.name for c in catalogue_of(context.application).all()])
    if close:
        await message.reply_text(did_you_mean(close))
    elif private or addressee:
        await message.reply_text(UNKNOWN_COMMAND)


def one_typo_from(name: str, commands: list[str]) -> list[str]:
    """The commands one edit (a letter added, missed, changed or two swapped) from
    ``name``; none for names too short to tell apart."""
    if len(name) < MIN_TYPO_LENGTH or len(name) > 32:
        return []
    return [command for command in commands if OSA.distance(name, command, score_cutoff=1) <= 1]


def did_you_mean(commands: list[str]) -> str:
    """``Did you mean /assign? …`` for one command, or the choice for several."""
    if len(commands) == 1:
        return f"Did you mean /{commands[0]}? Send /help {commands[0]} for how to use it."
    names = [f"/{command}" for command in commands]
    return f"Did you mean {', '.join(names[:-1])} or {names[-1]}? Send /help for the list."


async def stale_button(update: Update, context: AccordContext) -> None:
    """A button no handler knows (an old keyboard, or forged data): stop the spinner."""
    query = update.callback_query
    if query is not None:
        await query.answer(STALE_BUTTON)
