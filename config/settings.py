"""Settings from the environment and an optional ``.env`` file, validated at start-up."""

from __future__ import annotations

import difflib
import functools
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dotenv import dotenv_values

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_PATH = "data/accord.sqlite3"
EXAMPLE_URL = "postgresql://accord:secret@localhost:5432/accord"
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")  # libpq's
DEFAULT_TIMEZONE = "Europe/London"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Per person: changes allowed at once, then how many more a minute; per chat: open actions.
DEFAULT_WRITE_BURST = 20
DEFAULT_WRITE_RATE_PER_MINUTE = 30
DEFAULT_MAX_OPEN_ACTIONS = 500
# How numeric dates are read: 05/12 is 5 December (DMY, the UK) or May 12 (MDY).
DATE_ORDERS = ("DMY", "MDY")
# Webhook mode: where Accord listens, and how many connections Telegram may open at once.
DEFAULT_WEBHOOK_LISTEN = "0.0.0.0:8443"
DEFAULT_WEBHOOK_MAX_CONNECTIONS = 40
# The only ports Telegram calls a webhook on.
WEBHOOK_PORTS = (443, 80, 88, 8443)
# What Telegram accepts as a webhook's secret_token (it sends it back in a header).
_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# The listener's own paths: the webhook cannot use them.
RESERVED_PATHS = ("/healthz", "/metrics")

# BotFather tokens look like "123456789:AAE..." : a numeric bot id, a colon, a secret.
_TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{30,64}$")


class SettingsError(ValueError):
    """A setting has a bad value; the message names the setting and the problem."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


@dataclass(frozen=True)
class Settings:
    """Validated configuration of one Accord process."""

    telegram_bot_token: str | None
    telegram_api_base_url: str
    database_path: Path
    default_timezone: str
    log_level: str
    write_burst: int = DEFAULT_WRITE_BURST
    write_rate_per_minute: int = DEFAULT_WRITE_RATE_PER_MINUTE
    max_open_actions: int = DEFAULT_MAX_OPEN_ACTIONS
    date_order: str = "DMY"
    telegram_webhook_url: str | None = None
    webhook_listen: tuple[str, int] = ("0.0.0.0", 8443)
    telegram_webhook_secret: str | None = None
    webhook_max_connections: int = DEFAULT_WEBHOOK_MAX_CONNECTIONS
    health_listen: tuple[str, int] | None = None

    database_url: str | None = None  # PostgreSQL; wins over database_path when set

    @property
    def database(self) -> Path | str:
        """Where the database is: the PostgreSQL URL if set, else the SQLite file."""
        return self.database_url or self.database_path

    @property
    def webhook_path(self) -> str:
        """The path Telegram posts updates to: the webhook URL's own ("/" when it has none)."""
        return urlsplit(self.telegram_webhook_url or "").path or "/"

    @property
    def zone(self) -> ZoneInfo:
        """The default timezone as a ``ZoneInfo``."""
        return ZoneInfo(self.default_timezone)

    def __repr__(self) -> str:
        """Show everything but the token and the webhook secret, which must never reach a
        log (nor the webhook URL's path, which some people make secret too)."""
        token = "set" if self.telegram_bot_token else "unset"
        webhook = urlsplit(self.telegram_webhook_url).netloc if self.telegram_webhook_url else None
        database = redacted_url(self.database_url) if self.database_url else self.database_path
        return (
            f"Settings(token={token}, api={self.telegram_api_base_url!r}, "
            f"db={str(database)!r}, tz={self.default_timezone!r}, "
            f"log={self.log_level!r}, writes={self.write_burst}+{self.write_rate_per_minute}/min, "
            f"open={self.max_open_actions}, dates={self.date_order}, webhook={webhook!r}, "
            f"health={self.health_listen!r})"
        )


@functools.cache
def _timezones_by_lower() -> dict[str, str]:
    """Every IANA name by its lower case; read once (listing them walks the tz database:
    20 ms, which each mistyped /timezone cost the event loop)."""
    return {candidate.lower(): candidate for candidate in sorted(available_timezones())}


# Abbreviations people write for a timezone, and the place that keeps it (summer time
# included): IANA's own "EST" or "CET" are fixed offsets that ignore it.
_ABBREVIATIONS = {
    "bst": "Europe/London", "gmt": "Europe/London", "uk": "Europe/London",
    "ist": "Europe/Dublin", "wet": "Europe/Lisbon", "west": "Europe/Lisbon",
    "cet": "Europe/Paris", "cest": "Europe/Paris", "eet": "Europe/Athens",
    "eest": "Europe/Athens", "est": "America/New_York", "edt": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago", "mst": "America/Denver",
    "mdt": "America/Denver", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "aest": "Australia/Sydney", "aedt": "Australia/Sydney", "nzst": "Pacific/Auckland",
}  # fmt: skip


