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
# orchestrator sees 503 "starting" until the database is open, Telegram has answered
# once (the tick cannot run before getMe does) and the first tick ran.
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
    # "ok", "connecting" or "failing since <time>". Not part of ``ok`` once Telegram has
    # answered: restarting Accord cannot mend Telegram, so an orchestrator must not be
    # told to. Before its first answer Accord is still starting.
    telegram: str | None = None
    connected: bool = True  # Telegram has answered since start

    @property
    def ok(self) -> bool:
        """Healthy: the database answers and the last tick is recent."""
        return self.database == OK and self.tick == OK and self.connected

    @property
    def status(self) -> str:
        """The status word: ok; starting while only start-up is missing; else unhealthy."""
        if self.ok and self.connected:
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


async def check_health(services: Services, started_at: datetime) -> Health:
    """The database answers ``SELECT 1`` and a tick ran within three tick intervals, by
    the application's clock. Before the database is opened, before Telegram first
    answers, or before the first tick within three intervals of ``started_at`` (or of
    Telegram's first answer, if later), it is starting; after that, stale. Says too
    whether Telegram is answering."""
    reachability = services.telegram
    telegram, connected = reachability.describe(), reachability.connected
    if not services.is_open:
        return Health(NOT_OPENED, NONE_YET, None, telegram, connected)
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
    if reachability.connected_at is None:  # the tick starts once getMe has answered
        return Health(database, NONE_YET, last_tick, telegram, connected)
    since = last_tick or max(started_at, reachability.connected_at)
    late = now - since > TICK_STALE_AFTER
    tick = STALE if late else OK if last_tick is not None else NONE_YET
    return Health(database, tick, last_tick, telegram, connected)
