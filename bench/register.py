"""The register's costs: /assign and /actions through the full stack beside a bare PTB
echo bot (same run), due-date parse times, /actions over 1,000 open actions, and what
durable commits (``synchronous=FULL``) cost /assign against ``NORMAL``.

Run: ``make bench`` or ``.venv/bin/python -m bench.register``.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram.ext import Application

from app.builder import build_application
from app.lifecycle import feed, running
from bench.harness import (
    Measurement,
    accord_command,
    accord_ready,
    bot_under_test,
    burst_arguments,
    echo_command,
    echo_ready,
    ratio,
)
from config.settings import load_settings
from localapi.request import WorldRequest
from localapi.world import Person, SimChat, World
from register.dates import parse_due, warm_up
from storage import database

DATE_FORMS = (
    "by Friday", "by next Tuesday", "on 31 Jan", "in 2 weeks", "by end of month",
    "tomorrow 5pm", "2027-01-31", "3rd of december", "the day after tomorrow", "Jan 5 2027",
)  # fmt: skip
TARGET_CPU_RATIO = 2.5
TARGET_PARSE_P99_MS = 5.0
TARGET_ACTIONS_MS = 50.0
DATA = Path(__file__).resolve().parents[1] / "data"


def groups_with_coordinators(world: World, count: int) -> list[tuple[Person, SimChat]]:
    """``count`` groups, each created by its own coordinator, with the bot added."""
    pairs = []
    for n in range(count):
        person = world.add_person(20_000 + n, f"Coordinator{n}", f"coord{n:04d}")
        chat = world.add_group(-1002000000000 - n, f"Partnership {n}", creator=person)
        world.add_bot_to(chat, person)
        pairs.append((person, chat))
    return pairs


def send(world: World, pairs: list[tuple[Person, SimChat]], texts: list[str]) -> int:
    """Each coordinator sends ``texts`` in their group, interleaved across groups."""
    for index, text in enumerate(texts):
        for person, chat in pairs:
            world.user_says(person, chat, text.format(n=index))
    return len(texts) * len(pairs)


async def throughput(
    echo: bool, groups: int, per_group: int, latency: float
) -> dict[str, Measurement]:
    """/assign then /actions bursts (or the same texts echoed) from ``groups`` groups."""
    world = World()
    pairs = groups_with_coordinators(world, groups)
    command, ready = (echo_command(), echo_ready) if echo else (accord_command(), accord_ready)
    results = {}
    async with bot_under_test(world, command, ready, latency) as bot:
        await bot.measure(lambda: send(world, pairs, ["/assign me Warm-up task"]))
        assigns = ["/assign me Action {n} for the partnership by Friday" for _ in range(per_group)]
        results["assign"] = await bot.measure(lambda: send(world, pairs, assigns))
        results["actions"] = await bot.measure(lambda: send(world, pairs, ["/actions"] * per_group))
    return results


def parse_times(rounds: int = 2000) -> tuple[float, float]:
    """p50 and p99 of parse_due over the common forms, in milliseconds."""
    zone = ZoneInfo("Europe/London")
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    warm_up()
    samples = []
    for index in range(rounds):
        text = DATE_FORMS[index % len(DATE_FORMS)]
        started = time.perf_counter()
        parse_due(text, now, zone)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


@asynccontextmanager
async def one_group() -> AsyncIterator[tuple[Application, World, Person, SimChat]]:
    """Accord in this process on a fresh database file, with one group and its coordinator."""
    DATA.mkdir(exist_ok=True)  # the disk the bot's database is on: /tmp may be memory
    with tempfile.TemporaryDirectory(dir=DATA) as scratch:
        settings = load_settings(
            {
                "DATABASE_PATH": str(Path(scratch) / "big.db"),
                # One person fills the register: past the flood limits, on purpose.
                "WRITE_BURST": "100000",
                "MAX_OPEN_ACTIONS": "100000",
            },
            env_file=None,
        )
        world = World(queue_updates=False)
        person = world.add_person(7, "Coordinator", "coord")
        chat = world.add_group(-1003000000000, "Big Partnership", creator=person)
        request = WorldRequest(world)
        application = build_application(
            settings, request=request, get_updates_request=request, scheduled_jobs=False
        )
        async with running(application):
            await feed(application, world.add_bot_to(chat, person))
            yield application, world, person, chat


async def big_register(open_actions: int = 1000, rounds: int = 20) -> float:
    """Median milliseconds for /actions in a chat with ``open_actions`` open actions."""
    async with one_group() as (application, world, person, chat):
        for n in range(open_actions):
            await feed(
                application, world.user_says(person, chat, f"/assign me Action {n} by Friday")
            )
        timings = []
        for _ in range(rounds):
            update = world.user_says(person, chat, "/actions")
            started = time.perf_counter()
            await feed(application, update)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


async def assign_ms(synchronous: str, count: int = 200) -> float:
    """Median milliseconds for one /assign with the database at ``synchronous``."""
    default, database.SYNCHRONOUS = database.SYNCHRONOUS, synchronous
    try:
        async with one_group() as (application, world, person, chat):
            timings = []
            for n in range(count):
                update = world.user_says(person, chat, f"/assign me Action {n} by Friday")
                started = time.perf_counter()
                await feed(application, update)
                timings.append((time.perf_counter() - started) * 1000)
    finally:
        database.SYNCHRONOUS = default
    return statistics.median(timings)


async def main() -> None:
    """Measure, print the figures and their ratios to the baseline and targets."""
    arguments = burst_arguments(__doc__ or "", "groups")
    sizes = (arguments.senders, arguments.per_sender, arguments.latency)
    echo = await throughput(True, *sizes)
    accord = await throughput(False, *sizes)
    for name in ("assign", "actions"):
        mine, base = accord[name], echo[name]
        print(
            f"/{name:<8} {mine.replies_per_second:7.1f} replies/s "
            f"{mine.cpu_ms_per_reply:5.2f} CPU ms/reply"
            f" | echo {base.replies_per_second:7.1f}/s {base.cpu_ms_per_reply:5.2f} ms"
            f" | CPU ratio {ratio(mine.cpu_ms_per_reply, base.cpu_ms_per_reply)}"
            + (f" (target ≤ {TARGET_CPU_RATIO}×)" if name == "assign" else "")
        )
    p50, p99 = parse_times()
    print(
        f"due-date parse: p50 {p50:.3f} ms, p99 {p99:.3f} ms "
        f"(target p99 ≤ {TARGET_PARSE_P99_MS} ms)"
    )
    actions_ms = await big_register()
    print(
        f"/actions with 1,000 open actions: {actions_ms:.1f} ms (target ≤ {TARGET_ACTIONS_MS} ms)"
    )
    normal, full = await assign_ms("NORMAL"), await assign_ms("FULL")
    print(
        f"/assign, one at a time: synchronous=NORMAL {normal:.2f} ms, FULL {full:.2f} ms "
        f"(durable commits cost {ratio(full, normal)})"
    )


if __name__ == "__main__":
    asyncio.run(main())
