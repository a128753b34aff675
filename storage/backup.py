"""A consistent copy of the database while the bot runs (SQLite's online backup API).

The copy is made from one read transaction, so it holds the database as it was at one
moment, and in WAL mode the bot's writes go on meanwhile. It is written beside the
target under a fresh random name (created with O_EXCL, owner-only), checked, then
renamed: a failed backup leaves no half-written file at the target. Only a regular file
is ever replaced: never a symlink (nor what it points to), a device, a FIFO or a directory.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from contextlib import closing, suppress
from pathlib import Path

from storage.sqlite import RESTORE_HINT

CHECK_FAILED = "the copy failed its check"


class BackupError(Exception):
    """A backup that can't be made; the message says why."""


def backup(source: Path, target: Path, overwrite: bool = False) -> int:
    """Copy the database at ``source`` to ``target``; return the copy's size in bytes."""
    if not source.is_file():
        raise BackupError(f"DATABASE_PATH: there is no database at {source}")
    if not target.parent.is_dir():
        raise BackupError(f"there is no directory {target.parent}")
    existed = _check_target(source, target, overwrite)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    partial = Path(name)
    try:
        snapshot(source, partial)
        os.replace(partial, target)  # renames over a symlink, never writes through one
    except sqlite3.DatabaseError as error:
        if not _damaged(error):
            raise BackupError(f"{target}: {error}") from None
        # The copy is a fresh file: its pages are the live database's, so is the damage.
        kept = f"{target} was left untouched" if existed else f"nothing was written to {target}"
        raise BackupError(
            f"DATABASE_PATH: {source} is damaged ({error}); {kept}; {RESTORE_HINT}"
        ) from None
    except OSError as error:
        raise BackupError(f"{target}: {error}") from None
    finally:
        for leftover in (partial, Path(f"{partial}-journal")):
            with suppress(FileNotFoundError):
                leftover.unlink()
    return target.stat().st_size


def _damaged(error: sqlite3.DatabaseError) -> bool:
    """Whether ``error`` says a database file is corrupt (not a full disk, not busy)."""
    name = getattr(error, "sqlite_errorname", None)
    return name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or str(error).startswith(CHECK_FAILED)


def _check_target(source: Path, target: Path, overwrite: bool) -> bool:
    """Refuse an existing target that isn't a regular file, or any without ``overwrite``;
    say whether there is one (an earlier backup, kept if this one fails)."""
    try:
        found = os.lstat(target)  # lstat: a symlink is judged as itself
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(found.st_mode):
        raise BackupError(
            f"{target} is a {_kind(found.st_mode)}, not a regular file;"
            " give the path of a new file or of an earlier backup"
        )
    if not overwrite:
        raise BackupError(f"{target} already exists (add --overwrite to replace it)")
    if os.path.samefile(target, source):
        raise BackupError(f"{target} is the database itself")
    return True


def _kind(mode: int) -> str:
    """What a non-regular file is, in the words of the refusal."""
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def snapshot(source: Path, partial: Path) -> None:
    """The online backup of ``source`` (opened read-only: neither its content nor its
    mode changes) into the empty ``partial``, in rollback-journal mode, checked."""
    with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as origin:
        origin.execute("PRAGMA busy_timeout = 10000")
        with closing(sqlite3.connect(partial)) as copy:
            origin.backup(copy)
            # A single file to store or restore: no -wal beside it (the bot turns WAL on).
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in copy.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise sqlite3.DatabaseError(f"{CHECK_FAILED}: {problems[:3]}")
