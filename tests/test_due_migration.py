"""Migration 0005: all-day due dates, kept until then as 23:59 local time in UTC, become
the local date they meant, in every timezone; due times, history and reminders follow."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.due import Due
from register.render import history_lines
from storage.actions import ActionRepository
from storage.database import Database, migration_files

STAMP = "2026-11-20T10:00:00+00:00"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DUE_MIGRATION = next(n for n, p in migration_files() if p.name.endswith("_due_dates.sql"))

# (chat timezone, the old due_at of an all-day due date, the day it meant)
ALL_DAY = [
    (None, "2026-11-27T23:59:00+00:00", "2026-11-27"),  # the default, Europe/London
    ("Europe/London", "2026-06-05T22:59:00+00:00", "2026-06-05"),  # summer time
    ("Asia/Tokyo", "2026-11-27T14:59:00+00:00", "2026-11-27"),
    ("Asia/Kathmandu", "2026-11-27T18:14:00+00:00", "2026-11-27"),  # +05:45
    ("America/New_York", "2026-11-28T04:59:00+00:00", "2026-11-27"),
    ("America/Los_Angeles", "2026-11-28T07:59:00+00:00", "2026-11-27"),
    ("Pacific/Auckland", "2026-11-27T10:59:00+00:00", "2026-11-27"),  # +13: the overlap
    ("Pacific/Honolulu", "2026-11-28T09:59:00+00:00", "2026-11-27"),  # -10: the overlap
    ("Pacific/Kiritimati", "2026-11-27T09:59:00+00:00", "2026-11-27"),  # +14
    ("Asia/Tokyo", "9999-12-31T14:59:00+00:00", "9999-12-30"),  # accepted before the limit
]


async def _legacy_database(path: Path, scratch: Path) -> None:
    """A database at the version before the migration, with rows as the old code wrote."""
    partial = scratch / "partial"
    partial.mkdir()
    for _, migration in migration_files()[: DUE_MIGRATION - 1]:
        shutil.copy(migration, partial / migration.name)
    database = await Database.open(path, migrations=partial)
    await database.close()
    with sqlite3.connect(path) as connection:
        for index, (zone, due_at, _) in enumerate(ALL_DAY, 1):
            connection.execute(
                "INSERT INTO chats (chat_id, type, title, timezone, created_at, updated_at)"
                " VALUES (?, 'supergroup', 'g', ?, ?, ?)",
                (-index, zone, STAMP, STAMP),
            )
            connection.execute(
                "INSERT INTO actions (action_id, chat_id, number, title, owner_handle, due_at,"
                " due_all_day, created_by, created_at, updated_at, reminded_before_for)"
                " VALUES (?, ?, 1, 't', 'sam', ?, 1, 1, ?, ?, ?)",
                (index, -index, due_at, STAMP, STAMP, due_at),
            )
        connection.execute(  # a due time: a moment, kept as it is
            "INSERT INTO actions (action_id, chat_id, number, title, owner_handle, due_at,"
            " due_all_day, created_by, created_at, updated_at, reminded_overdue_for)"
            " VALUES (100, -1, 2, 'timed', 'sam', '2026-11-27T17:00:00+00:00', 0, 1, ?, ?,"
            " '2026-11-26T17:00:00+00:00')",
            (STAMP, STAMP),
        )
        connection.execute(
            "INSERT INTO action_events (action_id, actor_user_id, at, kind, old_value,"
            " new_value) VALUES (5, 1, ?, 'due', '2026-11-28T04:59:00+00:00|1',"
            " '2026-11-27T17:00:00+00:00|0')",
            (STAMP,),
        )


async def test_all_day_rows_become_the_day_they_meant(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    await _legacy_database(path, tmp_path)
    database = await Database.open(path)
    try:
        actions = ActionRepository(database)
        for index, (zone, _, day) in enumerate(ALL_DAY, 1):
            action = await actions.get(-index, 1)
            assert action is not None
            assert action.due == Due(on=date.fromisoformat(day)), zone
            # Rendered in any timezone, the day is the day.
            assert action.due.describe(ZoneInfo("Asia/Tokyo"), NOW).startswith(
                date.fromisoformat(day).strftime("%a")
            )
        timed = await actions.get(-1, 2)
        assert timed is not None
        assert timed.due == Due(at=datetime(2026, 11, 27, 17, 0, tzinfo=UTC))
        rows = await database.fetch_all(
            "SELECT action_id, reminded_before_for, reminded_overdue_for FROM actions"
            " ORDER BY action_id"
        )
        # A reminder handled for the old due date stays handled for the same day.
        assert [r[1] for r in rows[: len(ALL_DAY)]] == [day for _, _, day in ALL_DAY]
        assert rows[-1][2] == "2026-11-26T17:00:00+00:00"  # an older due time: unchanged
        new_york = await actions.get(-5, 1)
        [event] = await actions.history(new_york)  # type: ignore[arg-type]
        assert (event.old_value, event.new_value) == ("2026-11-27", "2026-11-27T17:00:00+00:00")
        [line] = history_lines([event], ZoneInfo("America/New_York"), NOW)
        assert "due Fri 27 Nov → Fri 27 Nov 12:00" in line
        columns = {r[1] for r in await database.fetch_all("PRAGMA table_info(actions)")}
        assert "due_all_day" not in columns
    finally:
        await database.close()
