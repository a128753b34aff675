"""Accord's entry point: ``python bot.py [run|console|ask|backup|migrate-to-postgres]``.

``run`` long-polls Telegram (or takes its updates by webhook when
``TELEGRAM_WEBHOOK_URL`` is set) and refuses to start without ``TELEGRAM_BOT_TOKEN``: a
service or container asking for the bot must not get a console that ends at once.
With no mode (what ``make run`` calls) it is ``run`` when the token is set and the local
chat console when it is not; ``console`` always starts the console;
``backup PATH`` copies the database, also while the bot runs; ``migrate-to-postgres
[SQLITE_PATH [POSTGRESQL_URL]]`` copies an SQLite database into an empty PostgreSQL one.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sqlite3
import sys
from pathlib import Path

import asyncpg
from telegram.error import InvalidToken

from app.builder import build_application
from app.serve import ListenError, WebhookRefusedError, serve
from config.logs import configure_logging
from config.settings import (
    EXAMPLE_URL,
    Settings,
    SettingsError,
    load_settings,
    log_level_number,
    redacted_url,
    validate_database_url,
)
from console.guard import ForeignDatabaseError
from console.terminal import run_console
from guidance import semantic
from guidance.compiled import load_retriever
from storage import single
from storage.backup import BackupError, backup
from storage.postgres import may_mend
from storage.transfer import TransferError, copy_to_postgres

logger = logging.getLogger("accord")
MIGRATE = "migrate-to-postgres"


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """Read the command line: one sub-command each with its own arguments and --help."""
    parser = argparse.ArgumentParser(prog="bot.py", description="Accord, a bot for partnerships.")
    modes = parser.add_subparsers(
        dest="mode",
        metavar="MODE",
        help="none given: Telegram if TELEGRAM_BOT_TOKEN is set, else the console",
    )
    modes.add_parser("run", help="Telegram (needs TELEGRAM_BOT_TOKEN)")
    modes.add_parser("console", help="the local chat console")
    ask_mode = modes.add_parser(
        "ask", help="answer a question from the knowledge base and show how it matched"
    )
    ask_mode.add_argument("question", nargs="+", help="the question, e.g. how do we build trust?")
    backup_mode = modes.add_parser(
        "backup",
        usage="bot.py backup [-h] [--overwrite] FILE",
        help="copy the database to a file, also while the bot runs",
        description="Copy the SQLite database (DATABASE_PATH) to FILE, also while the bot runs.",
    )
    # "*" and a check of our own: "needs one file" rather than argparse's own words
    backup_mode.add_argument("file", nargs="*", metavar="FILE", help="the backup file to write")
    backup_mode.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    migrate_mode = modes.add_parser(
        MIGRATE,
        help="copy an SQLite database into an empty PostgreSQL one",
        description="Copy an SQLite database into an empty PostgreSQL one and check the"
        " row counts.",
    )
    migrate_mode.add_argument(
        "source", nargs="?", metavar="SQLITE_PATH", help="the SQLite file (default DATABASE_PATH)"
    )
    migrate_mode.add_argument(
        "url",
        nargs="?",
        metavar="POSTGRESQL_URL",
        help=f"the empty PostgreSQL database, e.g. {EXAMPLE_URL} (default DATABASE_URL)",
    )
    arguments, extra = parser.parse_known_args(argv)
    if extra and arguments.mode == MIGRATE:
        migrate_mode.error(f"{MIGRATE} takes at most an SQLite file and a postgresql:// URL")
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if arguments.mode == "backup" and len(arguments.file) != 1:
        backup_mode.error(
            f"backup takes one file to write ({len(arguments.file)} given),"
            " e.g. python bot.py backup accord.backup"
        )
    return arguments


def ask(question: str) -> None:
    """Print the answer, its entry id and score, for people who edit the knowledge base."""
    retriever = load_retriever()
    semantic.start(retriever.knowledge)
    semantic.wait()  # one question: answer it as the running bot would
    result = retriever.ask(question)
    if result.best is not None:
        entry = result.best.entry
        print(f"{entry.id}  (score {result.best.score:.2f}, coverage {result.coverage:.2f})")
        print(f"{entry.title}\n{entry.answer}\nSource: {entry.source}")
    else:
        print(f"No confident answer (coverage {result.coverage:.2f}); closest:")
    for match in result.candidates:
        print(f"  {match.entry.id}  score {match.score:.2f}")


def back_up(settings: Settings, target: str, overwrite: bool) -> int:
    """Copy the database to ``target``; one line on stderr and exit code 2 if it can't."""
    if settings.database_url:
        print(
            "Accord cannot back up: DATABASE_URL is set: the data is in PostgreSQL; back it"
            " up with pg_dump (see README)",
            file=sys.stderr,
        )
        return 2
    if not target.strip():
        print(
            "Accord cannot back up: the file name is empty; give the file to write,"
            " e.g. python bot.py backup accord.backup",
            file=sys.stderr,
        )
        return 2
    try:
        size = backup(settings.database_path, Path(target).expanduser(), overwrite)
    except BackupError as error:
        print(f"Accord cannot back up: {error}", file=sys.stderr)
        return 2
    print(f"Backed up {settings.database_path} to {target} ({size:,} bytes).")
    return 0


