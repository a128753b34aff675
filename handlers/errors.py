"""The error handler: log the failure by its ids, apologise, keep running.

Logs at INFO and above name updates, chats and users by id only: what people write and
who they are stays out of them (DEBUG adds the whole update and the exception's text).
"""

from __future__ import annotations

import json
import logging
import traceback

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import Application

from app.context import AccordContext
from app.outage import is_unreachable

logger = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong while handling that. Please try again in a moment."


def register(application: Application) -> None:
    """Install the error handler."""
    application.add_error_handler(on_error)


def describe_update(update: object) -> str:
    """``update 12 in chat -100… from user 101``: ids only, no text, no names."""
    if not isinstance(update, Update):
        return "a job" if update is None else type(update).__name__
    parts = [f"update {update.update_id}"]
    if update.effective_chat is not None:
        parts.append(f"in chat {update.effective_chat.id}")
    if update.effective_user is not None:
        parts.append(f"from user {update.effective_user.id}")
    return " ".join(parts)


def frames(error: BaseException) -> str:
    """The traceback without the exception's message, which may quote what was typed."""
    return "".join(traceback.format_tb(error.__traceback__)).rstrip()


async def on_error(update: object, context: AccordContext) -> None:
    """Log the exception by ids; tell the user briefly, never with a traceback."""
    error = context.error
    where = describe_update(update)
    if isinstance(update, Update):
        logger.debug("The update: %s", json.dumps(update.to_dict(), ensure_ascii=False))
    if error is None:
        return
    logger.debug("The error while handling %s", where, exc_info=error)
    if isinstance(update, Update):
        context.services.metrics.updates_failed.inc()
    # PTB 22 makes BadRequest a NetworkError: Telegram refused what we sent (a bug here).
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        # Telegram unreachable or slow: the request layer already retried.
        logger.warning("Network error towards Telegram (%s) while handling %s",
                       type(error).__name__, where)  # fmt: skip
        return
    if isinstance(error, Forbidden):
        # Removed from the group or blocked while answering: expected, and nobody to tell.
        logger.info("Telegram refused the answer to %s (%s): Accord was removed or blocked",
                    where, type(error).__name__)  # fmt: skip
        return
    if is_unreachable(error):  # the database: one line per outage, not one per failure
        outage = context.services.outage
        outage.failed(error, context.services.clock.now())
        if not outage.webhook and isinstance(update, Update):
            # Polling fetched it, so Telegram will not send it again: name what is lost.
            logger.warning(
                "%s was not handled: the database is not answering; polling does not "
                "redeliver it, the sender was asked to try again",
                where.capitalize(),
            )
    else:
        logger.error("%s while handling %s\n%s", type(error).__name__, where, frames(error))
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(APOLOGY, show_alert=True)
        else:
            await context.bot.send_message(update.effective_chat.id, APOLOGY)
    except TelegramError as exc:
        logger.warning("Could not send the apology for %s: %s", where, type(exc).__name__)
