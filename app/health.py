"""``/healthz``: is the database answering, and is the nudge tick still running?"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.services import Services
from handlers.nudges import TICK_SECONDS

# Three missed ticks in a row: the job queue or the event loop is stuck, not just busy.
TICK_STALE_AFTER = timedelta(seconds=3 * TICK_SECONDS)
PING_TIMEOUT = 2.0  # seconds: a database that takes longer is not answering


@dataclass(frozen=True)
class Health:
    """The answer /healthz gives."""

    database: bool
    last_tick: datetime | None
    tick_recent: bool

    @property
    def ok(self) -> bool:
        """Healthy: the database answers and the last tick is recent."""
        return self.database and self.tick_recent

    def to_json(self) -> dict[str, object]:
        """A short JSON body: enough for an operator to see which part failed."""
        return {
            "status": "ok" if self.ok else "unhealthy",
            "database": "ok" if self.database else "not answering",
            "tick": "ok" if self.tick_recent else "stale",
            "last_tick": self.last_tick.isoformat() if self.last_tick else None,
        }


async def check_health(services: Services, started_at: datetime) -> Health:
    """The database answers ``SELECT 1`` and a tick ran within three tick intervals
    (of ``started_at`` before the first tick), both by the application's clock."""
    now = services.clock.now()
    try:
        database = await asyncio.wait_for(services.database.ping(), PING_TIMEOUT)
    except (RuntimeError, TimeoutError):  # RuntimeError: the database is not open
        database = False
    try:
        last_tick = services.nudges.last_tick_at
    except RuntimeError:
        last_tick = None
    recent = now - (last_tick or started_at) <= TICK_STALE_AFTER
    return Health(database, last_tick, recent)
