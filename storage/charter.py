"""Goals, roles and decisions of each chat, and their history. Every change writes its
event in the same transaction; every query names its chat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.charter import (
    Answer,
    CharterEvent,
    Decision,
    DecisionStatus,
    Goal,
    Response,
    Role,
)
from storage.database import Database, Transaction, and_given

_GOAL = "SELECT goal_id, chat_id, number, text, closed_at, created_at FROM goals"
_ROLE = """
    SELECT r.role_id, r.chat_id, r.name,
           COALESCE(p.display_name, '@' || r.handle, pt.name), r.user_id, r.handle,
           r.partner_id, r.covers
    FROM roles r
    LEFT JOIN people p ON p.user_id = r.user_id
    LEFT JOIN partners pt ON pt.partner_id = r.partner_id
"""
_DECISION = (
    "SELECT decision_id, chat_id, number, text, status, proposer_name, created_at, resolved_at"
    " FROM decisions"
)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _goal(row: Sequence[Any]) -> Goal:
    return Goal(row[0], row[1], row[2], row[3], _moment(row[4]), _moment(row[5]))  # type: ignore[arg-type]


def _role(row: Sequence[Any]) -> Role:
    return Role(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7])


class CharterRepository:
    """Reads and writes ``goals``, ``roles``, ``decisions``, ``decision_responses`` and
    ``charter_events``."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # --- goals ----------------------------------------------------------------------------

    async def add_goal(self, chat_id: int, text: str, actor: int, now: datetime) -> Goal:
        """Record a goal with the chat's next number."""
        async with self._db.transaction(chat_id) as tx:
            number = await _next_number(tx, "goals", chat_id)
            cursor = await tx.execute(
                "INSERT INTO goals (chat_id, number, text, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING goal_id",
                (chat_id, number, text, actor, _stamp(now)),
            )
            goal_id = int(cursor.rows[0][0])
            await _event(tx, chat_id, "goal", goal_id, actor, now, "created", None, text)
            return _goal(await _one(tx, _GOAL + " WHERE goal_id = ?", goal_id))

    async def goal(self, chat_id: int, number: int) -> Goal | None:
        """Goal ``number`` of this chat, or ``None``."""
        row = await self._db.fetch_one(
            _GOAL + " WHERE chat_id = ? AND number = ?", (chat_id, number)
        )
        return _goal(row) if row else None

    async def goals(self, chat_id: int, closed: bool = False) -> list[Goal]:
        """The chat's open goals (and closed ones too with ``closed``), by number."""
        where = "" if closed else " AND closed_at IS NULL"
        rows = await self._db.fetch_all(
            _GOAL + f" WHERE chat_id = ?{where} ORDER BY number", (chat_id,)
        )
        return [_goal(row) for row in rows]

    async def change_goal(
        self, goal: Goal, actor: int, now: datetime, text: str | None = None, close: bool = False
    ) -> Goal | None:
        """Change a goal's text, or close it, if it is still open; ``None`` if not."""
        values: tuple[str | None, ...]
        change: tuple[str, str | None, str | None]
        async with self._db.transaction() as tx:
            if close:
                sql, values = "closed_at = ?", (_stamp(now),)
                change = ("closed", None, None)
            else:
                sql, values = "text = ?", (text,)
                change = ("text", goal.text, text)
            cursor = await tx.execute(
                f"UPDATE goals SET {sql} WHERE goal_id = ? AND closed_at IS NULL",
                (*values, goal.goal_id),
            )
            if cursor.rowcount != 1:
                return None
            await _event(tx, goal.chat_id, "goal", goal.goal_id, actor, now, *change)
            return _goal(await _one(tx, _GOAL + " WHERE goal_id = ?", goal.goal_id))

    # --- roles ----------------------------------------------------------------------------

    async def set_role(
        self,
        chat_id: int,
        name: str,
        holder: tuple[int | None, str | None, int | None],
        holder_name: str,
        covers: str | None,
        actor: int,
        now: datetime,
    ) -> tuple[Role, Role | None]:
        """Give role ``name`` to ``holder`` (user id, pending handle or partner id) with
        what it ``covers``; the role as it was before, if it existed."""
        user_id, handle, partner_id = holder
        async with self._db.transaction(chat_id) as tx:
            row = await _maybe(
                tx, _ROLE + " WHERE r.chat_id = ? AND r.name_key = ?", chat_id, name.casefold()
            )
            before = _role(row) if row else None
            new_value = f"{holder_name}: {covers}" if covers else holder_name
            if before is None:
                await tx.execute(
                    "INSERT INTO roles (chat_id, name, name_key, user_id, handle, partner_id,"
                    " covers, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (chat_id, name, name.casefold(), user_id, handle, partner_id, covers,
                     actor, _stamp(now)),
                )  # fmt: skip
                old_value = None
            else:
                await tx.execute(
                    "UPDATE roles SET name = ?, user_id = ?, handle = ?, partner_id = ?,"
                    " covers = ? WHERE role_id = ?",
                    (name, user_id, handle, partner_id, covers, before.role_id),
                )
                old_value = f"{before.holder}: {before.covers}" if before.covers else before.holder
            row = await _one(
                tx, _ROLE + " WHERE r.chat_id = ? AND r.name_key = ?", chat_id, name.casefold()
            )
            role = _role(row)
            kind = "role" if before is None else "changed"
            await _event(tx, chat_id, "role", role.role_id, actor, now, kind, old_value,
                         f"{name} — {new_value}")  # fmt: skip
            return role, before

    async def remove_role(self, role: Role, actor: int, now: datetime) -> bool:
        """Take a role out of the terms of reference; ``False`` if it was gone already."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute("DELETE FROM roles WHERE role_id = ?", (role.role_id,))
            if cursor.rowcount != 1:
                return False
            await _event(tx, role.chat_id, "role", role.role_id, actor, now, "removed",
                         role.label, None)  # fmt: skip
            return True

    async def roles(self, chat_id: int) -> list[Role]:
        """The chat's roles, by name."""
        rows = await self._db.fetch_all(
            _ROLE + " WHERE r.chat_id = ? ORDER BY r.name_key", (chat_id,)
        )
        return [_role(row) for row in rows]

    async def link_pending(self, handle: str, user_id: int) -> None:
        """A role waiting for ``@handle`` belongs to the person who now holds it."""
        await self._db.execute_write(
            "UPDATE roles SET user_id = ?, handle = NULL WHERE handle = ?", (user_id, handle)
        )

    # --- decisions ------------------------------------------------------------------------

    async def add_decision(
        self,
        chat_id: int,
        text: str,
        proposer: tuple[int | None, str],
        actor: int,
        now: datetime,
        source_message_id: int | None,
    ) -> tuple[Decision, bool]:
        """Record a decision with the chat's next number; ``(decision, False)`` if its
        message was recorded already (a redelivered update)."""
        async with self._db.transaction(chat_id) as tx:
            if source_message_id is not None:
                row = await _maybe(
                    tx,
                    "SELECT decision_id FROM decisions WHERE chat_id = ? AND source_message_id = ?",
                    chat_id,
                    source_message_id,
                )
                if row is not None:
                    return await self._decision_in(tx, row[0]), False
            number = await _next_number(tx, "decisions", chat_id)
            cursor = await tx.execute(
                "INSERT INTO decisions (chat_id, number, text, proposed_by, proposer_name,"
                " recorded_by, created_at, source_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING decision_id",
                (chat_id, number, text, *proposer, actor, _stamp(now), source_message_id),
            )
            decision_id = int(cursor.rows[0][0])
            await _event(tx, chat_id, "decision", decision_id, actor, now, "created", None, text)
            return await self._decision_in(tx, decision_id), True

    async def decision(self, chat_id: int, number: int) -> Decision | None:
        """Decision ``number`` of this chat with its answers, or ``None``."""
        row = await self._db.fetch_one(
            "SELECT decision_id FROM decisions WHERE chat_id = ? AND number = ?",
            (chat_id, number),
        )
        return await self.decision_by_id(row[0]) if row else None

    async def decision_by_id(self, decision_id: int) -> Decision | None:
        """A decision by its id (a button's data), with its answers, or ``None``."""
        row = await self._db.fetch_one(_DECISION + " WHERE decision_id = ?", (decision_id,))
        return await self._with_responses(row) if row else None

    async def decisions(
        self, chat_id: int, since: datetime | None = None, status: DecisionStatus | None = None
    ) -> list[Decision]:
        """The chat's decisions, latest first (recorded after ``since``; in ``status``)."""
        filters, values = and_given(
            ("created_at > ?", None if since is None else _stamp(since)),
            ("status = ?", None if status is None else status.value),
        )
        sql = _DECISION + " WHERE chat_id = ?" + filters
        rows = await self._db.fetch_all(sql + " ORDER BY number DESC", [chat_id, *values])
        return [await self._with_responses(row) for row in rows]

    async def respond(
        self, decision: Decision, user_id: int, answer: Answer, now: datetime
    ) -> bool | None:
        """Record ``user_id``'s answer while the decision is open: ``True`` if it changed,
        ``False`` if it was their answer already, ``None`` if the decision is not open."""
        async with self._db.transaction(decision.chat_id) as tx:
            row = await _maybe(
                tx, "SELECT status FROM decisions WHERE decision_id = ?", decision.decision_id
            )
            if row is None or row[0] != DecisionStatus.OPEN.value:
                return None
            row = await _maybe(
                tx,
                "SELECT answer FROM decision_responses WHERE decision_id = ? AND user_id = ?",
                decision.decision_id,
                user_id,
            )
            old = row[0] if row else None
            if old == answer.value:
                return False
            await tx.execute(
                "INSERT INTO decision_responses (decision_id, user_id, answer, at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (decision_id, user_id) DO UPDATE SET"
                " answer = excluded.answer, at = excluded.at",
                (decision.decision_id, user_id, answer.value, _stamp(now)),
            )
            await _event(tx, decision.chat_id, "decision", decision.decision_id, user_id, now,
                         "answer", old, answer.value)  # fmt: skip
            return True

    async def resolve(
        self, decision: Decision, status: DecisionStatus, actor: int, now: datetime
    ) -> Decision | None:
        """Confirm or withdraw an open decision; ``None`` if it is no longer open."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE decisions SET status = ?, resolved_at = ? WHERE decision_id = ?"
                " AND status = 'open'",
                (status.value, _stamp(now), decision.decision_id),
            )
            if cursor.rowcount != 1:
                return None
            await _event(tx, decision.chat_id, "decision", decision.decision_id, actor, now,
                         "status", DecisionStatus.OPEN.value, status.value)  # fmt: skip
            return await self._decision_in(tx, decision.decision_id)

    # --- history --------------------------------------------------------------------------

    async def history(
        self, chat_id: int, subject: str | None = None, subject_id: int | None = None
    ) -> list[CharterEvent]:
        """Every change to the chat's goals, roles and decisions, in order (only those of
        one ``subject``, "goal", "role" or "decision", and of one of them by id)."""
        filters, values = and_given(("e.subject = ?", subject), ("e.subject_id = ?", subject_id))
        where = "e.chat_id = ?" + filters
        rows = await self._db.fetch_all(
            f"""
            SELECT e.subject, COALESCE(g.number, d.number, e.subject_id), p.display_name,
                   e.at, e.kind, e.old_value, e.new_value
            FROM charter_events e
            LEFT JOIN goals g ON e.subject = 'goal' AND g.goal_id = e.subject_id
            LEFT JOIN decisions d ON e.subject = 'decision' AND d.decision_id = e.subject_id
            LEFT JOIN people p ON p.user_id = e.actor_user_id
            WHERE {where} ORDER BY e.event_id
            """,
            [chat_id, *values],
        )
        return [CharterEvent(r[0], r[1], r[2], _moment(r[3]), r[4], r[5], r[6]) for r in rows]  # type: ignore[arg-type]

    async def _decision_in(self, tx: Transaction, decision_id: int) -> Decision:
        row = await _one(tx, _DECISION + " WHERE decision_id = ?", decision_id)
        cursor = await tx.execute(_RESPONSES, (decision_id,))
        return _decision(row, list(await cursor.fetchall()))

    async def _with_responses(self, row: Sequence[Any]) -> Decision:
        responses = await self._db.fetch_all(_RESPONSES, (row[0],))
        return _decision(row, responses)


_RESPONSES = """
    SELECT r.user_id, p.display_name, pt.name, r.answer, r.at
    FROM decision_responses r
    JOIN decisions d ON d.decision_id = r.decision_id
    LEFT JOIN people p ON p.user_id = r.user_id
    LEFT JOIN partner_members m ON m.chat_id = d.chat_id AND m.user_id = r.user_id
    LEFT JOIN partners pt ON pt.partner_id = m.partner_id
    WHERE r.decision_id = ? ORDER BY r.at, r.user_id