@functools.cache
def _timezones_by_city() -> dict[str, str]:
    """Every IANA name by its place, lower case with spaces ("new york", "london")."""
    cities: dict[str, str] = {}
    for candidate in _timezones_by_lower().values():  # one read of the tz database
        if "/" in candidate and not candidate.startswith("Etc/"):
            cities.setdefault(candidate.rsplit("/", 1)[1].replace("_", " ").lower(), candidate)
    return cities


def suggest_timezone(name: str) -> str | None:
    """The known IANA timezone name closest to ``name``, if any is close: an
    abbreviation ("BST") or a place ("new york") gives the zone people mean."""
    by_lower = _timezones_by_lower()
    wanted = " ".join(name.replace("_", " ").split()).lower()
    if wanted in _ABBREVIATIONS:
        return _ABBREVIATIONS[wanted]
    if wanted in _timezones_by_city():
        return _timezones_by_city()[wanted]
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    matches = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[matches[0]] if matches else None


def validate_timezone(name: str) -> str:
    """Return ``name`` if it is an IANA timezone, else raise ``ValueError`` with a hint."""
    if name and "/" not in name.strip("/") and name.upper() not in ("UTC", "GMT"):
        # ZoneInfo accepts odd legacy names like "EST"; partnerships want Area/City.
        hint = suggest_timezone(name)
        raise ValueError(_timezone_problem(name, hint))
    name = _timezones_by_lower().get(name.lower(), name)  # europe/london is Europe/London
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        raise ValueError(_timezone_problem(name, suggest_timezone(name))) from None
    return name


def read_timezone(name: str) -> tuple[str, str | None]:
    """/timezone's reading of ``name``: an IANA Area/City, or an abbreviation people
    write ("CET", "BST", "EST") read as the place that keeps it, summer time included,
    with a note saying so; else ``ValueError`` with a hint."""
    wanted = name.strip()
    zone = _ABBREVIATIONS.get(wanted.lower()) if wanted.upper() not in ("UTC", "GMT") else None
    if zone is not None:
        return zone, f"read from {wanted}, with summer time"
    return validate_timezone(wanted), None


def _timezone_problem(name: str, hint: str | None) -> str:
    if name.lower() in _timezones_by_lower() and "/" not in name:
        # "EST" is in the tz database, but as an offset or alias, not the place meant
        return f"{name!r} is an abbreviation, not a place: write the Area/City" + (
            f" (did you mean {hint}?)" if hint and hint != name else ", such as Europe/London"
        )
    if hint and hint != name:
        return f"{name!r} is not a known IANA timezone (did you mean {hint}?)"
    return f"{name!r} is not a known IANA timezone such as Europe/London"


def _validate_token(value: str) -> str | None:
    if not value:
        return None
    if not _TOKEN_PATTERN.match(value):
        # Never echo the value: it may be a real token with a typo.
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN",
            "malformed: expected the form <digits>:<secret> that @BotFather gives",
        )
    return value


def _validate_base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(
            "TELEGRAM_API_BASE_URL",
            f"{value!r} is not an http(s) URL like {DEFAULT_API_BASE_URL}",
        )
    return value


def _validate_database_path(value: str) -> Path:
    path = Path(value).expanduser()
    if path.exists() and path.is_dir():
        raise SettingsError("DATABASE_PATH", f"{value!r} is a directory, not a file")
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise SettingsError(
            "DATABASE_PATH",
            f"cannot create directory {str(path.parent)!r}: {str(blocker)!r} is a file",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(
            "DATABASE_PATH", f"cannot create directory {str(path.parent)!r}: {exc.strerror}"
        ) from None
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise SettingsError("DATABASE_PATH", f"{value!r} is not writable")
    return path


_CREDENTIALS = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/]*):.*@")


