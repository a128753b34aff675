"""Several instances on PostgreSQL: what they cost and what they buy.

1. One instance, long polling: replies per second and CPU per reply on PostgreSQL
   against SQLite, same machine, same burst (bench/throughput.py's).
2. Webhook through a round-robin proxy, on PostgreSQL: two instances against one.
3. Digest fan-out for ``--groups`` groups (10,000) from two instances ticking at once
   against a Bot API enforcing 30 messages/s: each sent once, time against the floor.

Needs PostgreSQL's server binaries (a throwaway cluster, as the tests use). Run:
``make bench`` or ``.venv/bin/python -m bench.scale [--senders N] [--groups N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator
from datetime import timedelta

from app.builder import build_application
from app.clock import FrozenClock
from app.context import services_of
from app.lifecycle import running
from bench.harness import (
    Measurement,
    accord_command,
    accord_ready,
    bot_under_test,
    cpu_seconds,
    private_people,
    ratio,
)
from bench.nudges import MONDAY_0900, TELEGRAM_RATE, FloodControlledWorld
from bench.throughput import plan, send_all
from config.settings import load_settings
from handlers.nudges import run_tick
from localapi.request import WorldRequest
from localapi.server import FakeBotApiServer, wait_until
from localapi.webhook import WebhookPusher
from localapi.world import World
from tests.helpers import partnerships
from tests.pgcluster import Cluster
from tests.processes import ROOT, bot_command, bot_environment
from tests.roundrobin import RoundRobinProxy

SECRET = "bench-webhook-secret"
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


async def polling(name: str, senders: int, per: int, latency: float, **env: str) -> Measurement:
    """bench/throughput.py's burst against one polling instance."""
    world = World()
    people = private_people(world, senders)
    async with bot_under_test(world, accord_command(), accord_ready, latency, **env) as bot:
        await bot.measure(lambda: send_all(world, people, {p.user_id: ["hello"] for p in people}))
        result = await bot.measure(lambda: send_all(world, people, plan(people, per)))
    print(f"{name:<32} {result.replies_per_second:8.1f} replies/s "
          f"{result.cpu_ms_per_reply:6.2f} CPU ms/reply")  # fmt: skip
    return result


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def instances(server: FakeBotApiServer, url: str, count: int) -> AsyncIterator[list[int]]:
    """``count`` webhook instances on ``url``; yields their pids and ports."""
    ports = [_free_port() for _ in range(count)]
    processes = []
    for port in ports:
        environment = bot_environment(
            TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=server.base_url,
            DATABASE_URL=url, TELEGRAM_WEBHOOK_URL="https://bot.example.org/hook",
            TELEGRAM_WEBHOOK_SECRET=SECRET, WEBHOOK_LISTEN=f"127.0.0.1:{port}",
            LOG_LEVEL="WARNING", WRITE_BURST="100000",
        )  # fmt: skip
        started = asyncio.create_subprocess_exec(
            *bot_command(), cwd=ROOT, env=environment, stdin=asyncio.subprocess.DEVNULL
        )
        processes.append(await started)
    try:
        yield [p.pid for p in processes] + ports
    finally:
        for process in processes:
            process.terminate()
        await asyncio.gather(*(asyncio.wait_for(p.wait(), 60) for p in processes))


