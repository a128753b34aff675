"""Refused webhook requests, told in at most one log line a minute.

Anyone can POST to a public webhook URL: a line per forged request would let a stranger
fill the log (1,000 requests, 1,000 lines). The first refusal is told at once; those
after it are counted by reason and told together once a minute has passed.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

EVERY = timedelta(minutes=1)


class RefusalTally:
    """Counts refusals by reason; hands back a line to log at most once per ``every``."""

    def __init__(self, every: timedelta = EVERY) -> None:
        self.every = every
        self._counts: Counter[str] = Counter()
        self._since: datetime | None = None  # the first refusal not yet told
        self._told_at: datetime | None = None

    def refused(self, reason: str, now: datetime) -> str | None:
        """Count one refusal; the line to log if a minute has passed since the last one."""
        self._counts[reason] += 1
        if self._since is None:
            self._since = now
        if self._told_at is not None and now - self._told_at < self.every:
            return None
        return self._line(now)

    def flush(self, now: datetime) -> str | None:
        """The line for the refusals not told yet (at stop), if any."""
        return self._line(now) if self._counts else None

    def _line(self, now: datetime) -> str:
        total = sum(self._counts.values())
        reasons = ", ".join(f"{count} {reason}" for reason, count in self._counts.most_common())
        assert self._since is not None
        when = (
            "in the last minute"
            if now - self._since <= self.every
            else f"since {self._since.isoformat(timespec='seconds')}"
        )
        self._counts.clear()
        self._since, self._told_at = None, now
        plural = "" if total == 1 else "s"
        return f"Refused {total} webhook request{plural} {when}: {reasons}"
