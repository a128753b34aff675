"""One bot process per SQLite file: an exclusive lock, held for the process's life (the
kernel lets it go when the process ends, however it ends).

SQLite serialises writes but nothing else: two bots on one file would both poll
Telegram and both send the nudges. The lock is the file's, not the name's: a flock on
the database file itself (a hard link is the same file; SQLite's own locks are fcntl
locks, which Linux keeps apart from flock) and on ``<resolved path>.lock`` (a symlink
resolves to the same name; that file also says which process holds it). Backups don't
take it: a backup is made to run beside the bot. The console and migrate-to-postgres
take it for as long as they run: neither may run beside a bot on the same file.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class LockError(Exception):
    """The database can't be locked; the message says which file and what to do."""


class InUseError(LockError):
    """Another process holds the database; the message says which file and what to do."""


_held: list[int] = []  # the descriptors of locks held: closed only when the process ends


def hold(database: Path) -> Path:
    """Take the lock of ``database`` for the rest of this process; the lock file's path.
    Raises ``InUseError`` at once (never waits) if another process has it."""
    descriptors, lock = _take(database)
    _held.extend(descriptors)
    return lock


@contextmanager
def holding(database: Path, create: bool = True) -> Iterator[Path]:
    """The lock of ``database`` for the block only (the console, a migration).
    ``create=False`` leaves the files as they are (a migration changes nothing at its
    source): no new lock file, no process id written; the database's own flock, which
    every bot takes, still keeps one out."""
    descriptors, lock = _take(database, create)
    try:
        yield lock
    finally:
        for descriptor in descriptors:
            os.close(descriptor)


def _take(database: Path, create: bool = True) -> tuple[list[int], Path]:
    resolved = Path(os.path.realpath(database))
    lock = resolved.with_name(f"{resolved.name}.lock")
    taken: list[int] = []
    try:
        # The database file first: created empty if new (SQLite takes an empty file as a
        # new database), so a hard link made later is the same locked file.
        for path in (resolved, lock):
            if not create and path == lock and not lock.exists():
                continue  # no bot has run here since the file was made
            flags = os.O_RDWR | os.O_CREAT if create else os.O_RDONLY
            descriptor = os.open(path, flags, 0o600)
            taken.append(descriptor)
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        for descriptor in taken:
            os.close(descriptor)
        raise InUseError(
            f"DATABASE_PATH: {database} is in use by another Accord process (it holds"
            f" {lock}); stop it first, or give this one its own DATABASE_PATH"
        ) from None
    except OSError as error:  # a directory, no permission: SQLite would fail the same way
        for descriptor in taken:
            os.close(descriptor)
        raise LockError(f"DATABASE_PATH: cannot use {database}: {error.strerror}") from None
    if create:
        os.ftruncate(taken[-1], 0)
        os.write(taken[-1], f"{os.getpid()}\n".encode())  # who, for the operator
    return taken, lock