def validate_database_url(value: str) -> str | None:
    """A PostgreSQL URL (``postgresql://`` or ``postgres://``), or ``None`` if unset."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("postgresql", "postgres") or not value.startswith(f"{parts.scheme}://"):
        raise SettingsError(
            "DATABASE_URL",
            f"{redacted_url(value)!r} is not a PostgreSQL URL like {EXAMPLE_URL}",
        )
    if parts.netloc.count("@") > 1:
        # Else the part after the first @ is looked up as the host (part2@db), and the
        # masked URL shown (up to the last @) would name another host than the one tried.
        raise SettingsError(
            "DATABASE_URL",
            "has more than one @ before the host (not shown: the password may be in any"
            " part): a password with @ / : # ? or + in it must be percent-encoded:"
            " @ is %40, / is %2F, : is %3A",
        )
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise SettingsError(
            "DATABASE_URL",
            f"{redacted_url(value)!r} has a bad port (a password with / : @ # ? or + in it "
            "must be percent-encoded: / is %2F, @ is %40)",
        ) from None
    for mode in parse_qs(parts.query).get("sslmode", []):
        if mode not in SSL_MODES:  # asyncpg would refuse it at connect, with a traceback
            raise SettingsError(
                "DATABASE_URL", f"sslmode={mode!r} is not one of {', '.join(SSL_MODES)}"
            )
    return value


def redacted_url(url: str) -> str:
    """``url`` with its password replaced by ``***``: never logged nor shown. Read from
    the text itself, up to the last ``@``, not from a URL parser: a password with an
    unencoded ``/`` or ``@`` in it would otherwise end the host part early and show."""
    return _CREDENTIALS.sub(r"\1:***@", url, count=1)


def _validate_log_level(value: str) -> str:
    level = value.upper()
    if level not in LOG_LEVELS:
        raise SettingsError("LOG_LEVEL", f"{value!r} is not one of {', '.join(LOG_LEVELS)}")
    return level


def _validate_count(setting: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(setting, f"{value!r} is not a whole number") from None
    if not low <= number <= high:
        raise SettingsError(setting, f"{number} is not between {low} and {high}")
    return number


def _validate_date_order(value: str) -> str:
    order = value.upper()
    if order not in DATE_ORDERS:
        raise SettingsError(
            "DATE_ORDER", f"{value!r} is not DMY (31/12, day first) or MDY (12/31, month first)"
        )
    return order


# What a webhook path may hold and still be matched as written: RFC 3986's path
# characters less "%" (the listener compares the decoded path, so an encoded character
# never matches) and less what aiohttp's routes read as patterns ("{", "}").
_WEBHOOK_PATH = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@/-]*$")


def _validate_webhook_url(value: str) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    try:
        port = parts.port or 443
    except ValueError:
        port = -1
    if parts.scheme != "https" or not value.lower().startswith("https://"):
        problem = "is not an https URL like https://bot.example.org/telegram (Telegram needs https)"
    elif "@" in parts.netloc:
        problem = (
            "must not have a user name or password in it (the secret goes in"
            " TELEGRAM_WEBHOOK_SECRET)"
        )
    elif not parts.hostname:
        problem = "has no host: give it like https://bot.example.org/telegram"
    elif port not in WEBHOOK_PORTS:
        problem = f"has a port Telegram never calls: it calls only {_ports()}"
    elif parts.query or parts.fragment:
        problem = "must have no query or fragment (the secret goes in TELEGRAM_WEBHOOK_SECRET)"
    elif (parts.path or "/") in RESERVED_PATHS:
        problem = f"cannot have the path {parts.path}, which Accord serves itself"
    elif not _WEBHOOK_PATH.match(parts.path):
        problem = (
            "has a path the listener could never match: use letters, digits and - . _ ~ /"
            " only (no %-encoded characters, spaces or other characters)"
        )
    else:
        return value
    # The host only: the path may be meant as a secret.
    raise SettingsError("TELEGRAM_WEBHOOK_URL", f"{_host_part(value)}/… {problem}")


def _ports() -> str:
    """Telegram's webhook ports in words: "443, 80, 88 or 8443"."""
    *first, last = map(str, WEBHOOK_PORTS)
    return f"{', '.join(first)} or {last}"


def _host_part(url: str) -> str:
    """What was given up to its path: "https://host:port", or for a URL without a scheme
    ("bot.example.org/telegram") its first part as written."""
    parts = urlsplit(url)
    if parts.scheme and url.startswith(f"{parts.scheme}://"):
        host = parts.netloc.rpartition("@")[2]  # never a password
        return f"{parts.scheme}://{'***@' if '@' in parts.netloc else ''}{host}"
    return url.split("/", 1)[0]


def _validate_listen(setting: str, value: str) -> tuple[str, int]:
    host, colon, port = value.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")  # [::]:8443
    if not colon or not host or not port.isdigit():
        raise SettingsError(
            setting, f"{value!r} is not host:port, like 0.0.0.0:8443 or 127.0.0.1:9090"
        )
    if not 1 <= int(port) <= 65535:
        raise SettingsError(setting, f"{value!r}: port {int(port)} is out of range (1 to 65535)")
    return host, int(port)


