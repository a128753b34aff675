"""Helpers for end-to-end tests: bot.py as a process against the fake Bot API server."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from localapi.server import FakeBotApiServer
from localapi.world import World
from tests.processes import ROOT, bot_command, bot_environment

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


@dataclass
class BotProcess:
    """A running ``bot.py`` and what it printed once it has stopped."""

    process: asyncio.subprocess.Process
    stdout: str = ""
    stderr: str = ""


@asynccontextmanager
async def fake_telegram(world: World, token: str = TOKEN) -> AsyncIterator[FakeBotApiServer]:
    """The fake Bot API server on a free 127.0.0.1 port."""
    server = FakeBotApiServer(world, token=token)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@asynccontextmanager
async def bot_process(
    server: FakeBotApiServer, database: Path, token: str = TOKEN, **settings: str
) -> AsyncIterator[BotProcess]:
    """Start ``bot.py`` against ``server``; on exit stop it with SIGTERM and collect output."""
    environment = bot_environment(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_BASE_URL=server.base_url,
        DATABASE_PATH=str(database),
        **settings,
    )
    process = await asyncio.create_subprocess_exec(
        *bot_command(),
        cwd=ROOT,
        env=environment,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    running = BotProcess(process)
    try:
        yield running
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), 30)
        running.stdout, running.stderr = out.decode(), err.decode()
