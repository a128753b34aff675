"""Drive a bot process through the fake Bot API server and measure it from outside.

A bot runs as its own process (its real HTTP transport included) against
``localapi.server`` on 127.0.0.1; the harness counts replies and reads the process's
CPU time from /proc, so the server's own work is not charged to the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from localapi.server import FakeBotApiServer, wait_until
from localapi.world import Person, World

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


@dataclass
class Measurement:
    """Replies delivered in a window, the wall time and the bot's CPU time it took."""

    replies: int
    seconds: float
    cpu_seconds: float

    @property
    def replies_per_second(self) -> float:
        """Throughput."""
        return self.replies / self.seconds

    @property
    def cpu_ms_per_reply(self) -> float:
        """Hosting cost."""
        return 1000 * self.cpu_seconds / self.replies


@dataclass
class BotUnderTest:
    """A bot process, its world and its server."""

    world: World
    server: FakeBotApiServer
    process: asyncio.subprocess.Process

    async def measure(self, send: Callable[[], int], limit: float = 300) -> Measurement:
        """Call ``send`` (it queues updates, returns the replies to expect) and time them."""
        before = len(self.world.bot_messages())
        cpu_before = cpu_seconds(self.process.pid)
        started = time.perf_counter()
        expected = send()
        await wait_until(lambda: len(self.world.bot_messages()) - before >= expected, limit)
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds(self.process.pid) - cpu_before
        return Measurement(expected, elapsed, cpu)


def private_people(world: World, count: int) -> list[Person]:
    """``count`` people who have each opened a private chat with the bot."""
    people = [world.add_person(10_000 + n, f"User{n}", f"user{n:04d}") for n in range(count)]
    for person in people:
        world.private_chat(person)
    return people


@asynccontextmanager
async def bot_under_test(
    world: World, command: list[str], ready: Callable[[World], bool], latency: float, **env: str
) -> AsyncIterator[BotUnderTest]:
    """Start the server and the bot process; yield once ``ready`` says the bot is polling."""
    server = FakeBotApiServer(world, token=TOKEN, latency=latency)
    await server.start()
    with tempfile.TemporaryDirectory() as scratch:
        environment = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": server.base_url,
            "DATABASE_PATH": str(Path(scratch) / "bench.sqlite3"),
            "LOG_LEVEL": "WARNING",
            **env,
        }
        process = await asyncio.create_subprocess_exec(
            *command, cwd=ROOT, env=environment, stdin=asyncio.subprocess.DEVNULL
        )
        try:
            await wait_until(lambda: ready(world), 60)
            yield BotUnderTest(world, server, process)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 60)
            await server.stop()


def accord_command() -> list[str]:
    """Accord, as ``make run`` starts it."""
    return [sys.executable, str(ROOT / "bot.py"), "run"]


def echo_command() -> list[str]:
    """The bare PTB echo bot."""
    return [sys.executable, "-m", "bench.echo_bot"]


def accord_ready(world: World) -> bool:
    """Accord has published its menus (post_init done) and is polling."""
    return "all_group_chats" in world.commands and _polling(world)


def echo_ready(world: World) -> bool:
    """The echo bot is polling."""
    return _polling(world)


def _polling(world: World) -> bool:
    return any(method == "getUpdates" for method, _ in world.calls)


def ratio(value: float, baseline: float) -> str:
    """``value / baseline`` as ``1.23×``."""
    return f"{value / baseline:.2f}×"


def burst_arguments(description: str, senders: str) -> argparse.Namespace:
    """``--senders N --per-sender N --latency S`` for a burst benchmark, and a heading."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--senders", type=int, default=100, help=f"how many {senders}")
    parser.add_argument("--per-sender", type=int, default=10, help="messages each, at once")
    parser.add_argument("--latency", type=float, default=0.05, help="Bot API latency, seconds")
    arguments = parser.parse_args()
    print(
        f"{arguments.senders} {senders} × {arguments.per_sender} messages at once, "
        f"Bot API latency {arguments.latency * 1000:.0f} ms"
    )
    return arguments


class StallWatch:
    """Measures how long the event loop goes without running a task: a watchdog sleeps
    ``period`` in a loop and keeps the largest overshoot (a stall everyone else waited)."""

    def __init__(self, period: float = 0.005) -> None:
        self.period = period
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(self.period)
            self.longest = max(self.longest, time.perf_counter() - started - self.period)

    def take(self) -> float:
        """The longest stall since the last ``take`` (seconds); starts a new window."""
        longest, self.longest = self.longest, 0.0
        return longest

    async def __aenter__(self) -> StallWatch:
        self._task = asyncio.create_task(self._watch())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
