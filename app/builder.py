"""``build_application``: the one place where Accord's Application is assembled."""

from __future__ import annotations

import gc
import logging
from functools import partial

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from app.clock import Clock
from app.context import SERVICES_KEY, AccordContext, services_of
from app.exactly_once import UpdateLedger
from app.metrics import Metrics
from app.processor import PerChatUpdateProcessor
from app.ratelimit import FanOutRateLimiter
from app.services import Services
from app.transport import RETRYABLE_STATUS, AiohttpRequest, RetryingRequest
from config.settings import Settings
from handlers import register_all
from handlers.catalogue import publish_commands
from handlers.nudges import schedule_tick, tick_at_start
from handlers.remote import member_of

logger = logging.getLogger(__name__)

# Updates handled at once (different chats), and as many pooled connections. Chosen with
# bench/throughput.py: with aiohttp, CPU per reply stays flat as this grows (httpx's rose
# threefold from 16 to 64), and 64 gives ~1,000 replies/s at 50 ms of Bot API latency.
MAX_WORKING_UPDATES = 64
# A well-formed placeholder for runs that never reach Telegram (the local console).
OFFLINE_TOKEN = "1000000001:offline-console-token-not-a-real-secret"


def default_request(pool_size: int = MAX_WORKING_UPDATES) -> BaseRequest:
    """The HTTP transport for Bot API calls other than ``getUpdates``."""
    return AiohttpRequest(pool_size)


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    scheduled_jobs: bool = True,
    exactly_once: bool = False,
) -> Application:
    """Build the Application with every handler registered; the database opens in post_init.

    ``request``/``get_updates_request`` replace the HTTP transports (the console and the
    offline tests answer Bot API calls in memory). ``scheduled_jobs=False`` builds it
    without a JobQueue, so nothing ticks in the background: tests and benchmarks call
    ``run_tick`` themselves at the times they choose. ``exactly_once`` puts each update
    through app/exactly_once.py (the chat's lock in the database, its update id checked
    and recorded): for Telegram, whose update ids are unique per bot; the console and
    the offline tests number theirs afresh each run.
    """
    metrics = Metrics()
    services = Services(settings, clock or Clock(), metrics)
    processor = PerChatUpdateProcessor(MAX_WORKING_UPDATES, metrics)
    if exactly_once:
        processor.gate = UpdateLedger(services)
    builder = ApplicationBuilder()
    if not scheduled_jobs:
        builder = builder.job_queue(None)  # type: ignore[arg-type]  # PTB documents None
    application = (
        builder.token(settings.telegram_bot_token or OFFLINE_TOKEN)
        .base_url(settings.telegram_api_base_url)
        .request(
            RetryingRequest(
                request or default_request(),
                metrics=metrics,
                # getMe and setWebhook at start-up, then every send: show on /healthz
                # whether Telegram answers (app/reachability.py); a 4xx is an answer.
                outcome=lambda answered: services.telegram.record(answered, services.clock.now()),
                answered=lambda code: code not in RETRYABLE_STATUS,
            )
        )
        # Wrapped too, though never retried here (PTB's polling loop retries it): its
        # failures count in the metrics and show on /healthz (app/reachability.py).
        .get_updates_request(
            RetryingRequest(
                get_updates_request or AiohttpRequest(pool_size=1),
                metrics=metrics,
                outcome=lambda answered: services.telegram.record(answered, services.clock.now()),
            )
        )
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                tzinfo=settings.zone,
            )
        )
        .concurrent_updates(processor)
        .rate_limiter(FanOutRateLimiter())
        .context_types(ContextTypes(context=AccordContext))
        .post_init(_open_services_and_tick if scheduled_jobs else _open_services)
        .post_shutdown(_close_services)
        .build()
    )
    application.bot_data[SERVICES_KEY] = services
    register_all(application)
    if scheduled_jobs:
        assert application.job_queue is not None  # the job-queue extra is a dependency
        schedule_tick(application.job_queue)
    return application


async def _member_here(application: Application, chat_id: int, user_id: int) -> bool | None:
    """Ask Telegram whether ``user_id`` is in ``chat_id``; a member counts as seen there,
    so they are not asked about again."""
    found = await member_of(application.bot, chat_id, user_id)
    if found:
        services = services_of(application)
        await services.people.seen_in(chat_id, user_id, services.clock.now())
    return found


async def _open_services_and_tick(application: Application) -> None:
    """Open the services, then have the tick run as soon as the application starts."""
    await _open_services(application)
    assert application.job_queue is not None
    tick_at_start(application.job_queue)


async def _open_services(application: Application) -> None:
    """Open the database, then publish the command menus (a failure there is not fatal)."""
    await services_of(application).open()
    services = services_of(application)
    services.register.own_username = application.bot.username
    services.register.membership = partial(_member_here, application)
    settle_heap()
    try:
        await publish_commands(application)
    except TelegramError as exc:
        logger.warning("Could not register the command menus with Telegram: %s", exc)


def settle_heap() -> None:
    """Move what start-up loaded (knowledge base, date data, libraries) out of the
    garbage collector's sight: a full collection then scans only what handling
    creates, instead of stalling every chat for ~100 ms (bench/adversarial.py)."""
    gc.collect()
    gc.freeze()


async def _close_services(application: Application) -> None:
    """Close the database."""
    await services_of(application).close()
