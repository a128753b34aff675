"""bot.py as its own process against a fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from pathlib import Path

import pytest

from console.cast import seed_world
from localapi.server import FakeBotApiServer, wait_until
from localapi.world import BotApiError, World
from tests.e2e import TOKEN, bot_process, fake_telegram
from tests.processes import ROOT, bot_command, bot_environment

pytestmark = pytest.mark.e2e


async def test_start_in_private_and_group_at_debug_without_leaking_the_token(
    tmp_path: Path,
) -> None:
    world = World()
    cast = seed_world(world)
    alice = cast.first_person
    group = cast.groups["partners"]
    world.add_bot_to(group, alice)
    async with (
        fake_telegram(world) as server,
        bot_process(server, tmp_path / "e2e.db", LOG_LEVEL="DEBUG") as bot,
    ):
        await wait_until(lambda: {"all_private_chats", "all_group_chats"} <= set(world.commands))
        world.user_says(alice, world.private_chat(alice), "/start")
        await wait_until(lambda: world.bot_messages(alice.user_id))
        world.user_says(alice, group, "/start@accord_bot")
        await wait_until(lambda: world.bot_messages(group.chat_id))

    [private_reply] = world.bot_messages(alice.user_id)
    assert "Accord keeps a partnership's work moving" in private_reply.text
    [group_reply] = world.bot_messages(group.chat_id)
    assert "Accord is set up in Partners for Health" in group_reply.text
    menus = {scope: [c["command"] for c in cmds] for scope, cmds in world.commands.items()}
    assert menus["all_private_chats"][:3] == ["start", "help", "mine"]
    assert "assign" in menus["all_group_chats"]

    assert bot.process.returncode == 0
    printed = bot.stdout + bot.stderr
    assert "DEBUG" in printed  # the run really logged at DEBUG
    assert TOKEN not in printed
    assert TOKEN.split(":")[1] not in printed
    assert "Traceback" not in printed


async def test_a_rejected_token_stops_with_one_line(tmp_path: Path) -> None:
    world = World()
    async with (
        fake_telegram(world, token="999:" + "x" * 35) as server,
        bot_process(server, tmp_path / "e2e.db") as bot,
    ):
        await bot.process.wait()
    assert bot.process.returncode == 2
    problems = [line for line in bot.stderr.splitlines() if " INFO " not in line]
    assert problems == [  # as every other settings mistake is told
        "Accord cannot start: TELEGRAM_BOT_TOKEN: Telegram rejected the token;"
        " ask @BotFather for it"
    ], bot.stderr
    assert TOKEN not in bot.stdout + bot.stderr


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("DEFAULT_TIMEZONE", "Europe/Lndon", "DEFAULT_TIMEZONE: 'Europe/Lndon' is not a known"),
        ("TELEGRAM_BOT_TOKEN", TOKEN + "$", "TELEGRAM_BOT_TOKEN: malformed"),
        ("LOG_LEVEL", "chatty", "LOG_LEVEL: 'chatty' is not one of"),
    ],
)
def test_bad_settings_stop_start_up_with_one_clear_line(
    tmp_path: Path, setting: str, value: str, message: str
) -> None:
    result = run_bot_briefly(DATABASE_PATH=str(tmp_path / "x.db"), **{setting: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert TOKEN not in result.stderr


def run_bot_briefly(**settings: str) -> subprocess.CompletedProcess[str]:
    """Start bot.py with ``settings`` and no input; it ends at once or on end of input."""
    return subprocess.run(
        bot_command(),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=bot_environment(**settings),
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_database_path_under_a_file_stops_start_up(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run_bot_briefly(DATABASE_PATH=str(blocker / "sub" / "db.sqlite3"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"Accord cannot start: DATABASE_PATH: cannot create directory '{blocker / 'sub'}': "
        f"'{blocker}' is a file"
    ]


def test_a_file_that_is_not_a_database_stops_start_up(tmp_path: Path) -> None:
    database = tmp_path / "notes.txt"
    database.write_text("these are not the tables you are looking for" * 100)
    result = run_bot_briefly(DATABASE_PATH=str(database))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Accord cannot start: DATABASE_PATH: cannot use {database}: ")
    assert "file is not a database" in lines[0]
    assert "restore it from a backup" in lines[0]


async def test_telegram_unreachable_at_start_and_failing_later_is_not_fatal(
    tmp_path: Path,
) -> None:
    """The bot keeps retrying until the Bot API answers, and survives 5xx on polling."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    world = World()
    cast = seed_world(world)
    alice = cast.first_person
    server = FakeBotApiServer(world, token=TOKEN)
    server.base_url = f"http://127.0.0.1:{port}/bot"
    try:
        async with bot_process(server, tmp_path / "e2e.db") as bot:
            await asyncio.sleep(1.0)  # let the first attempts fail against a closed port
            assert bot.process.returncode is None
            await server.start(port=port)
            await wait_until(lambda: "all_group_chats" in world.commands, limit=40)
            for _ in range(2):
                world.fail_next("getUpdates", BotApiError(502, "Bad Gateway"))
            world.user_says(alice, world.private_chat(alice), "/help")
            await wait_until(lambda: world.bot_messages(alice.user_id), limit=40)
    finally:
        await server.stop()
    assert "Commands" in world.bot_messages(alice.user_id)[0].text
    assert bot.process.returncode == 0
    assert "Traceback" not in bot.stderr, bot.stderr
