"""Run Accord against Telegram: long polling, or a webhook; with /healthz and /metrics.

One path for both modes, in place of ``run_polling``: the Application runs with its
hooks (app/lifecycle.py), the HTTP listener (app/web.py) beside it, and either PTB's
Updater polls or Telegram posts to the listener. SIGINT and SIGTERM stop it cleanly:
the listener stops taking updates, then the queued ones are handled, then it closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
from collections.abc import Awaitable, Callable

from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import Application

from app.context import services_of
from app.lifecycle import running
from app.web import HttpListener
from config.settings import Settings
from handlers import UPDATE_TYPES

logger = logging.getLogger(__name__)

# Polling and the webhook ask for the same updates: those Accord's handlers take.
ALLOWED_UPDATES = list(UPDATE_TYPES)
RETRY_FIRST = 1.0  # seconds before trying Telegram again at start-up, doubling ...
RETRY_MOST = 30.0  # ... up to this


class WebhookRefusedError(Exception):
    """Telegram refused ``setWebhook`` (a URL it cannot reach, say): not worth retrying."""


class ListenError(Exception):
    """The listener's address is taken, or not one this machine has; names the setting.
    ``in_use``: taken, which may pass (the old process still stopping on a restart)."""

    def __init__(self, message: str, in_use: bool = False) -> None:
        super().__init__(message)
        self.in_use = in_use


async def serve(application: Application, settings: Settings) -> None:
    """Run until SIGINT or SIGTERM; Telegram unreachable at start is retried, never fatal."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            loop.add_signal_handler(sig, stop.set)
    services = services_of(application)
    listener = listener_for(application, settings)
    if listener is not None:  # first: a taken address stops start-up before anything else
        await _start(listener, settings)
    try:
        # The database before any Bot API call (getMe, setWebhook): a bad one stops
        # start-up at once, even while Telegram is unreachable. post_init finds it open.
        await services.open()
        if not await _until_done(application.initialize, "Starting", stop):
            return
        async with running(application):
            try:
                if settings.telegram_webhook_url:
                    await _until_done(
                        lambda: set_webhook(application, settings), "setWebhook", stop
                    )
                else:
                    assert application.updater is not None
                    await application.updater.start_polling(
                        allowed_updates=ALLOWED_UPDATES,
                        bootstrap_retries=-1,
                        error_callback=_polling_failed,
                    )
                await stop.wait()
            finally:
                if application.updater is not None and application.updater.running:
                    await application.updater.stop()
                if listener is not None:
                    await listener.stop()  # no more updates; running() handles those queued
    finally:
        if listener is not None:
            await listener.stop()
        # Stopped before getMe succeeded, the Application never initialised, so its
        # shutdown would leave the bot's HTTP sessions open ("Unclosed client session").
        await application.bot.shutdown()
        await services.close()


def _polling_failed(error: TelegramError) -> None:
    """A failed getUpdates: one line naming it (not "while handling a job", which the
    error handlers would say of an update-less error), and polling goes on; PTB waits
    longer after each failure. Counted in the metrics and on /healthz by the transport."""
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        logger.warning("Network error towards Telegram (%s) while polling for updates: %s",
                       type(error).__name__, error)  # fmt: skip
    else:  # a 409 Conflict (another process polls with this token), a refused token...
        logger.error("%s while polling for updates: %s", type(error).__name__, error)


async def _start(listener: HttpListener, settings: Settings) -> None:
    try:
        await listener.start()
    except OSError as error:
        setting = "WEBHOOK_LISTEN" if settings.telegram_webhook_url else "HEALTH_LISTEN"
        raise ListenError(
            f"{setting}: cannot listen on {listener.address}: {error.strerror or error}",
            in_use=error.errno == errno.EADDRINUSE,
        ) from None


def listener_for(application: Application, settings: Settings) -> HttpListener | None:
    """The webhook listener (with /healthz and /metrics), or in polling mode the health
    listener if ``HEALTH_LISTEN`` is set."""
    if settings.telegram_webhook_url:
        if settings.health_listen:
            # INFO, not WARNING: the image and compose set it for polling mode, so a
            # webhook deployment has it through no fault of its own.
            logger.info(
                "HEALTH_LISTEN is not used in webhook mode: /healthz and /metrics are on "
                "WEBHOOK_LISTEN (%s:%s)",
                *settings.webhook_listen,
            )
        host, port = settings.webhook_listen
        return HttpListener(
            application,
            host,
            port,
            webhook_path=settings.webhook_path,
            secret=settings.telegram_webhook_secret,
        )
    if settings.health_listen:
        return HttpListener(application, *settings.health_listen)
    return None


async def set_webhook(application: Application, settings: Settings) -> None:
    """Tell Telegram where to post updates. Pending updates are never dropped: what was
    sent while Accord was down is handled now."""
    try:
        await application.bot.set_webhook(
            url=settings.telegram_webhook_url or "",
            allowed_updates=ALLOWED_UPDATES,
            secret_token=settings.telegram_webhook_secret,
            max_connections=settings.webhook_max_connections,
            drop_pending_updates=False,
        )
    except BadRequest as error:
        raise WebhookRefusedError(str(error)) from None
    logger.info("Webhook set; Telegram posts updates to the listener")


async def _until_done(
    action: Callable[[], Awaitable[object]], what: str, stop: asyncio.Event
) -> bool:
    """Await ``action()`` until it succeeds, waiting longer after each network failure;
    False if ``stop`` was set first."""
    delay = RETRY_FIRST
    while not stop.is_set():
        try:
            await action()
            return True
        except (NetworkError, TimedOut) as error:
            if isinstance(error, BadRequest):  # PTB 22 makes BadRequest a NetworkError
                raise
            logger.warning("%s: Telegram unreachable (%s); retrying in %.0fs", what, error, delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        delay = min(delay * 2, RETRY_MOST)
    return False
