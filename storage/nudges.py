"""Schedules (when each chat's digest and check-in fire), reminder bookkeeping, the log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from domain.model import Action
from domain.schedule import Schedule
from storage.actions import ACTION_COLUMNS, ACTION_JOINS, action_from_row
from storage.database import Database

NUDGE_LOG_KEPT = timedelta(days=90)
# A due date's key (see ``Due.key``): the day of an all-day one, else the moment.
_DUE_KEY = "COALESCE(a.due_on, a.due_at)"
_AWAITING = (
    f"a.closed_at IS NULL AND {_DUE_KEY} IS NOT NULL"
    f" AND (a.reminded_overdue_for IS NULL OR a.reminded_overdue_for != {_DUE_KEY})"
)


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class StoredSchedule:
    """A chat's schedule with its next slot and send time (UTC; None when off)."""

    chat_id: int
    schedule: Schedule
    slot_at: datetime | None
    next_fire_at: datetime | None


@dataclass(frozen=True)
class AwaitingReminder:
    """An open action with a due date whose reminders are not all handled yet."""

    action: Action
    before_done: bool
    overdue_done: bool
    timezone: str | None


@dataclass(frozen=True)
class Retry:
    """A nudge to send again: ``number`` names a reminder's action (0 otherwise)."""

    chat_id: int
    kind: str
    number: int
    slot_at: datetime
    retry_at: datetime


