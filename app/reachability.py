"""Is Telegram answering? What /healthz says about Telegram, in both modes.

PTB's Updater retries a failed ``getUpdates`` for ever, and start-up retries ``getMe``
and ``setWebhook``, telling nobody but the log; an operator looking at /healthz should
see that Telegram has not answered for a while, and since when, and the log should say
when it answers again.
"""

from __future__ import annotations

import logging
from datetime import datetime

logger = logging.getLogger(__name__)

# One failed long poll is routine (a reset connection); two in a row is an outage.
FAILURES_BEFORE_FAILING = 2


class TelegramHealth:
    """Counts consecutive failed Bot API calls; one answer resets it. Remembers whether
    Telegram has answered at all since start: until it has, nothing can run (the tick
    starts after ``getMe``), so /healthz says "starting", not "stale"."""

    def __init__(self) -> None:
        self.failures = 0
        self.first_failure_at: datetime | None = None
        self.connected_at: datetime | None = None  # Telegram's first answer this run

    def record(self, answered: bool, now: datetime) -> None:
        """One Bot API call ended: ``answered`` (Telegram itself replied), or not (no
        answer, a timeout, or a 5xx from a proxy in front of it)."""
        if answered:
            if self.first_failure_at is not None and (self.failing or self.connected_at is None):
                seconds = (now - self.first_failure_at).total_seconds()
                logger.info("Telegram answers again after %.0f s", seconds)
            if self.connected_at is None:
                self.connected_at = now
            self.failures, self.first_failure_at = 0, None
            return
        if self.failures == 0:
            self.first_failure_at = now
        self.failures += 1

    @property
    def connected(self) -> bool:
        """Telegram has answered at least once since start."""
        return self.connected_at is not None

    @property
    def failing(self) -> bool:
        """Several calls in a row have failed, or any before Telegram first answered."""
        if self.connected_at is None:
            return self.failures > 0
        return self.failures >= FAILURES_BEFORE_FAILING

    def describe(self) -> str:
        """``ok``; ``failing since <ISO time>``; or ``connecting`` before the first call
        has ended."""
        if self.failing and self.first_failure_at is not None:
            return f"failing since {self.first_failure_at.isoformat(timespec='seconds')}"
        return "ok" if self.connected else "connecting"
