"""The application's single clock: real time plus an offset the console (or a test) moves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class Clock:
    """Tells the time as an aware UTC datetime; everything that asks "now?" asks this.

    ``advance`` moves this clock (and only it) forward, so schedules driven by it fire
    without anyone waiting for the wall clock.
    """

    def __init__(self, source: Callable[[], datetime] | None = None) -> None:
        self._source = source or (lambda: datetime.now(UTC))
        self._offset = timedelta()

    def now(self) -> datetime:
        """The current time in UTC."""
        return self._source() + self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by ``delta`` (never backwards) and return the new now."""
        if delta < timedelta():
            raise ValueError("the clock only moves forward")
        self._offset += delta
        return self.now()


class FrozenClock(Clock):
    """A clock that stands still at ``start`` until advanced: for tests."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        super().__init__(lambda: start.astimezone(UTC))