def _validate_webhook_secret(value: str, url: str | None) -> str | None:
    if not url:
        if value:
            # Most likely a misspelt or forgotten URL variable on a webhook deployment:
            # polling would start with deleteWebhook and quietly remove the webhook.
            raise SettingsError(
                "TELEGRAM_WEBHOOK_SECRET",
                "set, but TELEGRAM_WEBHOOK_URL is not: webhook mode needs both; without the "
                "URL Accord would poll, which removes the webhook (unset the secret to poll)",
            )
        return None
    if not value:
        raise SettingsError(
            "TELEGRAM_WEBHOOK_SECRET",
            "required when TELEGRAM_WEBHOOK_URL is set: 1 to 256 characters of A-Z, a-z, 0-9, "
            "_ and - (make one: python -c 'import secrets; print(secrets.token_urlsafe(32))')",
        )
    if not _SECRET_PATTERN.match(value):
        # Never echo the value, not even its length.
        raise SettingsError(
            "TELEGRAM_WEBHOOK_SECRET",
            "malformed: Telegram accepts 1 to 256 characters of A-Z, a-z, 0-9, _ and -",
        )
    return value


def load_settings(
    environ: Mapping[str, str] | None = None,
    env_file: str | Path | None = ".env",
    *,
    make_directory: bool = True,
) -> Settings:
    """Read settings from ``environ`` (default ``os.environ``) over an optional ``.env`` file.

    ``make_directory=False``: DATABASE_PATH is only read, never created (a command that
    reads an SQLite file it is given must leave no empty ``data/`` behind).
    Raises ``SettingsError`` naming the first bad setting.
    """
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str, default: str) -> str:
        return values.get(name, "").strip() or default

    timezone = get("DEFAULT_TIMEZONE", DEFAULT_TIMEZONE)
    try:
        validate_timezone(timezone)
    except ValueError as exc:
        raise SettingsError("DEFAULT_TIMEZONE", str(exc)) from None

    token = _validate_token(get("TELEGRAM_BOT_TOKEN", ""))
    webhook_url = _validate_webhook_url(get("TELEGRAM_WEBHOOK_URL", ""))
    if webhook_url and not token:
        raise SettingsError(
            "TELEGRAM_WEBHOOK_URL", "set, but TELEGRAM_BOT_TOKEN is not (a webhook needs the bot)"
        )
    health = get("HEALTH_LISTEN", "")
    database_url = validate_database_url(get("DATABASE_URL", ""))
    database_path = get("DATABASE_PATH", DEFAULT_DATABASE_PATH)
    return Settings(
        telegram_bot_token=token,
        telegram_api_base_url=_validate_base_url(
            get("TELEGRAM_API_BASE_URL", DEFAULT_API_BASE_URL)
        ),
        # Unused with DATABASE_URL (only migrate-to-postgres reads it then): no directory.
        database_path=(
            Path(database_path).expanduser()
            if database_url or not make_directory
            else _validate_database_path(database_path)
        ),
        default_timezone=timezone,
        log_level=_validate_log_level(get("LOG_LEVEL", "INFO")),
        write_burst=_validate_count(
            "WRITE_BURST", get("WRITE_BURST", str(DEFAULT_WRITE_BURST)), 1, 1_000_000
        ),
        write_rate_per_minute=_validate_count(
            "WRITE_RATE_PER_MINUTE",
            get("WRITE_RATE_PER_MINUTE", str(DEFAULT_WRITE_RATE_PER_MINUTE)),
            1,
            1_000_000,
        ),
        max_open_actions=_validate_count(
            "MAX_OPEN_ACTIONS", get("MAX_OPEN_ACTIONS", str(DEFAULT_MAX_OPEN_ACTIONS)), 1, 1_000_000
        ),
        date_order=_validate_date_order(get("DATE_ORDER", "DMY")),
        telegram_webhook_url=webhook_url,
        webhook_listen=_validate_listen(
            "WEBHOOK_LISTEN", get("WEBHOOK_LISTEN", DEFAULT_WEBHOOK_LISTEN)
        ),
        telegram_webhook_secret=_validate_webhook_secret(
            get("TELEGRAM_WEBHOOK_SECRET", ""), webhook_url
        ),
        webhook_max_connections=_validate_count(
            "WEBHOOK_MAX_CONNECTIONS",
            get("WEBHOOK_MAX_CONNECTIONS", str(DEFAULT_WEBHOOK_MAX_CONNECTIONS)),
            1,
            100,
        ),
        health_listen=_validate_listen("HEALTH_LISTEN", health) if health else None,
        database_url=database_url,
    )


def log_level_number(settings: Settings) -> int:
    """The ``logging`` level number of the configured level name."""
    return logging.getLevelNamesMapping()[settings.log_level]