def run_telegram(settings: Settings) -> None:
    """Long-poll Telegram (or take its webhook) until stopped; network trouble is
    retried, never fatal."""
    # Before the event loop (which takes SIGTERM over once serve() starts), a SIGTERM
    # stops start-up as Ctrl-C does, so it too ends with the "stopped" line.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if not settings.database_url:
            single.hold(settings.database_path)  # SQLite: one bot process per file
        application = build_application(settings, exactly_once=True)
        mode = "webhook" if settings.telegram_webhook_url else "long polling"
        logger.info("Starting Accord against %s (%s)", settings.telegram_api_base_url, mode)
        asyncio.run(serve(application, settings))
    except KeyboardInterrupt:
        pass
    # Only a clean stop gets here: a failed start-up has said why in its own line.
    logger.info("Accord stopped")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def migrate_to_postgres(settings: Settings, source_given: str | None, url_given: str | None) -> int:
    """Copy the SQLite database into an empty PostgreSQL one and print the row counts;
    one line on stderr and exit code 2 if it can't."""
    source = Path(source_given).expanduser() if source_given else settings.database_path
    url = url_given or settings.database_url
    try:
        if not url:
            raise SettingsError("DATABASE_URL", f"give the PostgreSQL URL, e.g. {EXAMPLE_URL}")
        url = validate_database_url(url)
        assert url is not None
        if not source.is_file():
            raise TransferError(f"DATABASE_PATH: there is no SQLite database at {source}")
        # a bot still writing would lose what it wrote after the copy
        with single.holding(source, create=False):
            copied = asyncio.run(copy_to_postgres(source, url, redacted_url(url)))
    except (SettingsError, TransferError, single.LockError) as error:
        print(f"Accord cannot migrate: {error}", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        print(f"Accord cannot migrate: {_one_line(error)}", file=sys.stderr)
        return 2
    width = max(len(c.table) for c in copied)
    for c in copied:
        print(f"{c.table:<{width}}  {c.source:>8} rows in SQLite  {c.target:>8} in PostgreSQL")
    total = sum(c.target for c in copied)
    target = redacted_url(url)
    print(f"Copied {source} to {target}: {len(copied)} tables, {total:,} rows, counts equal.")
    return 0


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


NO_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set; `bot.py run` needs it"
    " (use `bot.py console` for the local chat console)"
)
NO_INPUT = (
    "the local chat console needs input, and stdin is closed"
    " (set TELEGRAM_BOT_TOKEN to run against Telegram)"
)
TRY_AGAIN = 75  # EX_TEMPFAIL: the database could not be reached; restarting may help


def main(argv: list[str] | None = None) -> int:
    """Start Accord; return the process exit code."""
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    if arguments.mode == "ask":
        ask(" ".join(arguments.question))
        return 0
    try:
        settings = load_settings(make_directory=arguments.mode != MIGRATE)
    except SettingsError as exc:
        print(f"Accord cannot start: {exc}", file=sys.stderr)
        return 2
    if arguments.mode == "backup":
        return back_up(settings, arguments.file[0], arguments.overwrite)
    if arguments.mode == MIGRATE:
        return migrate_to_postgres(settings, arguments.source, arguments.url)
    if arguments.mode == "run" and not settings.telegram_bot_token:
        print(f"Accord cannot start: {NO_TOKEN}", file=sys.stderr)
        return 2
    console = arguments.mode == "console" or not settings.telegram_bot_token
    if console and sys.stdin is None:  # started with stdin closed (`bot.py <&-`)
        print(f"Accord cannot start: {NO_INPUT}", file=sys.stderr)
        return 2
    level = log_level_number(settings)
    if console and level > logging.DEBUG:
        level = max(level, logging.WARNING)  # keep the chat readable; DEBUG shows all
    configure_logging(level, settings.telegram_bot_token, settings.telegram_webhook_secret)
    try:
        if console:
            if arguments.mode is None:
                print("No TELEGRAM_BOT_TOKEN set: starting the local chat console.", flush=True)
            asyncio.run(run_console(settings))
        else:
            run_telegram(settings)
    except InvalidToken:
        print(
            "Accord cannot start: TELEGRAM_BOT_TOKEN: Telegram rejected the token;"
            " ask @BotFather for it",
            file=sys.stderr,
        )
        return 2
    except WebhookRefusedError as exc:
        print(f"Accord cannot start: TELEGRAM_WEBHOOK_URL: Telegram refused it: {exc}",
              file=sys.stderr)  # fmt: skip
        return 2
    except (single.LockError, ForeignDatabaseError) as exc:
        print(f"Accord cannot start: {exc}", file=sys.stderr)
        return 2
    except ListenError as exc:
        print(f"Accord cannot start: {exc}", file=sys.stderr)
        # Taken may pass (the old process still stopping): a supervisor tries again.
        return TRY_AGAIN if exc.in_use else 2
    except sqlite3.Error as exc:
        # One line in the form of a settings error: the operator's fix is the same kind.
        print(
            f"Accord cannot start: DATABASE_PATH: cannot use {settings.database_path}: {exc}",
            file=sys.stderr,
        )
        return 2
    except (asyncpg.PostgresError, asyncpg.ClientConfigurationError, OSError) as exc:
        if not settings.database_url:
            raise
        print(
            f"Accord cannot start: DATABASE_URL: cannot use {redacted_url(settings.database_url)}:"
            f" {_one_line(exc)}",
            file=sys.stderr,
        )
        # Not reachable (down, starting, failing over) may mend itself: a supervisor
        # should try again. Refused (a wrong password, no such database, no SSL) will not.
        return TRY_AGAIN if may_mend(exc) else 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
