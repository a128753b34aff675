"""Is long polling getting answers? What /healthz says about Telegram in polling mode.

PTB's Updater retries a failed ``getUpdates`` for ever and tells nobody but the error
callback; an operator looking at /healthz should see that Telegram has not answered
for a while, and since when.
"""

from __future__ import annotations

from datetime import datetime

# One failed long poll is routine (a reset connection); two in a row is an outage.
FAILURES_BEFORE_FAILING = 2


class PollingHealth:
    """Counts consecutive failed ``getUpdates`` calls; one answer resets it."""

    def __init__(self) -> None:
        self.failures = 0
        self.first_failure_at: datetime | None = None

    def record(self, answered: bool, now: datetime) -> None:
        """One ``getUpdates`` ended: ``answered`` with 200, or not (no answer, or an error)."""
        if answered:
            self.failures, self.first_failure_at = 0, None
            return
        if self.failures == 0:
            self.first_failure_at = now
        self.failures += 1

    @property
    def failing(self) -> bool:
        """Several polls in a row have failed."""
        return self.failures >= FAILURES_BEFORE_FAILING

    def describe(self) -> str:
        """``ok``, or ``failing since <ISO time>`` (the first failure of the run)."""
        if self.failing and self.first_failure_at is not None:
            return f"failing since {self.first_failure_at.isoformat(timespec='seconds')}"
        return "ok"