class ScheduleRepository:
    """Reads and writes ``schedules``, reminder flags on actions, and ``nudge_log``."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._pruned_at: datetime | None = None

    async def ensure(self, rows: list[StoredSchedule]) -> None:
        """Create schedules that don't exist yet (a chat's defaults); keep existing ones."""
        async with self._db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO schedules (chat_id, kind, enabled, frequency, weekday,"
                " at_time, slot_at, next_fire_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (chat_id, kind) DO NOTHING",
                [_row(r) for r in rows],
            )

    async def save(self, row: StoredSchedule) -> None:
        """Create or replace one schedule."""
        await self._db.execute_write(
            "INSERT INTO schedules (chat_id, kind, enabled, frequency, weekday,"
            " at_time, slot_at, next_fire_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id, kind) DO UPDATE SET enabled = excluded.enabled,"
            " frequency = excluded.frequency, weekday = excluded.weekday,"
            " at_time = excluded.at_time, slot_at = excluded.slot_at,"
            " next_fire_at = excluded.next_fire_at, last_sent_at = NULL",
            _row(row),
        )

    async def of_chat(self, chat_id: int) -> dict[str, StoredSchedule]:
        """The chat's schedules by kind."""
        rows = await self._db.fetch_all(_SELECT + " WHERE chat_id = ?", (chat_id,))
        return {row[1]: _stored(row) for row in rows}

    async def due(self, now: datetime, limit: int = 500) -> list[StoredSchedule]:
        """Schedules whose send time has come, oldest first (uses ``schedules_due``)."""
        rows = await self._db.fetch_all(
            _SELECT + " WHERE next_fire_at IS NOT NULL AND next_fire_at <= ?"
            " ORDER BY next_fire_at LIMIT ?",
            (_stamp(now), limit),
        )
        return [_stored(row) for row in rows]

    async def claim(
        self,
        taken: StoredSchedule,
        slot_at: datetime | None,
        next_fire_at: datetime | None,
        now: datetime,
    ) -> bool:
        """Move a due schedule on to its next slot, unless someone else already did.

        Done before sending: a crash mid-send loses that one nudge rather than sending
        it twice (at most once).
        """
        changed = await self._db.execute_write(
            "UPDATE schedules SET slot_at = ?, next_fire_at = ?, last_sent_at = ?"
            + self._claimed(
                "schedules", "chat_id, kind", "chat_id = ? AND kind = ? AND next_fire_at = ?"
            ),
            (
                _stamp(slot_at),
                _stamp(next_fire_at),
                _stamp(now),
                taken.chat_id,
                taken.schedule.kind,
                _stamp(taken.next_fire_at),
            ),
        )
        return changed == 1

    def _claimed(self, table: str, key: str, condition: str) -> str:
        """The ``WHERE`` of a claim: the row still as it was read (``condition``).

        Either way a row is claimed at most once: two claims of one row run one after
        the other and the second finds it changed. PostgreSQL takes the row with
        ``FOR UPDATE SKIP LOCKED``, so an instance never waits for a row another
        instance is claiming; it moves on, and the row is that instance's.
        """
        if self._db.dialect == "postgres":
            return (
                f" WHERE ({key}) IN (SELECT {key} FROM {table} WHERE {condition}"
                " FOR UPDATE SKIP LOCKED)"
            )
        return f" WHERE {condition}"

    async def pause(self, chat_id: int) -> None:
        """Stop a chat's nudges (the bot left or was removed)."""
        await self._db.execute_write(
            "UPDATE schedules SET slot_at = NULL, next_fire_at = NULL WHERE chat_id = ?",
            (chat_id,),
        )

    async def awaiting_reminders(self, horizon: datetime) -> list[AwaitingReminder]:
        """Open actions due by ``horizon`` in active chats with reminders on, whose
        reminders are not all handled (uses ``actions_awaiting_reminders``)."""
        rows = await self._db.fetch_all(
            "SELECT a.reminded_before_for, a.reminded_overdue_for, c.timezone,"
            f" {ACTION_COLUMNS} {ACTION_JOINS}"
            f" WHERE {_AWAITING} AND {_DUE_KEY} <= ? AND c.active = 1 AND c.reminders_enabled = 1",
            (_stamp(horizon),),
        )
        awaiting = []
        for row in rows:
            action = action_from_row(row[3:])
            key = action.due.key if action.due else None
            awaiting.append(AwaitingReminder(action, row[0] == key, row[1] == key, row[2]))
        return awaiting

    async def claim_reminder(self, action: Action, kind: str) -> bool:
        """Mark a reminder handled for the action's current due date; False if it was."""
        column = "reminded_before_for" if kind == "before" else "reminded_overdue_for"
        key = "COALESCE(due_on, due_at)"
        changed = await self._db.execute_write(
            f"UPDATE actions SET {column} = {key}"
            + self._claimed(
                "actions",
                "action_id",
                f"action_id = ? AND {key} = ? AND ({column} IS NULL OR {column} != {key})",
            ),
            (action.action_id, action.due.key if action.due else None),
        )
        return changed == 1

    async def log(
        self, chat_id: int, kind: str, slot_at: datetime, outcome: str, now: datetime
    ) -> None:
        """Record what happened to one nudge."""
        await self._db.execute_write(
            "INSERT INTO nudge_log (chat_id, kind, slot_at, logged_at, outcome)"
            " VALUES (?, ?, ?, ?, ?)",
            (chat_id, kind, _stamp(slot_at), _stamp(now), outcome),
        )

    async def prune_log(self, now: datetime) -> None:
        """Forget ``nudge_log`` rows older than ``NUDGE_LOG_KEPT`` (at most daily)."""
        if self._pruned_at is not None and now - self._pruned_at < timedelta(days=1):
            return
        await self._db.execute_write(
            "DELETE FROM nudge_log WHERE logged_at < ?", (_stamp(now - NUDGE_LOG_KEPT),)
        )
        self._pruned_at = now

    async def add_retry(self, retry: Retry) -> None:
        """Try a failed nudge again at ``retry.retry_at`` (replacing an older retry of it)."""
        await self._db.execute_write(
            "INSERT INTO nudge_retries (chat_id, kind, number, slot_at, retry_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id, kind, number) DO UPDATE SET"
            " slot_at = excluded.slot_at, retry_at = excluded.retry_at",
            (
                retry.chat_id,
                retry.kind,
                retry.number,
                _stamp(retry.slot_at),
                _stamp(retry.retry_at),
            ),
        )

    async def due_retries(self, now: datetime, limit: int = 500) -> list[Retry]:
        """Retries whose time has come, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT chat_id, kind, number, slot_at, retry_at FROM nudge_retries"
            " WHERE retry_at <= ? ORDER BY retry_at LIMIT ?",
            (_stamp(now), limit),
        )
        at = datetime.fromisoformat
        return [Retry(r[0], r[1], r[2], at(r[3]), at(r[4])) for r in rows]

    async def claim_retry(self, retry: Retry) -> bool:
        """Take a retry before sending it (at most once); False if someone else did."""
        changed = await self._db.execute_write(
            "DELETE FROM nudge_retries"
            + self._claimed(
                "nudge_retries",
                "chat_id, kind, number",
                "chat_id = ? AND kind = ? AND number = ? AND retry_at = ?",
            ),
            (retry.chat_id, retry.kind, retry.number, _stamp(retry.retry_at)),
        )
        return changed == 1

    async def drop_retries(self, chat_id: int, kind: str) -> None:
        """Forget pending retries of a digest or check-in: a newer one is going out."""
        await self._db.execute_write(
            "DELETE FROM nudge_retries WHERE chat_id = ? AND kind = ?", (chat_id, kind)
        )

    async def logged(self, chat_id: int) -> list[tuple[str, str, str]]:
        """``(kind, slot, outcome)`` of the chat's nudges, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT kind, slot_at, outcome FROM nudge_log WHERE chat_id = ? ORDER BY entry_id",
            (chat_id,),
        )
        return [(r[0], r[1], r[2]) for r in rows]


_SELECT = (
    "SELECT chat_id, kind, enabled, frequency, weekday, at_time, slot_at, next_fire_at"
    " FROM schedules"
)


def _row(stored: StoredSchedule) -> tuple[Any, ...]:
    s = stored.schedule
    return (
        stored.chat_id,
        s.kind,
        int(s.enabled),
        s.frequency,
        s.weekday,
        s.at.strftime("%H:%M"),
        _stamp(stored.slot_at),
        _stamp(stored.next_fire_at),
    )


def _stored(row: Sequence[Any]) -> StoredSchedule:
    hour, minute = (int(part) for part in row[5].split(":"))
    schedule = Schedule(row[1], bool(row[2]), row[3], row[4], time(hour, minute))
    return StoredSchedule(row[0], schedule, _moment(row[6]), _moment(row[7]))