async def webhook(name: str, cluster: Cluster, count: int, senders: int, per: int,
                  latency: float) -> Measurement:  # fmt: skip
    """The burst through the proxy to ``count`` instances on one PostgreSQL."""
    world = World(queue_updates=True)
    people = private_people(world, senders)
    server = FakeBotApiServer(world, token=TOKEN, latency=latency)
    await server.start()
    url = cluster.new_database()
    async with instances(server, url, count) as found:
        pids, ports = found[:count], found[count:]
        proxy = RoundRobinProxy([f"http://127.0.0.1:{p}" for p in ports])
        pusher = WebhookPusher(world, await proxy.start() + "/hook", SECRET, retry_delay=0.1)
        await pusher.start()
        try:
            expected = send_all(world, people, {p.user_id: ["hello"] for p in people})
            await wait_until(lambda: len(world.bot_messages()) >= expected, 120)
            before, cpu = len(world.bot_messages()), sum(cpu_seconds(p) for p in pids)
            started = time.perf_counter()
            expected = send_all(world, people, plan(people, per))
            await wait_until(lambda: len(world.bot_messages()) - before >= expected, 300)
            result = Measurement(expected, time.perf_counter() - started,
                                 sum(cpu_seconds(p) for p in pids) - cpu)  # fmt: skip
        finally:
            await pusher.stop()
            await proxy.stop()
    await server.stop()
    print(f"{name:<32} {result.replies_per_second:8.1f} replies/s "
          f"{result.cpu_ms_per_reply:6.2f} CPU ms/reply")  # fmt: skip
    return result


async def fan_out(cluster: Cluster, groups: int) -> tuple[float, int, int]:
    """Two in-process instances on one PostgreSQL tick at once: seconds, digests sent,
    groups that got more than one."""
    settings = load_settings({"DATABASE_URL": cluster.new_database()}, env_file=None)
    world = FloodControlledWorld()
    clock = FrozenClock(MONDAY_0900 - timedelta(hours=1))
    request = WorldRequest(world)
    apps = [build_application(settings, clock=clock, request=request,
                              get_updates_request=request, scheduled_jobs=False,
                              exactly_once=True) for _ in range(2)]  # fmt: skip
    async with running(apps[0]), running(apps[1]):
        chats = await partnerships(services_of(apps[0]), world, groups)
        clock.advance(MONDAY_0900 - clock.now())
        started = time.perf_counter()
        await asyncio.gather(*(run_tick(app) for app in apps))
        elapsed = time.perf_counter() - started
    digests = [m.chat_id for m in world.bot_messages() if m.text.startswith("Digest")]
    doubled = len(digests) - len(set(digests))
    assert set(digests) <= set(chats)
    return elapsed, len(set(digests)), doubled


def main() -> None:
    """Start a throwaway PostgreSQL (outside the event loop), then measure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--senders", type=int, default=100)
    parser.add_argument("--per-sender", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--groups", type=int, default=10_000)
    arguments = parser.parse_args()
    cluster = Cluster()
    try:
        asyncio.run(measure(cluster, arguments))
    finally:
        cluster.stop()


async def measure(cluster: Cluster, arguments: argparse.Namespace) -> None:
    """Print the three comparisons as ratios."""
    burst = (arguments.senders, arguments.per_sender, arguments.latency)
    sqlite = await polling("SQLite, one instance (polling)", *burst)
    postgres = await polling("PostgreSQL, one instance", *burst,
                             DATABASE_URL=cluster.new_database())  # fmt: skip
    print(f"PostgreSQL / SQLite: throughput "
          f"{ratio(postgres.replies_per_second, sqlite.replies_per_second)}, CPU per reply "
          f"{ratio(postgres.cpu_ms_per_reply, sqlite.cpu_ms_per_reply)}")  # fmt: skip
    one = await webhook("PostgreSQL, webhook, 1 instance", cluster, 1, *burst)
    two = await webhook("PostgreSQL, webhook, 2 instances", cluster, 2, *burst)
    print(f"two instances / one: throughput "
          f"{ratio(two.replies_per_second, one.replies_per_second)}, CPU per reply "
          f"{ratio(two.cpu_ms_per_reply, one.cpu_ms_per_reply)}")  # fmt: skip
    elapsed, sent, doubled = await fan_out(cluster, arguments.groups)
    floor = arguments.groups / TELEGRAM_RATE
    print(f"fan-out, two instances, {arguments.groups} digests: {elapsed:.1f} s, "
          f"{elapsed / floor:.2f}× the floor of {floor:.0f} s; sent {sent}, "
          f"sent twice {doubled}")  # fmt: skip


if __name__ == "__main__":
    main()
