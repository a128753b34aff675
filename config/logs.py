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
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.captureWarnings(True)  # warnings go through the redacting formatter too
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
