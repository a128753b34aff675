"""Run an Application without polling, with the same start/stop hooks as ``run_polling``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update
from telegram.ext import Application


@asynccontextmanager
async def running(application: Application) -> AsyncIterator[Application]:
    """Initialise, run ``post_init``, start; on exit stop and shut down with their hooks.

    For the console and tests, which feed updates themselves instead of polling.
    """
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        try:
            yield application
        finally:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


async def feed(application: Application, update_json: dict) -> Update:
    """Process one update given as Bot API JSON, as if it had been polled; return it."""
    update = Update.de_json(update_json, application.bot)
    await application.process_update(update)
    return update
