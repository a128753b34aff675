"""Accord's Prometheus metrics, served at ``GET /metrics``.

Each Application has its own :class:`Metrics` with its own ``CollectorRegistry`` (not
the library's global one), so two Applications in one process (the tests) never share
counters. The transport, the update processor and the nudge engine record into it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from telegram import Update

if TYPE_CHECKING:
    from nudges.engine import TickReport

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Handlers answer in milliseconds; a flood wait or a slow Telegram takes seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# A tick is quick when nothing is due; a digest to 1,000 groups at 30/s takes ~35 s.
TICK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0)
# Bot API methods that put a message in a chat (or change one): "replies sent".
_SENDING_PREFIXES = ("send", "edit", "copyMessage", "forwardMessage")
# The labels shown at 0 from the start: the updates Accord asks for (handlers.UPDATE_TYPES,
# not imported: handlers import the application) and the methods its replies use.
UPDATE_KINDS = ("message", "edited_message", "callback_query", "my_chat_member", "chat_member")
REPLY_METHODS = (
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "editMessageText",
    "editMessageReplyMarkup",
)


class Metrics:
    """The collectors of one Application."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter(
            "accord_updates",
            "Updates handled, by type (message, callback_query, my_chat_member, ...)",
            ["type"],
            registry=self.registry,
        )
        self.handler_seconds = Histogram(
            "accord_handler_seconds",
            "Time handling one update took, from its turn starting to its last reply",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.replies = Counter(
            "accord_replies_sent",
            "Messages sent or edited through the Bot API (replies and nudges), by method",
            ["method"],
            registry=self.registry,
        )
        self.api_errors = Counter(
            "accord_bot_api_errors",
            "Bot API calls that failed, by HTTP status (Telegram's error code) or "
            "'network'/'timeout'; every attempt counts, retries and getUpdates included",
            ["code"],
            registry=self.registry,
        )
        self.flood_waits = Counter(
            "accord_flood_waits",
            "429 answers (Too Many Requests): each is a wait before that request goes again",
            registry=self.registry,
        )
        self.flood_wait_seconds = Counter(
            "accord_flood_wait_seconds",
            "Seconds Telegram asked Accord to wait, summed over the 429 answers",
            registry=self.registry,
        )
        self.webhook_refused = Counter(
            "accord_webhook_refused",
            "Webhook requests refused: no_secret, wrong_secret (403), or wrong_path (the "
            "right secret on a path that is not the webhook's: 404, a set-up mistake)",
            ["reason"],
            registry=self.registry,
        )
        self.nudges = Counter(
            "accord_nudges",
            "Nudges by outcome: sent (late ones included), late, skipped (too late), "
            "failed (tried again later)",
            ["outcome"],
            registry=self.registry,
        )
        self.tick_seconds = Histogram(
            "accord_tick_seconds",
            "Time one nudge tick took",
            buckets=TICK_BUCKETS,
            registry=self.registry,
        )
        self.ticks_failed = Counter(
            "accord_ticks_failed",
            "Nudge ticks that failed (the database not answering, say); not in tick_seconds",
            registry=self.registry,
        )
        self.database_errors = Counter(
            "accord_database_errors",
            "Updates and ticks that failed because the database did not answer",
            registry=self.registry,
        )
        self.updates_failed = Counter(
            "accord_updates_failed",
            "Updates whose handling failed (a handler's error, the database not answering); "
            "the sender was asked to try again, or Telegram sends a webhook update again",
            registry=self.registry,
        )
        # Present at 0 from the start, so an alert rule or a rate() finds each series.
        for kind in UPDATE_KINDS:
            self.updates.labels(kind)
        for method in REPLY_METHODS:
            self.replies.labels(method)
        for outcome in ("sent", "late", "skipped", "failed"):
            self.nudges.labels(outcome)  # present at 0 before the first nudge
        for kind in ("network", "timeout"):
            self.api_errors.labels(kind)  # present at 0: an alert rule finds the series
        for reason in ("no_secret", "wrong_secret", "wrong_path"):
            self.webhook_refused.labels(reason)

    # --- the update processor ------------------------------------------------------------

    def update_handled(self, update: object, seconds: float) -> None:
        """One update was handled in ``seconds``."""
        self.updates.labels(update_type(update)).inc()
        self.handler_seconds.observe(seconds)

    # --- the transport ---------------------------------------------------------------------

    def api_answered(self, method: str, code: int, retry_after: float | None = None) -> None:
        """Telegram answered ``method`` with HTTP ``code`` (``retry_after`` for a 429)."""
        if code == 200:
            if method.startswith(_SENDING_PREFIXES):
                self.replies.labels(method).inc()
            return
        self.api_errors.labels(str(code)).inc()
        if code == 429:
            self.flood_waits.inc()
            if retry_after:
                self.flood_wait_seconds.inc(retry_after)

    def api_unreachable(self, kind: str) -> None:
        """A call got no answer: ``kind`` is ``network`` or ``timeout``."""
        self.api_errors.labels(kind).inc()

    # --- the nudge engine --------------------------------------------------------------

    def tick_done(self, report: TickReport, seconds: float) -> None:
        """One tick finished, having done what ``report`` says."""
        for outcome in ("sent", "late", "skipped", "failed"):
            if count := getattr(report, outcome):
                self.nudges.labels(outcome).inc(count)
        self.tick_seconds.observe(seconds)

    def tick_failed(self) -> None:
        """One tick raised before it finished."""
        self.ticks_failed.inc()

    # --- exposition ------------------------------------------------------------------------

    def exposition(self) -> bytes:
        """Everything, in Prometheus' text format."""
        return generate_latest(self.registry)


def update_type(update: object) -> str:
    """The kind of an update: the name of its one payload field (``message``, ...)."""
    if isinstance(update, Update):
        for name in Update.ALL_TYPES:
            if getattr(update, name, None) is not None:
                return str(name)
        return "other"
    return type(update).__name__.lower()
