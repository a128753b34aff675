"""Logging set-up: one format, chatty libraries quietened, the bot token never printed."""

from __future__ import annotations

import logging
import sys

from telegram.error import InvalidToken

# httpx and httpcore log request URLs, and a Bot API URL contains the token.
_QUIET_LOGGERS = ("httpx", "httpcore", "aiosqlite", "apscheduler", "hpack")
REDACTED = "[redacted-token]"


class RedactingFormatter(logging.Formatter):
    """A formatter that replaces every occurrence of the secrets in the final text."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._secrets = [secret for secret in secrets if secret]

    def format(self, record: logging.LogRecord) -> str:
        """Format as usual (traceback included), then redact."""
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def _not_an_invalid_token_report(record: logging.LogRecord) -> bool:
    """Drop PTB's traceback for a rejected token: bot.py reports it in one line."""
    error = record.exc_info[1] if record.exc_info else None
    return not isinstance(error, InvalidToken)


def _one_line_for_the_last_poll(record: logging.LogRecord) -> bool:
    """Stopping while Telegram is down, PTB's last getUpdates (marking fetched updates
    read) fails and it logs an ERROR with chained tracebacks. Nothing is wrong with
    Accord, and nothing is lost (a handled update delivered again is skipped): say so
    in one WARNING line."""
    if record.name == "telegram.ext.Updater" and "one more time" in str(record.msg):
        error = record.exc_info[1] if record.exc_info else None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg = (
            "Stopping while Telegram is unreachable (%s): the last updates fetched may be "
            "sent again at the next start, and those already handled are skipped"
        )
        record.args = (type(error).__name__ if error else "no answer",)
        record.exc_info, record.exc_text = None, None
    return True


def _one_line_for_the_pool(record: logging.LogRecord) -> bool:
    """asyncpg retries its pool's connections while PostgreSQL is down (waiting up to a
    minute between tries) with a traceback each time: keep the line, drop the traceback."""
    if record.name == "asyncpg.pool" and record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        detail = " ".join(str(error).split()) or "no detail"
        record.msg = f"{record.getMessage()} ({type(error).__name__}: {detail})"
        record.args = None
        record.exc_info, record.exc_text = None, None
    return True


class PoolRetriesOncePerOutage:
    """asyncpg says "Failed to restore the pool connection floor" at 1, 2, 4 … 60 s and
    then every minute while PostgreSQL is down: keep the first, drop the rest until the
    database answers again (app/outage.py logs that, and the next outage gets its line)."""

    FLOOR = "Failed to restore the pool connection floor"
    AGAIN = "The database answers again"

    def __init__(self) -> None:
        self.told = False

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a repeat of the pool's line within one outage."""
        if record.name == "app.outage" and str(record.msg).startswith(self.AGAIN):
            self.told = False
        elif record.name == "asyncpg.pool" and str(record.msg).startswith(self.FLOOR):
            if self.told:
                return False
            self.told = True
            record.msg = f"{record.msg} (said once per outage)"
        return True


def configure_logging(level: int, token: str | None, *others: str | None) -> None:
    """Send logs to stderr at ``level``, redacting ``token`` (and its secret half) and
    the ``others`` (the webhook secret: PTB logs setWebhook's parameters at DEBUG)."""
    secrets = [token, token.split(":", 1)[1]] if token else []
    secrets += [other for other in others if other]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    handler.addFilter(_not_an_invalid_token_report)
    handler.addFilter(_one_line_for_the_last_poll)
    handler.addFilter(PoolRetriesOncePerOutage())
    handler.addFilter(_one_line_for_the_pool)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.captureWarnings(True)  # warnings go through the redacting formatter too
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
