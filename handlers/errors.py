"""The error handler: log the failure with its update, apologise, keep running."""

from __future__ import annotations

import json
import logging

from telegram import Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import Application

from app.context import AccordContext

logger = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong while handling that. Please try again in a moment."


def register(application: Application) -> None:
    """Install the error handler."""
    application.add_error_handler(on_error)


async def on_error(update: object, context: AccordContext) -> None:
    """Log the exception and the update; tell the user briefly, never with a traceback."""
    error = context.error
    described = (
        json.dumps(update.to_dict(), ensure_ascii=False)
        if isinstance(update, Update)
        else repr(update)
    )
    if isinstance(error, NetworkError):
        # Telegram unreachable or slow: the request layer already retried.
        logger.warning("Network error towards Telegram (%s) while handling %s", error, described)
        return
    logger.error("Error while handling update %s", described, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(APOLOGY, show_alert=True)
        else:
            await context.bot.send_message(update.effective_chat.id, APOLOGY)
    except TelegramError as exc:
        logger.warning("Could not send the apology: %s", exc)
