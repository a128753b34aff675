"""Start-up as an operator meets it (issue 12 trial): a bad database stops the bot at once
even while Telegram is unreachable, a start stopped while Telegram fails leaves no
unclosed HTTP session behind, ``bot.py run`` without a token refuses instead of
starting the console, and ``data/`` is made only when SQLite is used."""

from __future__ import annotations

import asyncio
import fcntl
import signal
import socket
import subprocess
import threading
from contextlib import suppress
from pathlib import Path

import pytest

from localapi.server import FakeBotApiServer, wait_until
from localapi.world import BotApiError, World
from tests.e2e import TOKEN, bot_process, fake_telegram
from tests.pgcluster import Cluster
from tests.processes import ROOT, bot_command, bot_environment

pytestmark = pytest.mark.e2e


def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_against_unreachable_telegram(
    *arguments: str, timeout: float = 20, **settings: str
) -> subprocess.CompletedProcess[str]:
    """bot.py with a token and a Bot API that refuses every connection."""
    return subprocess.run(
        bot_command(*arguments),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=bot_environment(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{closed_port()}/bot",
            **settings,
        ),
        check=False,
        stdin=subprocess.DEVNULL,
    )


def problems(stderr: str) -> list[str]:
    """What the bot said beyond its INFO log (the "Starting Accord against" line)."""
    return [line for line in stderr.splitlines() if " INFO " not in line]


# --- 1. the database before the first Bot API call -----------------------------------------


def test_an_unreachable_postgresql_stops_start_up_before_telegram_answers(
    tmp_path: Path,
) -> None:
    url = "postgresql://accord:s3cret@127.0.0.1:1/accord"
    result = start_against_unreachable_telegram(
        DATABASE_PATH=str(tmp_path / "a.sqlite3"), DATABASE_URL=url
    )
    assert result.returncode == 75, result.stderr
    [line] = problems(result.stderr)
    assert line.startswith("Accord cannot start: DATABASE_URL: cannot use postgresql://")
    assert "getMe" not in result.stderr  # Telegram was never asked
    assert "s3cret" not in result.stderr


def test_a_missing_postgresql_database_stops_start_up_before_telegram_answers(
    postgres_cluster: Cluster,
) -> None:
    result = start_against_unreachable_telegram(
        DATABASE_URL=postgres_cluster.url("no_such_database")
    )
    assert result.returncode == 2, result.stderr
    [line] = problems(result.stderr)
    assert line.startswith("Accord cannot start: DATABASE_URL: cannot use postgresql://")
    assert "no_such_database" in line


def test_a_damaged_sqlite_file_stops_start_up_before_telegram_answers(tmp_path: Path) -> None:
    database = tmp_path / "notes.txt"
    database.write_text("not a database" * 500)
    result = start_against_unreachable_telegram(DATABASE_PATH=str(database))
    assert result.returncode == 2, result.stderr
    [line] = problems(result.stderr)
    assert line.startswith(f"Accord cannot start: DATABASE_PATH: cannot use {database}: ")


# --- 3. no unclosed HTTP session when a start is stopped while Telegram fails ---------------


async def stop_when_retrying(bot_stderr: asyncio.StreamReader) -> str:
    """Read the bot's log until it says it will try Telegram again; return what it said."""
    seen = ""
    while "retrying in" not in seen:
        line = await asyncio.wait_for(bot_stderr.readline(), 30)
        assert line, seen
        seen += line.decode()
    return seen


async def test_a_start_stopped_while_telegram_refuses_leaves_no_unclosed_session(
    tmp_path: Path,
) -> None:
    world = World()
    server = FakeBotApiServer(world, token=TOKEN)
    server.base_url = f"http://127.0.0.1:{closed_port()}/bot"  # never started: refused
    async with bot_process(server, tmp_path / "a.db") as bot:
        assert bot.process.stderr is not None
        seen = await stop_when_retrying(bot.process.stderr)
    assert bot.process.returncode == 0, seen + bot.stderr
    assert "Unclosed" not in seen + bot.stderr


@pytest.mark.parametrize("webhook", [False, True], ids=["getMe", "setWebhook"])
async def test_a_start_stopped_while_telegram_answers_502_leaves_no_unclosed_session(
    tmp_path: Path, webhook: bool
) -> None:
    world = World()
    failing = "setWebhook" if webhook else "getMe"
    for _ in range(50):
        world.fail_next(failing, BotApiError(502, "Bad Gateway"))
    settings = (
        {
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg",
            "TELEGRAM_WEBHOOK_SECRET": "a_secret",
            "WEBHOOK_LISTEN": f"127.0.0.1:{closed_port()}",
        }
        if webhook
        else {}
    )
    async with (
        fake_telegram(world) as server,
        bot_process(server, tmp_path / "a.db", **settings) as bot,
    ):
        assert bot.process.stderr is not None
        seen = await stop_when_retrying(bot.process.stderr)
        assert f"{'setWebhook' if webhook else 'Starting'}: Telegram unreachable" in seen
    assert bot.process.returncode == 0, seen + bot.stderr
    assert "Unclosed" not in seen + bot.stderr


