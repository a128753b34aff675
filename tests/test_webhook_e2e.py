"""bot.py in webhook mode as its own process: it sets the webhook, takes updates on its
listener (127.0.0.1), refuses a wrong secret, serves /healthz and /metrics, and stops
cleanly on SIGTERM without the token or the secret in its output, even at DEBUG."""

from __future__ import annotations

import socket
from pathlib import Path

import aiohttp
import pytest

from app.serve import ALLOWED_UPDATES
from app.web import SECRET_HEADER
from console.cast import seed_world
from localapi.server import wait_until
from localapi.world import World
from tests.e2e import TOKEN, bot_process, fake_telegram

pytestmark = pytest.mark.e2e
SECRET = "E2e_webhook_secret-9f8e7d6c5b4a"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_end_to_end(tmp_path: Path) -> None:
    world = World()
    alice = seed_world(world).first_person
    chat = world.private_chat(alice)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with (
        fake_telegram(world) as server,
        bot_process(
            server,
            tmp_path / "e2e.db",
            LOG_LEVEL="DEBUG",
            TELEGRAM_WEBHOOK_URL="https://bot.example.org/tg",
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            WEBHOOK_LISTEN=f"127.0.0.1:{port}",
        ) as bot,
        aiohttp.ClientSession() as http,
    ):
        await wait_until(lambda: world.webhook is not None)  # the listener is up first
        assert world.webhook is not None
        assert world.webhook["secret_token"] == SECRET
        assert world.webhook["allowed_updates"] == ALLOWED_UPDATES  # not every type
        forged = world.user_says(alice, chat, "/start")
        async with http.post(base + "/tg", json=forged) as response:
            assert response.status == 403
        update = world.user_says(alice, chat, "/start")
        async with http.post(base + "/tg", json=update, headers={SECRET_HEADER: SECRET}) as answer:
            assert answer.status == 200
        await wait_until(lambda: bool(world.bot_messages(chat.chat_id)))
        async with http.get(base + "/healthz") as response:
            assert response.status == 200
            assert (await response.json())["status"] == "ok"
        async with http.get(base + "/metrics") as response:
            assert 'accord_updates_total{type="message"} 1.0' in await response.text()
    assert bot.process.returncode == 0, bot.stderr
    assert len(world.bot_messages(chat.chat_id)) == 1  # the forged /start was never handled
    assert not [name for name, _ in world.calls if name == "getUpdates"]
    output = bot.stdout + bot.stderr
    assert "setWebhook" in output  # DEBUG logs the call ...
    for secret in (TOKEN, TOKEN.split(":")[1], SECRET):
        assert secret not in output  # ... and never the secret or the token


async def test_polling_with_a_health_listener(tmp_path: Path) -> None:
    world = World()
    alice = seed_world(world).first_person
    chat = world.private_chat(alice)
    port = free_port()
    async with (
        fake_telegram(world) as server,
        bot_process(server, tmp_path / "e2e.db", HEALTH_LISTEN=f"127.0.0.1:{port}") as bot,
        aiohttp.ClientSession() as http,
    ):
        world.user_says(alice, chat, "/start")  # queued for getUpdates
        await wait_until(lambda: bool(world.bot_messages(chat.chat_id)))
        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
            assert response.status == 200
        async with http.post(f"http://127.0.0.1:{port}/", json={"update_id": 1}) as response:
            assert response.status in (404, 405)  # no webhook in polling mode
    assert bot.process.returncode == 0, bot.stderr
    assert world.webhook is None
    polls = [params for name, params in world.calls if name == "getUpdates"]
    assert polls
    assert all(poll["allowed_updates"] == ALLOWED_UPDATES for poll in polls)


async def test_a_taken_listen_address_stops_start_up_with_one_line(tmp_path: Path) -> None:
    world = World()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with (
            fake_telegram(world) as server,
            bot_process(server, tmp_path / "e2e.db", HEALTH_LISTEN=f"127.0.0.1:{port}") as bot,
        ):
            await bot.process.wait()
    # 75, try again (TRIAL12C 9): on a restart the old process may still be stopping
    assert bot.process.returncode == 75
    assert "Traceback" not in bot.stderr
    line = bot.stderr.strip().splitlines()[-1]
    assert line.startswith(f"Accord cannot start: HEALTH_LISTEN: cannot listen on 127.0.0.1:{port}")
