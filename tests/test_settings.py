"""Settings: defaults, .env, and one clear error per bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import DEFAULT_API_BASE_URL, SettingsError, load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings({}, env_file=None)
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base_url == DEFAULT_API_BASE_URL
    assert settings.database_path == Path("data/accord.sqlite3")
    assert (tmp_path / "data").is_dir()
    assert settings.default_timezone == "Europe/London"
    assert settings.log_level == "INFO"


def test_environment_overrides_dotenv(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\nDEFAULT_TIMEZONE=America/New_York\nLOG_LEVEL=debug\n"
        f"DATABASE_PATH={tmp_path / 'from-dotenv.db'}\n"
    )
    settings = load_settings({"DEFAULT_TIMEZONE": "Asia/Tokyo"}, env_file=env_file)
    assert settings.telegram_bot_token == TOKEN
    assert settings.default_timezone == "Asia/Tokyo"
    assert settings.log_level == "DEBUG"
    assert settings.database_path == tmp_path / "from-dotenv.db"


def test_self_hosted_api_base_url(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "DATABASE_PATH": str(tmp_path / "a"),
        },
        env_file=None,
    )
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEFAULT_TIMEZONE", "Europe/Londn", "did you mean Europe/London?"),
        ("DEFAULT_TIMEZONE", "Mars/Olympus", "not a known IANA timezone"),
        ("DEFAULT_TIMEZONE", "EST", "is an abbreviation, not a place"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "malformed"),
        ("TELEGRAM_BOT_TOKEN", "123:short", "malformed"),
        ("TELEGRAM_API_BASE_URL", "api.telegram.org/bot", "not an http(s) URL"),
        ("LOG_LEVEL", "LOUD", "not one of DEBUG"),
    ],
)
def test_bad_values_name_the_setting(tmp_path: Path, name: str, value: str, expected: str) -> None:
    environ = {"DATABASE_PATH": str(tmp_path / "db.sqlite3"), name: value}
    with pytest.raises(SettingsError) as caught:
        load_settings(environ, env_file=None)
    assert caught.value.setting == name
    assert expected in str(caught.value)
    assert str(caught.value).startswith(f"{name}: ")
    assert "\n" not in str(caught.value)


def test_malformed_token_is_never_echoed(tmp_path: Path) -> None:
    secret = TOKEN + "!"
    with pytest.raises(SettingsError) as caught:
        load_settings({"TELEGRAM_BOT_TOKEN": secret, "DATABASE_PATH": str(tmp_path / "d")}, None)
    assert secret not in str(caught.value)
    assert TOKEN.split(":")[1] not in str(caught.value)


def test_database_path_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(SettingsError) as caught:
        load_settings({"DATABASE_PATH": str(blocker / "sub" / "db.sqlite3")}, env_file=None)
    assert caught.value.setting == "DATABASE_PATH"
    assert "cannot create directory" in str(caught.value)


def test_database_path_that_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="is a directory"):
        load_settings({"DATABASE_PATH": str(tmp_path)}, env_file=None)


def test_repr_hides_the_token(tmp_path: Path) -> None:
    settings = load_settings(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_PATH": str(tmp_path / "d")}, env_file=None
    )
    assert TOKEN not in repr(settings)
    assert "token=set" in repr(settings)


def test_the_sqlite_directory_is_made_only_when_sqlite_is_used(tmp_path: Path) -> None:
    path = tmp_path / "data" / "accord.sqlite3"
    url = "postgresql://accord@127.0.0.1:5432/accord"
    settings = load_settings({"DATABASE_PATH": str(path), "DATABASE_URL": url}, env_file=None)
    assert settings.database_path == path
    assert not path.parent.exists()  # DATABASE_URL wins: DATABASE_PATH is unused
    load_settings({"DATABASE_PATH": str(path)}, env_file=None)
    assert path.parent.is_dir()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://accord:SeCrEt@part2@127.0.0.1:55432/accord",
        "postgresql://accord:a@b@c@db/accord",
        "postgres://acc@rd:pw@db:5432/accord",
    ],
)
def test_an_unencoded_at_in_database_url_is_refused_with_the_encoding_hint(
    tmp_path: Path, url: str
) -> None:
    """Trial 12b, 4: an unencoded "@" was looked up as a host (part2@127.0.0.1), shown as
    ***@127.0.0.1, and exited 75 (try again) for a mistake that never mends."""
    with pytest.raises(SettingsError) as caught:
        load_settings({"DATABASE_URL": url, "DATABASE_PATH": str(tmp_path / "a")}, env_file=None)
    message = str(caught.value)
    assert message.startswith("DATABASE_URL: ")
    assert "more than one @" in message
    assert "@ is %40" in message
    assert "SeCrEt" not in message
    assert "pw" not in message.split("%40")[0].split("***")[-1]
    assert "part2" not in message


def test_a_percent_encoded_at_in_database_url_is_accepted(tmp_path: Path) -> None:
    url = "postgresql://accord:SeCrEt%40part2@127.0.0.1:55432/accord"
    settings = load_settings({"DATABASE_URL": url, "DATABASE_PATH": str(tmp_path / "a")}, None)
    assert settings.database_url == url
