"""A throwaway PostgreSQL cluster for the tests: ``initdb`` in a temporary directory,
listening on a unix socket only, run as the unprivileged ``postgres`` user when the
tests run as root (PostgreSQL refuses root). No mocks: the real server.

``ACCORD_SKIP_POSTGRES=1`` skips the PostgreSQL tests where the server is not installed;
without it, missing binaries fail those tests with a message saying what to install.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import pytest

from storage.database import Database

BIN_DIRS = (Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin"))
TEMPLATE = "accord_template"
SKIP_VARIABLE = "ACCORD_SKIP_POSTGRES"


def _binaries() -> Path | None:
    for directory in BIN_DIRS:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("initdb") else None


def unavailable() -> None:
    """Fail (or skip, with ``ACCORD_SKIP_POSTGRES=1``) where PostgreSQL isn't installed."""
    message = (
        "PostgreSQL server binaries (initdb, pg_ctl) not found in "
        f"{', '.join(map(str, BIN_DIRS))} or on PATH: install postgresql-15 "
        f"(Debian) or set {SKIP_VARIABLE}=1 to skip the PostgreSQL tests"
    )
    if os.environ.get(SKIP_VARIABLE) == "1":
        pytest.skip(message)
    pytest.fail(message)


class Cluster:
    """One running server; :meth:`new_database` gives each test a fresh, migrated one."""

    def __init__(self) -> None:
        binaries = _binaries()
        if binaries is None:
            unavailable()
        assert binaries is not None
        self._bin = binaries
        self._root = Path(tempfile.mkdtemp(prefix="accord-pg-"))
        self._data = self._root / "data"
        self.socket_dir = self._root / "socket"
        self.socket_dir.mkdir()
        self._user = None if os.geteuid() != 0 else _unprivileged_user()
        if self._user is not None:
            record = pwd.getpwnam(self._user)
            for path in (self._root, self.socket_dir):
                os.chown(path, record.pw_uid, record.pw_gid)
        self._names = itertools.count(1)
        self._run("initdb", "-D", str(self._data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")  # fmt: skip
        options = (
            f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB"
            " -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self._data), "-l", str(self._root / "log"),
                  "-o", options, "-w", "-t", "60", "start")  # fmt: skip
        asyncio.run(self._make_template())

    def url(self, database: str) -> str:
        """The URL of ``database`` on this cluster (over its unix socket)."""
        return f"postgresql://postgres@/{database}?host={self.socket_dir}"

    async def _make_template(self) -> None:
        admin = await asyncpg.connect(self.url("postgres"))
        try:
            await admin.execute(f"CREATE DATABASE {TEMPLATE}")
        finally:
            await admin.close()
        database = await Database.open(self.url(TEMPLATE))
        await database.close()

    def new_database(self, migrated: bool = True) -> str:
        """A fresh database's URL: a copy of the migrated template, or empty (callable
        from a running event loop too: it runs on its own thread)."""
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, self._create(migrated)).result()

    async def _create(self, migrated: bool) -> str:
        name = f"accord_test_{next(self._names)}"
        admin = await asyncpg.connect(self.url("postgres"))
        try:
            template = TEMPLATE if migrated else "template0"
            await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        finally:
            await admin.close()
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and delete its files."""
        try:
            self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self._root, ignore_errors=True)

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(self._bin / program), *arguments]
        if self._user is not None:
            command = ["runuser", "-u", self._user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            log = self._root / "log"
            tail = log.read_text()[-2000:] if log.is_file() else ""
            raise RuntimeError(f"{program} failed: {result.stderr or result.stdout}\n{tail}")


def _unprivileged_user() -> str:
    """The ``postgres`` system user, which Debian's server package creates."""
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail("tests run as root need a 'postgres' user to run PostgreSQL as")
    return "postgres"
