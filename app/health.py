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

# What each part reports. "not opened" and "none yet" are start-up, not failure: an
# orchestrator sees 503 "starting" until the database is open and the first tick ran.
OK = "ok"
NOT_OPENED = "not opened"
NOT_ANSWERING = "not answering"
NONE_YET = "none yet"
STALE = "stale"


@dataclass(frozen=True)
class Health:
    """The answer /healthz gives."""

    database: str  # OK, NOT_OPENED or NOT_ANSWERING
    tick: str  # OK, NONE_YET or STALE
    last_tick: datetime | None
    # Polling mode only: "ok" or "failing since <time>". Not part of ``ok``: restarting
    # Accord cannot mend Telegram, so an orchestrator must not be told to.
    telegram: str | None = None

    @property
    def ok(self) -> bool:
        """Healthy: the database answers and the last tick is recent."""
        return self.database == OK and self.tick == OK

    @property
    def status(self) -> str:
        """The status word: ok; starting while only start-up is missing; else unhealthy."""
        if self.ok:
            return "ok"
        if self.database in (OK, NOT_OPENED) and self.tick in (OK, NONE_YET):
            return "starting"
        return "unhealthy"

    def to_json(self) -> dict[str, object]:
        """A short JSON body: enough for an operator to see which part failed."""
        body: dict[str, object] = {
            "status": self.status,
            "database": self.database,
            "tick": self.tick,
            "last_tick": self.last_tick.isoformat() if self.last_tick else None,
        }
        if self.telegram is not None:
            body["telegram"] = self.telegram
        return body


async def check_health(
    services: Services, started_at: datetime, *, polling: bool = False
) -> Health:
    """The database answers ``SELECT 1`` and a tick ran within three tick intervals, by
    the application's clock. Before the database is opened, or before the first tick
    within three intervals of ``started_at``, it is starting; after that, stale.
    ``polling``: say too whether ``getUpdates`` is getting answers."""
    telegram = services.polling.describe() if polling else None
    if not services.is_open:
        return Health(NOT_OPENED, NONE_YET, None, telegram)
    now = services.clock.now()
    try:
        answered = await asyncio.wait_for(services.database.ping(), PING_TIMEOUT)
    except (RuntimeError, TimeoutError):  # RuntimeError: the connection was closed
        answered = False
    database = OK if answered else NOT_ANSWERING
    try:
        last_tick = services.nudges.last_tick_at
    except RuntimeError:
        last_tick = None
    late = now - (last_tick or started_at) > TICK_STALE_AFTER
    tick = STALE if late else OK if last_tick is not None else NONE_YET
    return Health(database, tick, last_tick, telegram)
