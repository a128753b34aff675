"""Issue 12, third operator trial, as an operator sees it: bot.py started while a proxy in
front of Telegram answers 502 "bad gateway" (findings 3, 4 and the "stopped" line of 10
in TRIAL12C_FINDINGS.md)."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from tests.e2e import TOKEN
from tests.processes import ROOT, bot_command, bot_environment
from tests.test_webhook_e2e import free_port

pytestmark = pytest.mark.e2e

BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Accord", "username": "accord_bot"}


class Gateway:
    """Telegram behind a proxy: "bad gateway" until ``mended``, then a quiet Telegram."""

    def __init__(self) -> None:
        self.mended = False
        self.calls = 0
        self._runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        return f"http://127.0.0.1:{port}/bot"

    async def stop(self) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        self.calls += 1
        if not self.mended:
            return web.Response(status=502, text="bad gateway")
        method = request.match_info["method"]
        if method == "getUpdates":
            await asyncio.sleep(0.5)
            return web.json_response({"ok": True, "result": []})
        result: object = BOT_USER if method == "getMe" else True
        return web.json_response({"ok": True, "result": result})


async def healthz(http: aiohttp.ClientSession, base: str) -> tuple[int, dict]:
    async with http.get(base + "/healthz") as response:
        return response.status, await response.json()


async def test_start_while_telegram_answers_bad_gateway(tmp_path: Path) -> None:
    gateway = Gateway()
    api = await gateway.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = await asyncio.create_subprocess_exec(
        *bot_command(),
        cwd=ROOT,
        env=bot_environment(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=api,
            DATABASE_PATH=str(tmp_path / "a.db"),
            HEALTH_LISTEN=f"127.0.0.1:{port}",
        ),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with aiohttp.ClientSession() as http:
            body: dict = {}
            for _ in range(200):
                try:
                    status, body = await healthz(http, base)
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
                    continue
                if body.get("telegram", "").startswith("failing since"):
                    break
                await asyncio.sleep(0.1)
            assert status == 503
            assert (body["status"], body["tick"]) == ("starting", "none yet"), body
            assert body["telegram"].startswith("failing since 20"), body
            gateway.mended = True  # Telegram is back
            for _ in range(200):
                status, body = await healthz(http, base)
                if body["tick"] == "ok":
                    break
                await asyncio.sleep(0.1)
            assert (status, body["status"], body["telegram"]) == (200, "ok", "ok"), body
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 30)
        await gateway.stop()
    stderr = err.decode()
    assert "Traceback" not in stderr
    assert " ERROR " not in stderr
    assert "Can not load invalid JSON data" not in stderr
    assert "INFO app.reachability: Telegram answers again after" in stderr
    assert stderr.rstrip().endswith("INFO accord: Accord stopped"), stderr[-2000:]


async def test_sigterm_during_start_up_says_stopped(tmp_path: Path) -> None:
    gateway = Gateway()  # never mended: start-up waits for getMe
    api = await gateway.start()
    process = await asyncio.create_subprocess_exec(
        *bot_command(),
        cwd=ROOT,
        env=bot_environment(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=api,
            DATABASE_PATH=str(tmp_path / "a.db"),
        ),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        for _ in range(300):
            if gateway.calls:
                break
            await asyncio.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 30)
        await gateway.stop()
    stderr = err.decode()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert stderr.rstrip().endswith("INFO accord: Accord stopped"), stderr[-2000:]
