"""Chats the bot is in: type, title, timezone and whether the bot is still there."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.database import Database, Transaction
from storage.lru import LruDict

CHATS_CACHED = 10_000


@dataclass(frozen=True)
class ChatRecord:
    """One chat as stored, with its nudge settings."""

    chat_id: int
    type: str
    title: str | None
    timezone: str | None
    active: bool
    quiet_start: str | None = None
    quiet_end: str | None = None
    quiet_weekends: bool = False
    reminders_enabled: bool = True
    last_digest_at: datetime | None = None
    healthcheck_quarterly: bool = False
    healthcheck_next_at: datetime | None = None  # UTC: the next scheduled round
    digest_chart: bool = False  # the /progress chart goes with the digest


class ChatRepository:
    """Reads and writes the ``chats`` table.

    ``record`` runs on every update, so it remembers what it last wrote and skips
    writes that would change nothing.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._written: LruDict[int, tuple[str, str | None, bool]] = LruDict(CHATS_CACHED)

    async def record(
        self, chat_id: int, chat_type: str, title: str | None, now: datetime, active: bool = True
    ) -> bool:
        """Insert or refresh a chat seen in an update; whether anything was written."""
        state = (chat_type, title, active)
        if self._written.get(chat_id) == state:
            return False
        stamp = now.isoformat(timespec="seconds")
        await self._db.execute_write(
            """
            INSERT INTO chats (chat_id, type, title, active, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET
                type = excluded.type, title = excluded.title,
                active = excluded.active, updated_at = excluded.updated_at
            """,
            (chat_id, chat_type, title, int(active), stamp, stamp),
        )
        self._written[chat_id] = state
        return True

    async def get(self, chat_id: int) -> ChatRecord | None:
        """The stored chat, or ``None`` if the bot has never seen it."""
        row = await self._db.fetch_one(_SELECT_CHAT + " WHERE chat_id = ?", (chat_id,))
        return _chat(row) if row is not None else None

    async def ids(self) -> list[int]:
        """Every chat id stored (the console checks a database is its own with them)."""
        rows = await self._db.fetch_all("SELECT chat_id FROM chats ORDER BY chat_id")
        return [int(row[0]) for row in rows]

    async def healthchecks_due(self, now: datetime) -> list[ChatRecord]:
        """Active chats whose quarterly health check is due."""
        rows = await self._db.fetch_all(
            _SELECT_CHAT + " WHERE healthcheck_quarterly = 1 AND active = 1"
            " AND healthcheck_next_at IS NOT NULL AND healthcheck_next_at <= ?",
            (now.isoformat(timespec="seconds"),),
        )
        return [_chat(row) for row in rows]

    async def claim_healthcheck(self, chat_id: int, slot: datetime, next_at: datetime) -> bool:
        """Move a chat's health check from ``slot`` to ``next_at``; whether this call did
        (at most once: a second tick, or a crash after the claim, does not run it again)."""
        changed = await self._db.execute_write(
            "UPDATE chats SET healthcheck_next_at = ? WHERE chat_id = ?"
            " AND healthcheck_next_at = ?",
            (next_at.isoformat(timespec="seconds"), chat_id, slot.isoformat(timespec="seconds")),
        )
        return changed > 0

    async def update_settings(self, chat_id: int, **settings: object) -> None:
        """Set nudge settings: timezone, quiet_start, quiet_end, quiet_weekends,
        reminders_enabled, last_digest_at, healthcheck_quarterly, healthcheck_next_at,
        digest_chart."""
        allowed = set(_SETTINGS)
        if not settings or not settings.keys() <= allowed:
            raise ValueError(f"unknown chat settings: {sorted(settings.keys() - allowed)}")
        values = [
            v.isoformat(timespec="seconds") if isinstance(v, datetime) else v
            for v in settings.values()
        ]
        assignments = ", ".join(f"{name} = ?" for name in settings)
        await self._db.execute_write(
            f"UPDATE chats SET {assignments} WHERE chat_id = ?", (*values, chat_id)
        )

    async def set_active(self, chat_id: int, active: bool, now: datetime) -> None:
        """Mark whether the bot is still in the chat (e.g. after a Forbidden reply)."""
        await self._db.execute_write(
            "UPDATE chats SET active = ?, updated_at = ? WHERE chat_id = ?",
            (int(active), now.isoformat(timespec="seconds"), chat_id),
        )
        self._written.pop(chat_id, None)

    async def migrate(self, old_id: int, new_id: int, now: datetime) -> Merged | None:
        """A group became a supergroup: its rows follow it to the new id; ``None`` if the
        old group is unknown (already moved).

        If Accord already knows the supergroup (an update from it came first), the two
        merge: see :func:`_merge`.
        """
        if old_id == new_id:
            return None
        stamp = now.isoformat(timespec="seconds")
        async with self._db.transaction(old_id, new_id) as tx:
            cursor = await tx.execute("SELECT 1 FROM chats WHERE chat_id = ?", (old_id,))
            if await cursor.fetchone() is None:
                return None
            cursor = await tx.execute("SELECT 1 FROM chats WHERE chat_id = ?", (new_id,))
            merged = Merged()
            if await cursor.fetchone() is not None:
                merged = await _merge(tx, old_id, new_id)
            else:  # foreign keys cascade from chats.chat_id
                await tx.execute(
                    "UPDATE chats SET chat_id = ?, type = 'supergroup', active = 1,"
                    " updated_at = ? WHERE chat_id = ?",
                    (new_id, stamp, old_id),
                )
            await tx.execute("UPDATE nudge_log SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
            shift = next((new - old for old, new in merged.renumbered.items()), 0)
            # A pending retry follows (replacing the supergroup's of the same nudge); a
            # reminder's names the new number.
            moved = "number + CASE WHEN kind LIKE 'reminder-%' THEN ? ELSE 0 END"
            await tx.execute(
                "DELETE FROM nudge_retries WHERE chat_id = ? AND EXISTS (SELECT 1 FROM"
                f" (SELECT kind, {moved} AS number FROM nudge_retries WHERE chat_id = ?) o"
                " WHERE o.kind = nudge_retries.kind AND o.number = nudge_retries.number)",
                (new_id, shift, old_id),
            )
            await tx.execute(
                f"UPDATE nudge_retries SET chat_id = ?, number = {moved} WHERE chat_id = ?",
                (new_id, shift, old_id),
            )
        self._written.pop(old_id, None)
        self._written.pop(new_id, None)
        return merged


_SELECT_CHAT = (
    "SELECT chat_id, type, title, timezone, active, quiet_start, quiet_end, quiet_weekends,"
    " reminders_enabled, last_digest_at, healthcheck_quarterly, healthcheck_next_at,"
    " digest_chart FROM chats"
)


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _chat(row: Any) -> ChatRecord:
    return ChatRecord(
        row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6], bool(row[7]),
        bool(row[8]), _moment(row[9]), bool(row[10]), _moment(row[11]), bool(row[12]),
    )  # fmt: skip