"""


def _decision(row: Sequence[Any], responses: Sequence[Sequence[Any]]) -> Decision:
    return Decision(
        decision_id=row[0],
        chat_id=row[1],
        number=row[2],
        text=row[3],
        status=DecisionStatus(row[4]),
        proposer_name=row[5],
        created_at=_moment(row[6]),  # type: ignore[arg-type]
        resolved_at=_moment(row[7]),
        responses=tuple(
            Response(r[0], r[1] or str(r[0]), r[2], Answer(r[3]), _moment(r[4]))  # type: ignore[arg-type]
            for r in responses
        ),
    )


async def _next_number(tx: Transaction, table: str, chat_id: int) -> int:
    cursor = await tx.execute(
        f"SELECT COALESCE(MAX(number), 0) + 1 FROM {table} WHERE chat_id = ?", (chat_id,)
    )
    (number,) = await cursor.fetchone()  # type: ignore[misc]
    return int(number)


async def _maybe(tx: Transaction, sql: str, *parameters: Any) -> Any:
    cursor = await tx.execute(sql, parameters)
    return await cursor.fetchone()


async def _one(tx: Transaction, sql: str, *parameters: Any) -> Any:
    row = await _maybe(tx, sql, *parameters)
    assert row is not None
    return row


async def _event(
    tx: Transaction,
    chat_id: int,
    subject: str,
    subject_id: int,
    actor: int | None,
    now: datetime,
    kind: str,
    old: str | None,
    new: str | None,
) -> None:
    await tx.execute(
        "INSERT INTO charter_events (chat_id, subject, subject_id, actor_user_id, at, kind,"
        " old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (chat_id, subject, subject_id, actor, _stamp(now), kind, old, new),
    )
