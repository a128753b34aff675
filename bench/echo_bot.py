"""The baseline: a bare python-telegram-bot echo bot, PTB's defaults but for concurrency.

Run by the benchmarks as its own process: ``python -m bench.echo_bot`` with
``TELEGRAM_BOT_TOKEN``, ``TELEGRAM_API_BASE_URL`` and ``ECHO_CONCURRENCY`` set.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back."""
    await update.effective_message.reply_text(update.effective_message.text)


def main() -> None:
    """Poll until stopped."""
    application = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .concurrent_updates(int(os.environ.get("ECHO_CONCURRENCY", "16")))
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling()


if __name__ == "__main__":
    main()