@dataclass(frozen=True)
class Merged:
    """What changed when a group's register joined its supergroup's."""

    renumbered: dict[int, int] = field(default_factory=dict)  # old number → new number
    merged_partners: list[str] = field(default_factory=list)  # partners both groups had

    def notice(self) -> str | None:
        """What to tell the group (plain text), or ``None`` if nothing it knew changed."""
        parts = []
        if self.renumbered:
            first, last = min(self.renumbered), max(self.renumbered)
            parts.append(
                "This group's register now includes the old group's: its actions "
                f"{_span(first, last)} are now "
                f"{_span(self.renumbered[first], self.renumbered[last])}."
            )
        if self.merged_partners:
            parts.append(f"Partners in both were merged: {', '.join(self.merged_partners)}.")
        return " ".join(parts) or None


def _span(first: int, last: int) -> str:
    return f"#{first}" if first == last else f"#{first}–#{last}"


# A supergroup with none of these rows has no register of its own yet.
_REGISTER_TABLES = ("actions", "partners", "coordinators", "goals", "roles", "decisions")
_SETTINGS = (
    "timezone", "quiet_start", "quiet_end", "quiet_weekends", "reminders_enabled",
    "last_digest_at", "healthcheck_quarterly", "healthcheck_next_at", "digest_chart",
)  # fmt: skip
# Rows that simply move, with the rest of their key: duplicates keep the supergroup's.
# Every table with a chat_id is handled in _merge: a new one must be added there.
_MOVED_TABLES: dict[str, tuple[str, ...]] = {
    "coordinators": ("user_id",),
    "partner_members": ("user_id",),
    "unanswered_questions": (),
    "unanswered_dismissals": (),
    "guidance_feedback": ("user_id", "entry_id"),
    "chat_people": ("user_id",),
}


async def _merge_charter(tx: Transaction, old_id: int, new_id: int) -> None:
    """The old group's goals and decisions are numbered after the supergroup's; a role
    both have keeps the supergroup's holder; the charter's history moves along."""
    # message ids are per chat: the old group's mean nothing in the supergroup
    await tx.execute("UPDATE decisions SET source_message_id = NULL WHERE chat_id = ?", (old_id,))
    for table in ("goals", "decisions"):
        cursor = await tx.execute(
            f"SELECT COALESCE(MAX(number), 0) FROM {table} WHERE chat_id = ?", (new_id,)
        )
        (offset,) = await cursor.fetchone()  # type: ignore[misc]
        await tx.execute(
            f"UPDATE {table} SET chat_id = ?, number = number + ? WHERE chat_id = ?",
            (new_id, offset, old_id),
        )
    await tx.execute(
        "DELETE FROM roles WHERE chat_id = ? AND name_key IN"
        " (SELECT name_key FROM roles WHERE chat_id = ?)",
        (old_id, new_id),
    )
    for table in ("roles", "charter_events"):
        await tx.execute(f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))


