"""A token bucket per person, so one member cannot flood the register with changes.

Each person may make ``burst`` changes at once; their bucket then refills at
``per_minute`` tokens a minute. Time comes from the caller (the application's clock),
so tests move time instead of sleeping. Only people who used a token recently are
remembered: a bucket that has refilled is the same as no bucket and is dropped.

A refusal is told once per wait (:meth:`Throttle.first_refusal`), so refusals cannot
flood a chat either; what else was refused during the wait is kept (a few, clipped) and
told with their next change (:meth:`Throttle.missed`): nothing is refused unsaid.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Hashable
from datetime import datetime, timedelta

# Buckets kept at most; past this the least recently used are forgotten (a fresh burst).
MAX_TRACKED = 50_000
# Refused messages remembered per person to list later, and characters of each.
MISSED_SHOWN = 5
MISSED_CLIP = 60


class Throttle:
    """Per-key token buckets with a shared capacity and refill rate."""

    def __init__(self, burst: int, per_minute: float, max_tracked: int = MAX_TRACKED) -> None:
        if burst < 1 or per_minute <= 0 or max_tracked < 1:
            raise ValueError("burst, per_minute and max_tracked must be positive")
        self.burst = burst
        self.per_second = per_minute / 60
        self.max_tracked = max_tracked
        # key -> (tokens, when they were counted); least recently used first.
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()
        # key -> until when they have been told to wait; least recently told first.
        self._told: OrderedDict[Hashable, float] = OrderedDict()
        # key -> (how many refusals went untold, the first few of them).
        self._missed: dict[Hashable, tuple[int, list[str]]] = {}

    def take(self, key: Hashable, now: datetime, cost: int = 1) -> timedelta | None:
        """Spend ``cost`` of ``key``'s tokens: ``None`` if allowed, else the wait until
        there are enough (nothing is spent then)."""
        moment = now.timestamp()
        self._forget_idle(moment)
        tokens = self._tokens(key, moment)
        if tokens >= cost:
            self._buckets[key] = (tokens - cost, moment)
            self._buckets.move_to_end(key)
            while len(self._buckets) > self.max_tracked:
                self._buckets.popitem(last=False)
            return None
        return timedelta(seconds=(cost - tokens) / self.per_second)

    def wait(self, key: Hashable, now: datetime, cost: int = 1) -> timedelta:
        """How long until ``key`` has ``cost`` tokens (zero if they have them now)."""
        tokens = self._tokens(key, now.timestamp())
        return timedelta(seconds=max(0.0, cost - tokens) / self.per_second)

    def give_back(self, key: Hashable, now: datetime, cost: int = 1) -> None:
        """Return ``cost`` tokens spent on something that changed nothing after all."""
        moment = now.timestamp()
        if key in self._buckets:
            tokens = min(float(self.burst), self._tokens(key, moment) + cost)
            self._buckets[key] = (tokens, moment)

    def first_refusal(self, key: Hashable, now: datetime, wait: timedelta, what: str = "") -> bool:
        """Whether a refusal with ``wait`` should be told: only the first within a wait
        already told is; the others (``what`` was refused) are kept for :meth:`missed`."""
        moment = now.timestamp()
        until = self._told.pop(key, None)
        if until is not None and moment < until:
            self._told[key] = until
            count, shown = self._missed.get(key, (0, []))
            if what and len(shown) < MISSED_SHOWN:
                shown = [*shown, what if len(what) <= MISSED_CLIP else what[:MISSED_CLIP] + "…"]
            self._missed[key] = (count + 1, shown)
            return False
        self._told[key] = moment + wait.total_seconds()
        while len(self._told) > self.max_tracked:
            forgotten, _ = self._told.popitem(last=False)
            self._missed.pop(forgotten, None)
        return True

    def missed(self, key: Hashable) -> tuple[int, list[str]]:
        """How many refusals of ``key``'s went untold since last asked, and the first few
        (then forgotten): told with their next change, so none is refused unsaid."""
        return self._missed.pop(key, (0, []))

    def __len__(self) -> int:
        """How many people are being counted (their buckets are not full)."""
        return len(self._buckets)

    def _tokens(self, key: Hashable, moment: float) -> float:
        stored = self._buckets.get(key)
        if stored is None:
            return float(self.burst)
        tokens, counted = stored
        return min(float(self.burst), tokens + max(0.0, moment - counted) * self.per_second)

    def _forget_idle(self, moment: float) -> None:
        """Drop buckets that have refilled, oldest first (amortised O(1) per call)."""
        while self._buckets:
            key, (tokens, counted) = next(iter(self._buckets.items()))
            if tokens + (moment - counted) * self.per_second < self.burst:
                return
            del self._buckets[key]


def describe_wait(wait: timedelta) -> str:
    """``wait`` rounded up for people: "3 seconds", "2 minutes"."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"
