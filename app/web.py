"""Accord's HTTP listener: Telegram's webhook, ``GET /healthz`` and ``GET /metrics``.

Why not python-telegram-bot's own webhook server (``Updater.start_webhook``, its
``webhooks`` extra)? It runs a tornado server that serves only the webhook path, and
/healthz and /metrics must be on the same listener (one port behind the load balancer,
one health check). PTB's ``examples/customwebhookbot/`` shows the supported way out:
your own web server puts ``Update.de_json(...)`` on ``application.update_queue``, and
the Application handles it exactly as a polled update (the per-chat order included).
aiohttp already is a dependency (the Bot API transport), so this adds no library and
no second event-loop framework, where the extra would add tornado.

A webhook request is answered once its update has been handled (200), or with 500 if
it could not be (the database unreachable): "acknowledged" means handled, so an instance
killed mid-update loses nothing acknowledged, and Telegram delivers the unanswered
update again, to whichever instance the load balancer picks. The update goes through
the Application's update processor exactly as a polled one (the per-chat order, and the
database's chat lock and update-id check with several instances: app/exactly_once.py).
Telegram waits for the answer before it sends that chat more. A request without the
right ``X-Telegram-Bot-Api-Secret-Token`` gets 403 and is never read.
"""

from __future__ import annotations

import hmac
import json
import logging
from datetime import datetime

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from app.context import services_of
from app.health import check_health
from app.metrics import CONTENT_TYPE
from app.outage import is_unreachable
from app.refusals import EVERY, RefusalTally

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# An update is a few KB (a 4,096-character message, its entities and the message it
# replies to); anything near this is not from Telegram.
MAX_BODY_BYTES = 256 * 1024


class HttpListener:
    """An aiohttp server on ``host:port``; with ``webhook_path`` and ``secret`` it also
    takes Telegram's updates there (POST), else it serves health and metrics only."""

    def __init__(
        self,
        application: Application,
        host: str,
        port: int,
        *,
        webhook_path: str | None = None,
        secret: str | None = None,
    ) -> None:
        if webhook_path is not None and not secret:
            raise ValueError("a webhook needs its secret token")
        self._application = application
        self._host = host
        self._port = port
        self._secret = (secret or "").encode()
        self._webhook_path = webhook_path
        self._refusals = RefusalTally()
        self._wrong_path_told_at: datetime | None = None
        self._started_at: datetime | None = None
        web_app = web.Application(client_max_size=MAX_BODY_BYTES)
        web_app.router.add_get("/healthz", self._healthz)
        web_app.router.add_get("/metrics", self._metrics)
        if webhook_path is not None:
            web_app.router.add_post(webhook_path, self._webhook)
            # After it, so it gets only what the webhook's path did not match.
            web_app.router.add_post("/{elsewhere:.*}", self._elsewhere)
        # No access log: the request line carries the webhook path, which may be private.
        self._runner = web.AppRunner(web_app, access_log=None)
        self.port: int | None = None

    @property
    def address(self) -> str:
        """``host:port`` as configured."""
        return f"{self._host}:{self._port}"

    async def start(self) -> int:
        """Start listening; return the port (the real one when asked for port 0)."""
        services = services_of(self._application)
        self._started_at = services.clock.now()
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        logger.info("Listening on %s:%s", self._host, self.port)
        return self.port

    async def stop(self) -> None:
        """Stop taking requests (those in flight finish first); idempotent."""
        if self._runner.server is not None:
            await self._runner.cleanup()
            if line := self._refusals.flush(services_of(self._application).clock.now()):
                logger.info("%s", line)

    def _secret_given(self, request: web.Request) -> bool | None:
        """True for the right secret, False for a wrong one, None for none at all."""
        if SECRET_HEADER not in request.headers:
            return None
        given = request.headers[SECRET_HEADER].encode()
        return hmac.compare_digest(given, self._secret)

    async def _webhook(self, request: web.Request) -> web.Response:
        right = self._secret_given(request)
        if not right:
            reason = "no secret" if right is None else "wrong secret"
            services_of(self._application).metrics.webhook_refused.labels(
                reason.replace(" ", "_")
            ).inc()
            now = services_of(self._application).clock.now()
            if line := self._refusals.refused(reason, now):
                logger.info("%s (the latest from %s)", line, _sender(request))
            raise web.HTTPForbidden(text="forbidden")
        if not self._application.running:
            # Starting or stopping: Telegram tries again later, so nothing acknowledged
            # here is lost if start-up fails (the database, say) or the process is ending.
            raise web.HTTPServiceUnavailable(text="starting or stopping")
        body = await request.read()  # over MAX_BODY_BYTES: 413, from aiohttp
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, self._application.bot)
        except Exception as error:  # any malformed body is the sender's fault: 400
            logger.info("Refused a webhook request: not an update (%s)", type(error).__name__)
            raise web.HTTPBadRequest(text="not a Telegram update") from None
        application = self._application
        try:
            await application.update_processor.process_update(
                update, application.process_update(update)
            )
        except Exception as error:
            services = services_of(application)
            services.metrics.updates_failed.inc()
            if is_unreachable(error):
                services.outage.failed(error, services.clock.now())
            else:
                logger.exception("Update %s could not be handled; Telegram will send it again",
                                 update.update_id)  # fmt: skip
            raise web.HTTPInternalServerError(text="not handled") from None
        services_of(application).outage.answered(services_of(application).clock.now())
        return web.Response(text="ok")

    async def _elsewhere(self, request: web.Request) -> web.Response:
        """A POST beside the webhook's path: 404. With the right secret it is Telegram
        (or the proxy) using another path, and every update is lost until the URL or the
        proxy is mended: a WARNING, at most one a minute."""
        if self._secret_given(request):
            services = services_of(self._application)
            services.metrics.webhook_refused.labels("wrong_path").inc()
            now = services.clock.now()
            told = self._wrong_path_told_at
            if told is None or now - told >= EVERY:
                self._wrong_path_told_at = now
                logger.warning(
                    "A webhook request with the right secret came to %s, but the webhook's "
                    "path is %s (from TELEGRAM_WEBHOOK_URL): answered 404, so Telegram's "
                    "updates are not arriving; make the URL and the proxy agree",
                    request.path,
                    self._webhook_path,
                )
        raise web.HTTPNotFound()

    async def _healthz(self, request: web.Request) -> web.Response:
        services = services_of(self._application)
        health = await check_health(services, self._started_at or services.clock.now())
        return web.json_response(health.to_json(), status=200 if health.ok else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        body = services_of(self._application).metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


def _sender(request: web.Request) -> str:
    """The peer's address, and the address a proxy says it forwarded for (which the
    sender may have forged: shown, never trusted)."""
    forwarded = request.headers.get("X-Forwarded-For")
    peer = request.remote or "?"
    return f"{peer}, forwarded for {forwarded}" if forwarded else peer
