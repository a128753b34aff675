"""Webhook and listener settings: defaults, and one clear line per bad value, never
showing the secret or the token."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import SettingsError, load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
SECRET = "a-Good_secret-0123456789"
URL = "https://bot.example.org/telegram/updates"


def test_polling_by_default(tmp_path: Path) -> None:
    settings = load_settings({"DATABASE_PATH": str(tmp_path / "a.db")}, env_file=None)
    assert settings.telegram_webhook_url is None
    assert settings.webhook_listen == ("0.0.0.0", 8443)
    assert settings.webhook_max_connections == 40
    assert settings.health_listen is None


def test_webhook_mode(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "DATABASE_PATH": str(tmp_path / "a.db"),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_URL": URL,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": "[::]:9000",
            "WEBHOOK_MAX_CONNECTIONS": "100",
            "HEALTH_LISTEN": "127.0.0.1:9090",
        },
        env_file=None,
    )
    assert settings.webhook_path == "/telegram/updates"
    assert settings.webhook_listen == ("::", 9000)
    assert settings.webhook_max_connections == 100
    assert settings.health_listen == ("127.0.0.1", 9090)
    assert SECRET not in repr(settings)
    assert "/telegram/updates" not in repr(settings)


def test_a_url_without_a_path_takes_updates_at_the_root(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "DATABASE_PATH": str(tmp_path / "a.db"),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.org:8443",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
        },
        env_file=None,
    )
    assert settings.webhook_path == "/"


@pytest.mark.parametrize(
    ("values", "setting", "words"),
    [
        ({"TELEGRAM_WEBHOOK_URL": "http://bot.example.org/t"}, "TELEGRAM_WEBHOOK_URL", "https"),
        ({"TELEGRAM_WEBHOOK_URL": "bot.example.org/t"}, "TELEGRAM_WEBHOOK_URL", "https"),
        ({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org:9000/t"}, "TELEGRAM_WEBHOOK_URL",
         "https://bot.example.org:9000/… has a port Telegram never calls: it calls only "
         "443, 80, 88 or 8443"),
        ({"TELEGRAM_WEBHOOK_URL": "bot.example.org/t"}, "TELEGRAM_WEBHOOK_URL",
         "TELEGRAM_WEBHOOK_URL: bot.example.org/… is not an https URL"),
        ({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/a%20b"}, "TELEGRAM_WEBHOOK_URL",
         "could never match"),
        ({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/a b"}, "TELEGRAM_WEBHOOK_URL",
         "could never match"),
        ({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/{x}"}, "TELEGRAM_WEBHOOK_URL",
         "could never match"),
        ({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/t?k=v"}, "TELEGRAM_WEBHOOK_URL",
         "no query"),
        ({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/healthz"}, "TELEGRAM_WEBHOOK_URL",
         "cannot have the path /healthz"),
        ({"TELEGRAM_WEBHOOK_SECRET": ""}, "TELEGRAM_WEBHOOK_SECRET", "required"),
        ({"TELEGRAM_WEBHOOK_SECRET": "has spaces in it"}, "TELEGRAM_WEBHOOK_SECRET", "malformed"),
        ({"TELEGRAM_WEBHOOK_SECRET": "x" * 257}, "TELEGRAM_WEBHOOK_SECRET", "malformed"),
        ({"TELEGRAM_WEBHOOK_SECRET": "sécret"}, "TELEGRAM_WEBHOOK_SECRET", "malformed"),
        ({"WEBHOOK_LISTEN": "8443"}, "WEBHOOK_LISTEN", "host:port"),
        ({"WEBHOOK_LISTEN": "0.0.0.0:99999"}, "WEBHOOK_LISTEN",
         "'0.0.0.0:99999': port 99999 is out of range (1 to 65535)"),
        ({"HEALTH_LISTEN": "127.0.0.1:0"}, "HEALTH_LISTEN", "out of range"),
        ({"WEBHOOK_MAX_CONNECTIONS": "0"}, "WEBHOOK_MAX_CONNECTIONS", "between 1 and 100"),
        ({"WEBHOOK_MAX_CONNECTIONS": "101"}, "WEBHOOK_MAX_CONNECTIONS", "between 1 and 100"),
        ({"HEALTH_LISTEN": "localhost"}, "HEALTH_LISTEN", "host:port"),
        ({"TELEGRAM_BOT_TOKEN": ""}, "TELEGRAM_WEBHOOK_URL", "TELEGRAM_BOT_TOKEN is not"),
    ],
)  # fmt: skip
def test_bad_values_name_the_setting_and_never_the_secret(
    tmp_path: Path, values: dict[str, str], setting: str, words: str
) -> None:
    environment = {
        "DATABASE_PATH": str(tmp_path / "a.db"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_URL": URL,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        **values,
    }
    with pytest.raises(SettingsError) as caught:
        load_settings(environment, env_file=None)
    assert caught.value.setting == setting
    assert words in str(caught.value)
    for secret in (TOKEN, environment["TELEGRAM_WEBHOOK_SECRET"] or "unset", "/telegram/updates"):
        assert secret not in str(caught.value)


def test_a_secret_without_a_url_refuses_to_start(tmp_path: Path) -> None:
    """A misspelt URL variable on a webhook deployment must not start polling, whose
    deleteWebhook would quietly remove the production webhook."""
    with pytest.raises(SettingsError) as caught:
        load_settings(
            {"DATABASE_PATH": str(tmp_path / "a.db"), "TELEGRAM_WEBHOOK_SECRET": SECRET},
            env_file=None,
        )
    assert caught.value.setting == "TELEGRAM_WEBHOOK_SECRET"
    assert "TELEGRAM_WEBHOOK_URL is not: webhook mode needs both" in str(caught.value)
    assert "removes the webhook" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_a_plain_webhook_path_is_accepted(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "DATABASE_PATH": str(tmp_path / "a.db"),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/hook/v1_a-b.c~d/",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
        },
        env_file=None,
    )
    assert settings.webhook_path == "/hook/v1_a-b.c~d/"
