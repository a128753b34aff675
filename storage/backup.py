"""A consistent copy of the database while the bot runs (SQLite's online backup API).

The copy is made from one read transaction, so it holds the database as it was at one
moment, and in WAL mode the bot's writes go on meanwhile. It is written beside the
target under a temporary name, checked, then renamed: a failed backup leaves no
half-written file at the target.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing, suppress
from pathlib import Path

from storage.database import create_private


class BackupError(Exception):
    """A backup that can't be made; the message says why."""


def backup(source: Path, target: Path, overwrite: bool = False) -> int:
    """Copy the database at ``source`` to ``target``; return the copy's size in bytes."""
    if not source.is_file():
        raise BackupError(f"DATABASE_PATH: there is no database at {source}")
    if not target.parent.is_dir():
        raise BackupError(f"there is no directory {target.parent}")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} already exists (add --overwrite to replace it)")
    if target.exists() and target.resolve() == source.resolve():
        raise BackupError(f"{target} is the database itself")
    partial = target.with_name(f".{target.name}.partial")
    try:
        _copy(source, partial)
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as error:
        raise BackupError(f"{target}: {error}") from None
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            with suppress(FileNotFoundError):
                leftover.unlink()
    return target.stat().st_size


def _copy(source: Path, partial: Path) -> None:
    """The online backup into ``partial`` (owner-only), in rollback-journal mode, checked."""
    with suppress(FileNotFoundError):
        partial.unlink()
    create_private(partial)
    with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as origin:
        origin.execute("PRAGMA busy_timeout = 10000")
        with closing(sqlite3.connect(partial)) as copy:
            origin.backup(copy)
            # A single file to store or restore: no -wal beside it (the bot turns WAL on).
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in copy.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise sqlite3.DatabaseError(f"the copy failed its check: {problems[:3]}")