# --- 4. `bot.py run` is Telegram; no token is a refusal, not a console at EOF ----------------


def test_run_without_a_token_refuses_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        bot_command("run"),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=bot_environment(DATABASE_PATH=str(tmp_path / "a.sqlite3")),
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Accord cannot start: TELEGRAM_BOT_TOKEN is not set; `bot.py run` needs it"
        " (use `bot.py console` for the local chat console)"
    ]
    assert result.stdout == ""
    assert not (tmp_path / "a.sqlite3").exists()


def test_no_mode_without_a_token_still_starts_the_console(tmp_path: Path) -> None:
    """What `make run` calls: with no token, the console (here on piped input)."""
    result = subprocess.run(
        bot_command(),
        input="/help\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=bot_environment(DATABASE_PATH=str(tmp_path / "a.sqlite3")),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "No TELEGRAM_BOT_TOKEN set: starting the local chat console." in result.stdout
    assert "/assign" in result.stdout


def test_make_run_calls_the_default_mode() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "\t$(BIN)/python bot.py\n" in makefile  # run: the console without a token
    assert "\t$(BIN)/python bot.py console\n" in makefile


# --- 6. data/ only for SQLite ---------------------------------------------------------------


async def test_database_url_set_makes_no_sqlite_directory(
    tmp_path: Path, postgres_cluster: Cluster
) -> None:
    unused = tmp_path / "data" / "accord.sqlite3"
    world = World()
    async with (
        fake_telegram(world) as server,
        bot_process(server, unused, DATABASE_URL=postgres_cluster.new_database()) as bot,
    ):
        await wait_until(lambda: "all_group_chats" in world.commands, limit=40)
        bot.process.send_signal(signal.SIGTERM)
    assert bot.process.returncode == 0, bot.stderr
    assert not unused.parent.exists()


class NoSslServer:
    """A 127.0.0.1 port that answers PostgreSQL's SSLRequest with "N" (no SSL here), as a
    server without SSL does, on every connection."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.socket.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        with suppress(OSError):
            while True:
                connection, _ = self.socket.accept()
                with connection:
                    connection.recv(8)
                    connection.sendall(b"N")


def test_ssl_refused_by_the_server_is_permanent() -> None:
    """Trial 12b, 4: sslmode=require against a server without SSL exited 75 (try again),
    though no restart can change the server's answer."""
    server = NoSslServer()
    url = f"postgresql://accord:s3cret@127.0.0.1:{server.port}/accord?sslmode=require"
    result = start_against_unreachable_telegram(DATABASE_URL=url)
    server.socket.close()
    assert result.returncode == 2, result.stderr
    [line] = problems(result.stderr)
    assert line.startswith("Accord cannot start: DATABASE_URL: cannot use postgresql://"), line
    assert "SSL" in line
    assert "s3cret" not in line


# --- trial 12b, 10: one process per SQLite file ----------------------------------------------


def run_beside(
    database: Path, server: FakeBotApiServer, *arguments: str
) -> subprocess.CompletedProcess[str]:
    """Another ``bot.py`` on the same SQLite file, against the same fake Telegram."""
    return subprocess.run(
        bot_command(*arguments),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=bot_environment(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.base_url,
            DATABASE_PATH=str(database),
        ),
        check=False,
        stdin=subprocess.DEVNULL,
    )


async def test_a_second_bot_on_the_same_sqlite_file_is_refused_but_backup_works(
    tmp_path: Path,
) -> None:
    """Both processes started and served the same file; SQLite is single-process."""
    database = tmp_path / "accord.sqlite3"
    world = World()
    async with fake_telegram(world) as server, bot_process(server, database) as bot:
        await wait_until(lambda: "all_group_chats" in world.commands, limit=40)
        second = await asyncio.to_thread(run_beside, database, server, "run")
        assert second.returncode == 2, second.stderr
        [line] = problems(second.stderr)
        assert line == (
            f"Accord cannot start: DATABASE_PATH: {database} is in use by another Accord"
            f" process (it holds {database}.lock); stop it first, or give this one its own"
            " DATABASE_PATH"
        )
        copied = await asyncio.to_thread(
            run_beside, database, server, "backup", str(tmp_path / "copy.sqlite3")
        )
        assert copied.returncode == 0, copied.stderr
        assert bot.process.returncode is None  # the first carries on
        bot.process.send_signal(signal.SIGTERM)
    assert bot.process.returncode == 0, bot.stderr
    # The lock goes with the process: a new start is not refused.
    with (tmp_path / "accord.sqlite3.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
