"""Issue 12, second operator trial: what an operator sees at run time (findings 1, 2, 6,
9, 12, 13, 15 and the last_tick part of 16 of TRIAL12B_FINDINGS.md)."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path
from subprocess import CompletedProcess

import aiohttp
import pytest

from localapi.server import wait_until
from localapi.world import World
from tests.e2e import TOKEN, bot_process, fake_telegram
from tests.processes import ROOT, bot_command, bot_environment
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


# --- 6, 12, 13: one line, in the house style, exit code 2 -------------------------------


def run_bot(*arguments: str, stdin_closed: bool = False, **settings: str) -> CompletedProcess:
    """bot.py with ``settings`` only, on empty input (or none at all)."""
    return subprocess.run(
        bot_command(*arguments),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=bot_environment(**settings),
        check=False,
        stdin=None if stdin_closed else subprocess.DEVNULL,
        preexec_fn=(lambda: os.close(0)) if stdin_closed else None,
    )


def test_stdin_closed_and_no_token_is_one_line(tmp_path: Path) -> None:
    result = run_bot(stdin_closed=True, DATABASE_PATH=str(tmp_path / "a.sqlite3"))
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "Accord cannot start: the local chat console needs input, and stdin is closed"
        " (set TELEGRAM_BOT_TOKEN to run against Telegram)"
    ]


def test_a_webhook_secret_without_its_url_refuses_to_start(tmp_path: Path) -> None:
    result = run_bot(
        "run",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_WEBHOOK_SECRET="a_secret",
        DATABASE_PATH=str(tmp_path / "a.sqlite3"),
    )
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("Accord cannot start: TELEGRAM_WEBHOOK_SECRET: set, but")


def test_the_console_with_a_token_set_does_not_say_there_is_none(tmp_path: Path) -> None:
    result = run_bot("console", TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_PATH=str(tmp_path / "a.db"))
    assert result.returncode == 0, result.stderr
    assert "no TELEGRAM_BOT_TOKEN" not in result.stdout
    assert "Telegram is simulated here, though TELEGRAM_BOT_TOKEN is set" in result.stdout
