"""The Dockerfile installs the lock `make run` installs, runs as non-root with the
database on a volume; the compose file and the systemd unit say what README says;
the container's health check asks /healthz and fails on a 503."""

from __future__ import annotations

import asyncio
import configparser
import importlib.util
import logging
import re
from pathlib import Path
from types import ModuleType

import pytest
from telegram.ext import Application

from app.context import services_of
from app.serve import listener_for
from app.web import HttpListener
from config.settings import load_settings
from handlers.nudges import run_tick
from tests.processes import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    """The arguments of every ``name`` instruction, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [
        line.split(None, 1)[1].strip()
        for line in joined.splitlines()
        if line.split(None, 1)[:1] == [name]
    ]


def test_the_dockerfile_installs_the_lock_that_make_run_installs() -> None:
    makefile = (ROOT / "Makefile").read_text()
    runtime_rule = re.search(r"^\$\(VENV\)/\.runtime: (.+)\n((?:\t.+\n)+)", makefile, re.M)
    assert runtime_rule is not None
    assert "run: $(VENV)/.runtime" in makefile
    assert "install --disable-pip-version-check --quiet -r requirements.txt" in runtime_rule[2]
    assert instructions("FROM") == ["python:3.11-slim"]
    assert "requirements.txt ./" in instructions("COPY")
    [install] = [run for run in instructions("RUN") if "-r requirements" in run]
    assert "pip install --no-cache-dir -r requirements.txt" in install
    assert "requirements-dev" not in DOCKERFILE  # tests and lint stay out of the image
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "requirements.txt" not in ignored
    assert {".env", ".venv/", "data/"} <= set(ignored)  # no secrets, no local database


def test_the_dockerfile_runs_as_non_root_with_the_database_on_a_volume() -> None:
    [user] = instructions("USER")
    assert user not in ("root", "0")
    assert DOCKERFILE.index("USER") > DOCKERFILE.rindex("RUN ")  # nothing runs as root after
    assert "useradd --system --uid 10001 --user-group --home-dir /app" in DOCKERFILE
    env = " ".join(instructions("ENV"))
    [path] = re.findall(r"DATABASE_PATH=(\S+)", env)
    [volume] = instructions("VOLUME")
    assert path == "/data/accord.sqlite3"
    assert path.startswith(volume + "/")
    assert re.search(r"chown accord:accord /data\b", DOCKERFILE)


def test_matplotlib_writes_its_cache_where_the_non_root_user_may() -> None:
    """HOME is /app, owned by root: without MPLCONFIGDIR the first chart would warn and
    build the font cache in a fresh temporary directory every time."""
    env = " ".join(instructions("ENV"))
    [cache] = re.findall(r"MPLCONFIGDIR=(\S+)", env)
    [setup] = [run for run in instructions("RUN") if "useradd" in run]
    made = re.search(r"mkdir ([^&]+)", setup)
    owned = re.search(r"chown accord:accord ([^&]+)", setup)
    assert made is not None
    assert owned is not None
    assert cache in made[1].split()
    assert cache in owned[1].split()
    assert not cache.startswith("/app")  # the code stays the root's
    assert "8443" in instructions("EXPOSE")[0]
    [check] = instructions("HEALTHCHECK")
    assert "deploy/healthcheck.py" in check
    assert "curl" not in check
    assert instructions("CMD") == ['["python", "bot.py", "run"]']


def test_compose_runs_accord_with_postgres_on_volumes() -> None:
    compose = (ROOT / "compose.yaml").read_text()
    assert "image: postgres:15" in compose
    assert re.search(r"DATABASE_URL: postgresql://accord:\$\{POSTGRES_PASSWORD", compose)
    assert "accord-data:/data" in compose
    assert "postgres-data:/var/lib/postgresql/data" in compose
    assert '"127.0.0.1:8443:8443"' in compose  # /metrics is not published to the world
    assert "condition: service_healthy" in compose


def test_the_systemd_unit_runs_the_make_venv_as_its_own_user_hardened() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((ROOT / "deploy" / "accord.service").read_text())
    service = unit["Service"]
    assert service["User"] == "accord"
    assert service["ExecStart"] == "/opt/accord/.venv/bin/python bot.py run"
    assert service["Restart"] == "on-failure"
    assert service["RestartPreventExitStatus"] == "2"  # a bad setting: no restart loop
    assert service["ProtectSystem"] == "strict"
    assert service["NoNewPrivileges"] == "yes"
    assert "DATABASE_PATH=/var/lib/accord/accord.sqlite3" in unit_environment()
    assert service["StateDirectory"] == "accord"
    # Trial 12b, 8: HOME (/opt/accord) is read-only under ProtectSystem=strict, so
    # matplotlib rebuilt its font cache in a fresh temporary directory after each restart.
    assert service["CacheDirectory"] == "accord/matplotlib"
    assert "MPLCONFIGDIR=/var/cache/accord/matplotlib" in unit_environment()
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def unit_environment(name: str = "accord.service") -> list[str]:
    """Every ``Environment=`` assignment of the unit (configparser keeps the last line)."""
    return [
        assignment
        for line in (ROOT / "deploy" / name).read_text().splitlines()
        if line.startswith("Environment=")
        for assignment in line.removeprefix("Environment=").split()
    ]


def unit_file(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((ROOT / "deploy" / name).read_text())
    return unit


def test_the_backup_timer_and_service_agree_with_the_bot_unit_and_readme() -> None:
    bot = unit_file("accord.service")["Service"]
    backup = unit_file("accord-backup.service")["Service"]
    for key in ("User", "Group", "WorkingDirectory", "EnvironmentFile"):
        assert backup[key] == bot[key], key  # the same database, the same settings
    assert set(unit_environment("accord-backup.service")) <= set(unit_environment())
    assert backup["Type"] == "oneshot"
    command = backup["ExecStart"].split()
    assert command[:3] == ["/opt/accord/.venv/bin/python", "bot.py", "backup"]
    target = Path(command[3])
    assert backup["ReadWritePaths"] == str(target.parent)  # where it may write, no more
    assert backup["StateDirectory"] == bot["StateDirectory"]
    assert backup["ProtectSystem"] == "strict"
    timer = unit_file("accord-backup.timer")
    assert timer["Timer"]["OnCalendar"] == "daily"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"
    readme = (ROOT / "README.md").read_text()
    assert f"`{target.parent}`" in readme  # the directory is documented ...
    assert f"sudo install -d -o accord -g accord -m 700 {target.parent}" in readme  # ... made
    assert f"install -o accord -g accord -m 600 {target} " in readme  # ... restored from
    assert "enable --now accord-backup.timer" in readme
    assert "deploy/accord-backup.service deploy/accord-backup.timer" in readme


def healthcheck() -> ModuleType:
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "deploy/healthcheck.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_healthcheck_asks_the_listener_of_the_mode() -> None:
    check = healthcheck()
    assert check.health_url({"HEALTH_LISTEN": "0.0.0.0:8080"}) == "http://127.0.0.1:8080/healthz"
    webhook = {"TELEGRAM_WEBHOOK_URL": "https://x.example/t", "HEALTH_LISTEN": "0.0.0.0:8080"}
    assert check.health_url(webhook) == "http://127.0.0.1:8443/healthz"
    assert check.health_url({**webhook, "WEBHOOK_LISTEN": "[::]:9443"}).endswith(":9443/healthz")
    assert check.health_url({}) is None
    # TRIAL12C 10: the address the listener binds, not always 127.0.0.1
    listens = {
        "[::]:9443": "http://[::1]:9443/healthz",
        "[::1]:9443": "http://[::1]:9443/healthz",
        "10.0.0.5:8443": "http://10.0.0.5:8443/healthz",
        "127.0.0.2:8443": "http://127.0.0.2:8443/healthz",
    }
    for listen, url in listens.items():
        assert check.health_url({**webhook, "WEBHOOK_LISTEN": listen}) == url
    assert check.health_url({"HEALTH_LISTEN": "[fd00::7]:8080"}) == "http://[fd00::7]:8080/healthz"
    assert check.main({}) == 1


async def test_healthcheck_passes_on_200_and_fails_on_503(app: Application) -> None:
    check = healthcheck()
    listener = HttpListener(app, "127.0.0.1", 0)
    port = await listener.start()
    await run_tick(app)
    try:
        environ = {"HEALTH_LISTEN": f"127.0.0.1:{port}"}
        # urllib blocks: run it in a thread, so the listener on this loop can answer.
        assert await asyncio.to_thread(check.main, environ) == 0
        await services_of(app).database.close()
        assert await asyncio.to_thread(check.main, environ) == 1
    finally:
        await listener.stop()
    assert await asyncio.to_thread(check.main, environ) == 1  # nobody listening


def test_the_image_health_listen_in_webhook_mode_is_one_info_line(
    app: Application, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Trial 12b, 7: the image (and compose) set HEALTH_LISTEN for polling mode, so every
    webhook-mode start logged a WARNING the operator could do nothing about."""
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35,
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg",
            "TELEGRAM_WEBHOOK_SECRET": "a_secret",
            "HEALTH_LISTEN": "0.0.0.0:8080",
            "DATABASE_PATH": str(tmp_path / "a.sqlite3"),
        },
        env_file=None,
    )
    with caplog.at_level(logging.DEBUG, logger="app.serve"):
        listener = listener_for(app, settings)
    assert listener is not None
    assert listener.address == "0.0.0.0:8443"
    found = [r for r in caplog.records if "HEALTH_LISTEN" in r.getMessage()]
    assert [r.levelno for r in found] == [logging.INFO]


def test_compose_publishes_only_the_port_of_its_mode() -> None:
    compose = (ROOT / "compose.yaml").read_text()
    published = re.findall(r'^\s+- "(127\.0\.0\.1:\d+:\d+)"', compose, re.M)
    assert published == ["127.0.0.1:8443:8443"]  # webhook mode's; polling's is commented
    assert re.search(r'^\s+# - "127\.0\.0\.1:8080:8080"', compose, re.M)


def test_compose_says_which_passwords_work_in_both_the_image_and_the_url() -> None:
    """Trial 12b, 3: "or percent-encode it" gave a password the image stored literally
    and Accord decoded, so they never matched."""
    compose = (ROOT / "compose.yaml").read_text()
    assert "percent-encode it" not in compose
    assert "A-Z a-z 0-9 - _ . ~" in compose
    assert "token_urlsafe" in compose
    readme = (ROOT / "README.md").read_text()
    assert "Restarting (2)" in readme  # what exit 2 looks like under Docker
    assert "WEBHOOK_LISTEN=127.0.0.1:8443" in readme
    assert '"not\nopened"' not in readme
    assert '"not opened"' not in readme
    assert "-p 127.0.0.1:8443:8443" in readme
