"""Run ``bot.py`` as its own process, as a user would, with a clean environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot.py"
SETTINGS = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "DATABASE_PATH",
    "DATABASE_URL",
    "DEFAULT_TIMEZONE",
    "LOG_LEVEL",
    "TELEGRAM_WEBHOOK_URL",
    "TELEGRAM_WEBHOOK_SECRET",
    "WEBHOOK_LISTEN",
    "WEBHOOK_MAX_CONNECTIONS",
    "HEALTH_LISTEN",
)


def bot_command(*arguments: str) -> list[str]:
    """The command line that starts the bot with this interpreter."""
    return [sys.executable, str(BOT), *arguments]


def bot_environment(**settings: str) -> dict[str, str]:
    """The current environment without Accord's settings, plus ``settings``."""
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    environment.update(settings)
    environment["PYTHONUNBUFFERED"] = "1"
    return environment
