"""Two bot.py processes on one PostgreSQL behind one webhook: the fake Bot API pushes
updates through a round-robin proxy (as a load balancer would), a burst of commands in
several chats, 100 digests falling due, and one instance killed with SIGKILL mid-burst
(after the digests: a nudge is sent at most once, so a kill mid-fan-out loses those in
flight, by design).

What must hold: each chat's commands recorded in order, none twice, none lost, and one
answer each; except for the update the killed instance was handling when it died (its
delivery broke off, unacknowledged, and went to the other instance): that one is
recorded at most once, and its person may have had its answer from the dying instance
and then "Already recorded as #n" from the other (README, *Several instances*). Each
digest is sent exactly once.
"""

from __future__ import annotations

import re
import signal
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.clock import Clock
from app.services import Services
from config.settings import load_settings
from console.cast import seed_world
from localapi.server import wait_until
from localapi.webhook import WebhookPusher
from localapi.world import World
from tests.e2e import bot_process, fake_telegram
from tests.helpers import partnerships
from tests.pgcluster import Cluster
from tests.roundrobin import RoundRobinProxy

pytestmark = pytest.mark.e2e

SECRET = "Webhook_secret-for-the-instances-test"
HOOK = "/telegram"
GROUPS_WITH_DIGESTS = 100
CHATS = 4
COMMANDS = 15  # in each chat


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def numbers(pattern: str, texts: list[str]) -> list[int]:
    """The numbers ``pattern`` captures in ``texts``, in order."""
    return [int(n) for text in texts for n in re.findall(pattern, text)]


async def digests_due(url: str, world: World) -> list[int]:
    """Groups recorded in the database with a digest that fell due ten seconds ago."""
    services = Services(load_settings({"DATABASE_URL": url}, env_file=None), Clock())
    await services.open()
    try:
        chats = await partnerships(services, world, GROUPS_WITH_DIGESTS)
        moment = (datetime.now(UTC) - timedelta(seconds=10)).isoformat(timespec="seconds")
        changed = await services.database.execute_write(
            "UPDATE schedules SET slot_at = ?, next_fire_at = ? WHERE kind = 'digest'",
            (moment, moment),
        )
        assert changed == GROUPS_WITH_DIGESTS
    finally:
        await services.close()
    return chats


async def test_two_instances_share_the_work_and_survive_a_kill(
    postgres_cluster: Cluster, tmp_path: Path
) -> None:
    url = postgres_cluster.new_database()
    world = World()
    cast = seed_world(world)
    digest_chats = await digests_due(url, world)
    creator = cast.first_person
    chats = [cast.groups["partners"], cast.groups["steering"]]
    chats += [world.add_group(-1009000000000 - n, f"Burst {n}", creator=creator) for n in range(2)]
    chats = chats[:CHATS]

    def digests_sent() -> int:
        return sum(1 for m in world.bot_messages() if m.text.startswith("Digest"))

    ports = [free_port(), free_port()]
    proxy = RoundRobinProxy([f"http://127.0.0.1:{port}" for port in ports])
    base = await proxy.start()
    pusher = WebhookPusher(world, base + HOOK, SECRET, retry_delay=0.1)
    settings = {
        "DATABASE_URL": url,
        "TELEGRAM_WEBHOOK_URL": f"https://bot.example.org{HOOK}",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "WRITE_BURST": "1000",
    }
    try:
        async with (
            fake_telegram(world) as server,
            bot_process(server, tmp_path / "unused-a.db",
                        WEBHOOK_LISTEN=f"127.0.0.1:{ports[0]}", **settings) as doomed,
            bot_process(server, tmp_path / "unused-b.db",
                        WEBHOOK_LISTEN=f"127.0.0.1:{ports[1]}", **settings) as survivor,
        ):  # fmt: skip
            await pusher.start()
            for chat in chats:
                world.add_bot_to(chat, creator)
            # Both instances tick at start-up and share the fan-out. (A nudge is claimed
            # before it is sent, at most once: a kill mid-fan-out would lose the few
            # being sent, so the kill comes after.)
            await wait_until(lambda: digests_sent() >= GROUPS_WITH_DIGESTS, 30)
            sent = []
            for k in range(COMMANDS):
                for index, chat in enumerate(chats):
                    sent.append(world.user_says(creator, chat, f"/assign me Item {index}-{k}"))
            await wait_until(lambda: len(pusher.acknowledged) >= len(sent) // 3, 40)
            doomed.process.send_signal(signal.SIGKILL)
            await doomed.process.wait()
            killed_at = len(pusher.acknowledged)
            await wait_until(lambda: pusher.pending() == 0, 40)
            assert survivor.process.returncode is None
    finally:
        await pusher.stop()
        await proxy.stop()

    # The other instance carried on, and both had their share before the kill.
    assert len(pusher.acknowledged) > killed_at
    assert all(count > 0 for count in proxy.sent.values()), proxy.sent
    # Deliveries the kill broke off (the proxy's 502): not acknowledged by the killed
    # instance, delivered again to the other. A 503 (an instance still starting) is not.
    broken_off = {u for u, answers in pusher.attempts.items() if {502, "failed"} & set(answers)}
    for index, chat in enumerate(chats):
        replies = [m.text for m in world.bot_messages(chat.chat_id)]
        items = numbers(rf"^Recorded #\d+ .*Item {index}-(\d+)", replies)
        assert items == sorted(set(items)), replies  # in order, none recorded twice
        ids = {k: u["update_id"] for k, u in enumerate(sent[index::CHATS])}
        missing = set(range(COMMANDS)) - set(items)
        assert {ids[k] for k in missing} <= broken_off, (missing, replies)
        again = numbers(rf"^Already recorded .*Item {index}-(\d+)", replies)
        assert {ids[k] for k in again} <= broken_off, (again, replies)
        assert len(replies) == len(items) + len(again), replies
    assert len(broken_off) <= CHATS, {u: pusher.attempts[u] for u in broken_off}
    for chat_id in digest_chats:
        texts = [m.text for m in world.bot_messages(chat_id)]
        assert len([t for t in texts if t.startswith("Digest")]) == 1, texts
