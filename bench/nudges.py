"""Nudge fan-out and scheduling: one tick sending digests to 1,000 chats against an
in-memory Bot API that enforces 30 messages a second (as Telegram does), as a ratio to
the floor of 1,000 / 30 s; and finding the due nudges among 100,000 schedules.

Run: ``make bench`` or ``.venv/bin/python -m bench.nudges [--chats N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.builder import build_application
from app.clock import FrozenClock
from app.context import services_of
from app.lifecycle import running
from config.settings import load_settings
from domain.model import Actor, ChatScope, OwnerRef
from domain.schedule import DEFAULT_DIGEST
from handlers.nudges import run_tick
from localapi.request import WorldRequest
from localapi.world import BotApiError, World
from register.parsing import AssignRequest
from storage.database import Database
from storage.nudges import ScheduleRepository, StoredSchedule

TELEGRAM_RATE = 30.0
TARGET_RATIO = 1.1
TARGET_DUE_MS = 10.0
MONDAY_0900 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FloodControlledWorld(World):
    """Answers ``sendMessage`` with 429 RetryAfter beyond 30 a second (a token bucket)."""

    def __init__(self) -> None:
        super().__init__(queue_updates=False)
        self.tokens = TELEGRAM_RATE
        self.refilled = time.monotonic()
        self.refused = 0

    def call(self, method: str, params: dict) -> tuple[int, dict]:
        if method == "sendMessage":
            now = time.monotonic()
            self.tokens = min(TELEGRAM_RATE, self.tokens + (now - self.refilled) * TELEGRAM_RATE)
            self.refilled = now
            if self.tokens < 1:
                self.refused += 1
                self.fail_next(method, BotApiError(429, "Too Many Requests: retry after 1",
                                                   {"retry_after": 1}))  # fmt: skip
            else:
                self.tokens -= 1
        return super().call(method, params)


async def fan_out(chats: int) -> tuple[float, int, int]:
    """Seconds for one tick to send ``chats`` digests; digests delivered; 429s seen."""
    with tempfile.TemporaryDirectory() as scratch:
        settings = load_settings({"DATABASE_PATH": str(Path(scratch) / "fan.db")}, env_file=None)
        world = FloodControlledWorld()
        clock = FrozenClock(MONDAY_0900 - timedelta(hours=1))
        request = WorldRequest(world)
        application = build_application(
            settings,
            clock=clock,
            request=request,
            get_updates_request=request,
            scheduled_jobs=False,
        )
        async with running(application):
            services = services_of(application)
            now = clock.now()
            for n in range(chats):
                person = world.add_person(30_000 + n, f"Owner{n}", f"owner{n:05d}")
                chat = world.add_group(-1004000000000 - n, f"Partnership {n}", creator=person)
                chat.members[world.bot.user_id] = "member"
                await services.chats.record(chat.chat_id, "supergroup", chat.title, now)
                await services.people.record(
                    person.user_id, person.username, person.first_name, now
                )
                await services.nudges.chat_seen(chat.chat_id, now)
                scope = ChatScope(chat.chat_id, chat.title or "", services.settings.zone)
                request_ = AssignRequest(OwnerRef(is_me=True), f"Action {n}", "by friday")
                await services.register.assign(
                    scope, Actor(person.user_id, person.first_name, True), request_, now
                )
            clock.advance(MONDAY_0900 - clock.now())
            started = time.perf_counter()
            await run_tick(application)
            elapsed = time.perf_counter() - started
        delivered = sum(1 for m in world.bot_messages() if m.text.startswith("Digest"))
        return elapsed, delivered, world.refused


async def due_lookup(rows: int = 100_000, rounds: int = 50) -> float:
    """Median milliseconds to find what is due among ``rows`` schedules."""
    with tempfile.TemporaryDirectory() as scratch:
        database = await Database.open(Path(scratch) / "due.db")
        async with database.transaction() as tx:
            await tx.executemany(
                "INSERT INTO chats (chat_id, type, title, created_at, updated_at)"
                " VALUES (?, 'supergroup', 't', '2026-01-01', '2026-01-01')",
                [(-n,) for n in range(1, rows + 1)],
            )
        repository = ScheduleRepository(database)
        week = timedelta(days=7)
        await repository.ensure(
            [
                StoredSchedule(-n, DEFAULT_DIGEST, None, MONDAY_0900 + week * (n / rows))
                for n in range(1, rows + 1)
            ]
        )
        timings = []
        now = MONDAY_0900 + timedelta(minutes=1)
        for _ in range(rounds):
            started = time.perf_counter()
            due = await repository.due(now)
            timings.append((time.perf_counter() - started) * 1000)
        await database.close()
        assert due, "some schedules should be due"
        return statistics.median(timings)


async def main() -> None:
    """Print the fan-out ratio and the due-lookup time."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=1000)
    arguments = parser.parse_args()
    floor = arguments.chats / TELEGRAM_RATE
    elapsed, delivered, refused = await fan_out(arguments.chats)
    print(
        f"one tick, {arguments.chats} digests at ≤ {TELEGRAM_RATE:.0f} messages/s: "
        f"{elapsed:.1f} s, "
        f"{elapsed / floor:.2f}× the floor of {floor:.1f} s (target ≤ {TARGET_RATIO}×); "
        f"delivered {delivered}/{arguments.chats}, 429s answered {refused}"
    )
    median = await due_lookup()
    print(
        f"finding due nudges among 100,000 schedules: {median:.2f} ms (target ≤ {TARGET_DUE_MS} ms)"
    )


if __name__ == "__main__":
    asyncio.run(main())
