"""One bot process per SQLite file: an exclusive lock on ``<database>.lock``, held for
the process's life (the kernel lets it go when the process ends, however it ends).

SQLite serialises writes but nothing else: two bots on one file would both poll
Telegram and both send the nudges. Backups and the console don't take the lock: a
backup is made to run beside the bot, and the console is a local tool.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class InUseError(Exception):
    """Another process holds the database; the message says which file and what to do."""


_held: list[int] = []  # the descriptors of locks held: closed only when the process ends


def hold(database: Path) -> Path:
    """Take the lock of ``database`` for the rest of this process; its path. Raises
    ``InUseError`` at once (never waits) if another process has it."""
    lock = database.with_name(f"{database.name}.lock")
    descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise InUseError(
            f"DATABASE_PATH: {database} is in use by another Accord process (it holds"
            f" {lock}); stop it first, or give this one its own DATABASE_PATH"
        ) from None
    os.ftruncate(descriptor, 0)
    os.write(descriptor, f"{os.getpid()}\n".encode())  # who, for the operator
    _held.append(descriptor)
    return lock