async def _has_register(tx: Transaction, chat_id: int) -> bool:
    for table in _REGISTER_TABLES:
        cursor = await tx.execute(f"SELECT 1 FROM {table} WHERE chat_id = ? LIMIT 1", (chat_id,))
        if await cursor.fetchone() is not None:
            return True
    return False


async def _merge(tx: Transaction, old_id: int, new_id: int) -> Merged:
    """Move the old group's rows into the supergroup's register, in one transaction.

    Partners with the same name become one (the old one's actions and members move to
    it); the old group's actions are numbered after the supergroup's; a person who is
    in a partner in both keeps the supergroup's. If the supergroup has a register of
    its own, its settings and schedules stay; if not, the old group's carry over.
    """
    if await _has_register(tx, new_id):
        await tx.execute("DELETE FROM schedules WHERE chat_id = ?", (old_id,))
    else:
        await tx.execute("DELETE FROM schedules WHERE chat_id = ?", (new_id,))
        await tx.execute("UPDATE schedules SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
        columns = ", ".join(_SETTINGS)
        await tx.execute(
            f"UPDATE chats SET ({columns}) = (SELECT {columns} FROM chats WHERE chat_id = ?)"
            " WHERE chat_id = ?",
            (old_id, new_id),
        )
    merged_partners = []
    cursor = await tx.execute(
        "SELECT o.partner_id, n.partner_id, n.name FROM partners o"
        " JOIN partners n ON n.chat_id = ? AND n.name_key = o.name_key WHERE o.chat_id = ?",
        (new_id, old_id),
    )
    for old_partner, new_partner, name in await cursor.fetchall():
        await tx.execute(  # still current in the old group: current in the supergroup
            "UPDATE partners SET removed_at = NULL WHERE partner_id = ? AND EXISTS"
            " (SELECT 1 FROM partners WHERE partner_id = ? AND removed_at IS NULL)",
            (new_partner, old_partner),
        )
        for table in ("actions", "partner_members", "action_supporters", "roles"):
            await tx.execute(
                f"UPDATE {table} SET partner_id = ? WHERE partner_id = ?",
                (new_partner, old_partner),
            )
        await tx.execute("DELETE FROM partners WHERE partner_id = ?", (old_partner,))
        merged_partners.append(name)
    await tx.execute("UPDATE partners SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))

    cursor = await tx.execute(
        "SELECT COALESCE(MAX(number), 0) FROM actions WHERE chat_id = ?", (new_id,)
    )
    (offset,) = await cursor.fetchone()  # type: ignore[misc]
    cursor = await tx.execute("SELECT number FROM actions WHERE chat_id = ?", (old_id,))
    renumbered = {row[0]: row[0] + offset for row in await cursor.fetchall()} if offset else {}
    await tx.execute(
        "UPDATE actions SET chat_id = ?, number = number + ?, source_message_id = NULL,"
        " source_key = NULL WHERE chat_id = ?",
        (new_id, offset, old_id),
    )  # message ids are per chat: the old group's mean nothing in the supergroup
    await _merge_charter(tx, old_id, new_id)
    # What the old group's answers answered: keyed by its message ids, which mean nothing
    # in the supergroup (its listed not-helpful questions move with unanswered_questions).
    await tx.execute("DELETE FROM guidance_answers WHERE chat_id = ?", (old_id,))
    for table, key in _MOVED_TABLES.items():
        same = "".join(f" AND n.{column} = {table}.{column}" for column in key)
        unless = f" AND NOT EXISTS (SELECT 1 FROM {table} n WHERE n.chat_id = ?{same})"
        await tx.execute(
            f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?{unless if key else ''}",
            (new_id, old_id, new_id) if key else (new_id, old_id),
        )
        await tx.execute(f"DELETE FROM {table} WHERE chat_id = ?", (old_id,))
    cursor = await tx.execute(  # FAQ entries too are numbered after the supergroup's
        "SELECT COALESCE(MAX(number), 0) FROM faq_entries WHERE chat_id = ?", (new_id,)
    )
    (faq_offset,) = await cursor.fetchone()  # type: ignore[misc]
    await tx.execute(
        "UPDATE faq_entries SET chat_id = ?, number = number + ? WHERE chat_id = ?",
        (new_id, faq_offset, old_id),
    )  # their history (faq_events) is keyed by the entry and follows it
    # Health-check rounds move whole (their answers are keyed by round, not by chat).
    await tx.execute("UPDATE health_rounds SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
    # Questions asked in the old group are answered there, which no longer exists.
    await tx.execute("DELETE FROM pending_choices WHERE chat_id = ?", (old_id,))
    await tx.execute("DELETE FROM chats WHERE chat_id = ?", (old_id,))
    return Merged(renumbered, sorted(merged_partners))
