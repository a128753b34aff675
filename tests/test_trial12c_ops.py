"""Third operator trial of issue 12 (TRIAL12C findings 1, 2, 7): the console and
migrate-to-postgres never run beside a bot on its database, and the lock is the file's."""

from __future__ import annotations

import asyncio
import io
import os
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import main
from config.settings import Settings, SettingsError, load_settings
from console.guard import ForeignDatabaseError
from console.terminal import run_console
from storage import single
from storage.backup import backup
from storage.chats import ChatRepository
from storage.database import Database
from tests.helpers import BOTH_BACKENDS
from tests.processes import ROOT, bot_command, bot_environment

REAL_GROUP = -1005555
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


async def _add_real_group(settings: Settings) -> None:
    database = await Database.open(settings.database)
    try:
        await ChatRepository(database).record(REAL_GROUP, "supergroup", "Real", NOW)
    finally:
        await database.close()


async def _chats(settings: Settings) -> dict[int, bool]:
    database = await Database.open(settings.database)
    try:
        repository = ChatRepository(database)
        found = {}
        for chat_id in await repository.ids():
            record = await repository.get(chat_id)
            assert record is not None
            found[chat_id] = record.active
        return found
    finally:
        await database.close()


@BOTH_BACKENDS
async def test_the_console_refuses_a_database_with_real_groups_and_touches_nothing(
    settings: Settings,
) -> None:
    await _add_real_group(settings)
    with pytest.raises(ForeignDatabaseError) as refused:
        await run_console(settings, stdin=io.StringIO(":clock +8d\n"), out=io.StringIO())
    name = "DATABASE_URL" if settings.database_url else "DATABASE_PATH"
    assert str(refused.value) == (
        f"{name} holds real groups (chat {REAL_GROUP}); the console simulates Telegram and"
        f" would mark them unreachable: use another {name}"
    )
    assert await _chats(settings) == {REAL_GROUP: True}  # still reachable, no demo groups


async def test_the_console_on_its_own_database_across_runs(settings: Settings) -> None:
    """Groups and people the console made in an earlier run are its own."""
    first = io.StringIO()
    lines = ":chat extra\n:as zed\n:dm\n/start\n:clock +2d\n"
    await run_console(settings, stdin=io.StringIO(lines), out=first)
    assert "Created group Extra" in first.getvalue()
    second = io.StringIO()
    await run_console(settings, stdin=io.StringIO(":chats\n"), out=second)
    assert "Partners for Health" in second.getvalue()
    assert all(active for active in (await _chats(settings)).values())


async def test_the_console_refuses_while_a_bot_holds_the_database(settings: Settings) -> None:
    with (
        single.holding(settings.database_path) as lock,
        pytest.raises(single.InUseError) as refused,
    ):
        await run_console(settings, stdin=io.StringIO(":clock +8d\n"), out=io.StringIO())
    assert str(refused.value) == (
        f"DATABASE_PATH: {settings.database_path} is in use by another Accord process (it"
        f" holds {lock}); stop it first, or give this one its own DATABASE_PATH"
    )
    assert await _chats(settings) == {}


def test_the_console_refusal_is_one_line_and_exit_2(tmp_path: Path) -> None:
    database = tmp_path / "real.db"
    asyncio.run(_add_real_group(load_settings({"DATABASE_PATH": str(database)}, env_file=None)))
    result = subprocess.run(
        [*bot_command(), "console"],
        input=":clock +8d\n:quit\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=bot_environment(DATABASE_PATH=str(database)),
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        "Accord cannot start: DATABASE_PATH holds real groups (chat -1005555); the console"
        " simulates Telegram and would mark them unreachable: use another DATABASE_PATH"
    )


