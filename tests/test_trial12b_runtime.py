"""Issue 12, second operator trial: what an operator sees at run time (findings 1, 2, 6,
9, 12, 13, 15 and the last_tick part of 16 of TRIAL12B_FINDINGS.md)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from localapi.server import wait_until
from localapi.world import World
from tests.e2e import bot_process, fake_telegram
from tests.test_webhook_e2e import free_port

pytestmark = pytest.mark.e2e


# --- 1. polling with Telegram unreachable after start-up ----------------------------------


async def test_failed_polls_are_counted_logged_as_polling_and_shown_on_healthz(
    tmp_path: Path,
) -> None:
    world = World()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with (
        fake_telegram(world) as server,
        bot_process(server, tmp_path / "a.db", HEALTH_LISTEN=f"127.0.0.1:{port}") as bot,
        aiohttp.ClientSession() as http,
    ):
        await wait_until(lambda: any(name == "getUpdates" for name, _ in world.calls), 40)
        async with http.get(base + "/metrics") as response:
            text = await response.text()
        assert 'accord_bot_api_errors_total{code="network"} 0.0' in text  # there from the start
        async with http.get(base + "/healthz") as response:
            assert (await response.json())["telegram"] == "ok"
        await server.stop()  # Telegram goes away
        body: dict = {}
        for _ in range(100):
            async with http.get(base + "/healthz") as response:
                status, body = response.status, await response.json()
            if body["telegram"] != "ok":
                break
            await asyncio.sleep(0.2)
        assert body["telegram"].startswith("failing since 20"), body
        assert status == 200  # restarting Accord cannot mend Telegram
        async with http.get(base + "/metrics") as response:
            text = await response.text()
        [counted] = [
            line for line in text.splitlines()
            if line.startswith('accord_bot_api_errors_total{code="network"}')
        ]  # fmt: skip
        assert float(counted.split()[-1]) >= 2, text  # each failed getUpdates
    assert "while polling for updates" in bot.stderr
    assert "while handling a job" not in bot.stderr
    # 15: stopped while Telegram is down, one line, not PTB's chained tracebacks
    assert "Traceback" not in bot.stderr
    assert " ERROR " not in bot.stderr
