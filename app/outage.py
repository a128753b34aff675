"""The database unreachable: one log line when it starts, one when it ends.

While PostgreSQL is down (a restart, a failover) every tick and every update fails the
same way; a traceback for each says nothing the first line did not.
"""

from __future__ import annotations

import errno
import logging
import socket
from datetime import datetime
from typing import TYPE_CHECKING

import asyncpg

if TYPE_CHECKING:
    from app.metrics import Metrics

logger = logging.getLogger(__name__)

# What "the database is not answering" looks like: the connection refused or lost, or
# the server starting up or shutting down. A refused query (a bug) is not among them.
_UNREACHABLE = (
    ConnectionError,
    socket.gaierror,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
)

_NETWORK_ERRNOS = frozenset(
    {errno.ECONNREFUSED, errno.ECONNRESET, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT}
)


def is_unreachable(error: BaseException) -> bool:
    """The database did not answer (rather than refused what was asked)."""
    if isinstance(error, OSError) and error.errno in _NETWORK_ERRNOS:
        return True  # asyncio's "Connect call failed" is a plain OSError
    return isinstance(error, _UNREACHABLE)


class DatabaseOutage:
    """Remembers since when the database has not answered; logs the start and the end."""

    def __init__(self, *, webhook: bool = False, metrics: Metrics | None = None) -> None:
        self.since: datetime | None = None
        self._metrics = metrics  # every failure counts there, logged or not
        # Telegram redelivers a webhook update answered 500; a polled update, once
        # fetched, is never fetched again.
        self.webhook = webhook

    def failed(self, error: BaseException, now: datetime) -> None:
        """Something failed for want of the database: one WARNING per outage."""
        if self._metrics is not None:
            self._metrics.database_errors.inc()
        if self.since is None:
            self.since = now
            logger.warning(
                "The database is not answering (%s: %s); updates and ticks fail until it "
                "does (%s); one line when it answers",
                type(error).__name__,
                " ".join(str(error).split()) or "no detail",
                "Telegram sends webhook updates again"
                if self.webhook
                else "polling does not redeliver updates: each failed one gets a line naming it, "
                "and its sender asked to try again",
            )

    def answered(self, now: datetime) -> None:
        """Something used the database successfully: the outage, if any, is over."""
        if self.since is not None:
            seconds = (now - self.since).total_seconds()
            self.since = None
            logger.warning("The database answers again (not answering for %.0fs)", seconds)