@pytest.mark.parametrize("link", [os.symlink, os.link])
def test_the_lock_is_the_files_not_the_names(
    tmp_path: Path, link: Callable[[Path, Path], None]
) -> None:
    database = tmp_path / "poll.db"
    sqlite3.connect(database).close()
    other = tmp_path / "other"
    other.mkdir()
    linked = other / "link.db"
    link(database, linked)
    with single.holding(database), pytest.raises(single.InUseError), single.holding(linked):
        pass
    with single.holding(linked), pytest.raises(single.InUseError), single.holding(database):
        pass  # and the other way round
    with single.holding(linked):
        pass  # released at the end of the block


def test_sqlite_and_backup_work_under_the_lock(tmp_path: Path) -> None:
    database = tmp_path / "new.db"
    with single.holding(database):  # a new file: created empty, SQLite takes it as new
        with sqlite3.connect(database) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("CREATE TABLE t (x)")
            connection.execute("INSERT INTO t VALUES (1)")
        connection.close()
        assert backup(database, tmp_path / "copy.db") > 0
        with sqlite3.connect(tmp_path / "copy.db") as copy:
            assert copy.execute("SELECT x FROM t").fetchall() == [(1,)]
        copy.close()


def test_migrate_to_postgres_refuses_while_a_bot_holds_the_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "poll.db"
    sqlite3.connect(database).close()
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "DATABASE_PATH", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with single.holding(database) as lock:
        code = main(["migrate-to-postgres", str(database), "postgresql://u@127.0.0.1:1/db"])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        f"Accord cannot migrate: DATABASE_PATH: {database} is in use by another Accord process"
        f" (it holds {lock}); stop it first, or give this one its own DATABASE_PATH"
    )


def test_a_bad_sslmode_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """TRIAL12C 6: asyncpg's ClientConfigurationError was a 51-line traceback, exit 1."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:pw@127.0.0.1:1/db?sslmode=bogus")
    assert main(["console"]) == 2
    assert capsys.readouterr().err.strip() == (
        "Accord cannot start: DATABASE_URL: sslmode='bogus' is not one of disable, allow,"
        " prefer, require, verify-ca, verify-full"
    )
    # another setting asyncpg refuses before connecting: caught at open, one line too
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:pw@127.0.0.1:1/db?target_session_attrs=x")
    assert main(["console"]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(
        "Accord cannot start: DATABASE_URL: cannot use postgresql://u:***@127.0.0.1:1/db"
    )
    assert "target_session_attrs" in line


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (
            "https://user:pw@bot.example.org/tg",
            "TELEGRAM_WEBHOOK_URL: https://***@bot.example.org/… must not have a user name or"
            " password in it (the secret goes in TELEGRAM_WEBHOOK_SECRET)",
        ),
        (
            "https:///tg",
            "TELEGRAM_WEBHOOK_URL: https:///… has no host: give it like"
            " https://bot.example.org/telegram",
        ),
    ],
)
def test_webhook_urls_with_credentials_or_no_host_are_refused(url: str, words: str) -> None:
    """TRIAL12C 9: user:pw@ was accepted; https:///tg was 'not an https URL'."""
    with pytest.raises(SettingsError) as refused:
        load_settings(
            {
                "TELEGRAM_BOT_TOKEN": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0",
                "TELEGRAM_WEBHOOK_URL": url,
                "TELEGRAM_WEBHOOK_SECRET": "s3cret",
            },
            env_file=None,
        )
    assert str(refused.value) == words
    assert "pw" not in str(refused.value)


def test_the_systemd_environment_precedence_and_the_backup_token_are_documented() -> None:
    """TRIAL12C 10: a DATABASE_PATH in accord.env silently moved the database; the backup
    unit reads the token it doesn't need (it has no network to send it on)."""
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "systemd lets `EnvironmentFile=` override `Environment=` whatever their order" in readme
    assert "Leave `DATABASE_PATH` out of `accord.env`" in readme
    assert "`PrivateNetwork=yes`, Unix sockets only), so the token cannot leave it" in readme
    backup_unit = (ROOT / "deploy" / "accord-backup.service").read_text().splitlines()
    assert "PrivateNetwork=yes" in backup_unit
    assert "RestrictAddressFamilies=AF_UNIX" in backup_unit
