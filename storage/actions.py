"""Actions and their history. Every change writes its event in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.due import Due
from domain.model import OPEN_STATUSES, Action, ActionEvent, Status, Supporter
from domain.recurrence import Recurrence
from storage.database import Database, Transaction, and_given

# The columns ``action_from_row`` reads, and the joins they need (aliases a, p, pt, c).
ACTION_COLUMNS = """
    a.action_id, a.chat_id, a.number, a.title, a.owner_user_id, a.owner_handle,
    p.display_name, a.partner_id, pt.name, a.status, a.due_at, a.due_on,
    a.last_note, a.created_by, a.created_at, a.updated_at, a.closed_at, c.title, c.timezone,
    a.recurrence, a.series_id, (
        SELECT group_concat(named.name, char(31)) FROM (
            SELECT COALESCE(sp.display_name, '@' || s.handle, spt.name) AS name
            FROM action_supporters s
            LEFT JOIN people sp ON sp.user_id = s.user_id
            LEFT JOIN partners spt ON spt.partner_id = s.partner_id
            WHERE s.action_id = a.action_id ORDER BY s.position
        ) named
    ), a.goal_id, (SELECT g.number FROM goals g WHERE g.goal_id = a.goal_id)
"""
# How an action's supporters may be looked for (``in_chat``'s ``supporter``).
SUPPORTER_COLUMNS = ("user_id", "handle", "partner_id")
ACTION_JOINS = """
    FROM actions a
    LEFT JOIN people p ON p.user_id = a.owner_user_id
    LEFT JOIN partners pt ON pt.partner_id = a.partner_id
    LEFT JOIN chats c ON c.chat_id = a.chat_id
"""
SELECT_ACTIONS = f"SELECT {ACTION_COLUMNS} {ACTION_JOINS}"


_SELECT_FOR_DIGEST = (
    SELECT_ACTIONS + " WHERE a.chat_id = ? AND (a.closed_at IS NULL OR a.closed_at > ?)"
)


@dataclass(frozen=True)
class NewAction:
    """What ``/assign`` records."""

    chat_id: int
    title: str
    owner_user_id: int | None
    owner_handle: str | None
    partner_id: int | None
    due: Due | None
    created_by: int
    source_message_id: int | None
    source_key: str | None = None  # one line of a several-line /assign: "<message>:<line>"
    supporters: tuple[Supporter, ...] = ()
    supporters_from: int | None = None  # the next of a series: its action's supporters
    recurrence: Recurrence | None = None
    series_id: int | None = None
    goal: tuple[int, int] | None = None  # the goal it serves: its id and number


@dataclass(frozen=True)
class Change:
    """One field's change for the history: ``kind``, old → new, with an optional note."""

    kind: str
    old: str | None
    new: str | None
    note: str | None = None


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def action_from_row(row: Sequence[Any]) -> Action:
    """An action from a row of ``SELECT_ACTIONS``."""
    due_at = _moment(row[10])
    due = Due(at=due_at) if due_at else Due(on=date.fromisoformat(row[11])) if row[11] else None
    return Action(
        action_id=row[0],
        chat_id=row[1],
        number=row[2],
        title=row[3],
        owner_user_id=row[4],
        owner_handle=row[5],
        owner_name=row[6] if row[6] else f"@{row[5]}",
        partner_id=row[7],
        partner_name=row[8],
        status=Status(row[9]),
        due=due,
        last_note=row[12],
        created_by=row[13],
        created_at=_moment(row[14]),  # type: ignore[arg-type]
        updated_at=_moment(row[15]),  # type: ignore[arg-type]
        closed_at=_moment(row[16]),
        chat_title=row[17],
        chat_timezone=row[18],
        recurrence=Recurrence.from_json(row[19]) if row[19] else None,
        series_id=row[20],
        supporters=tuple(row[21].split("\x1f")) if row[21] else (),
        goal_id=row[22],
        goal_number=row[23],
    )


class ActionRepository:
    """Reads and writes ``actions`` and ``action_events``; every query names its chat."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def create(self, new: NewAction, now: datetime) -> tuple[Action, bool]:
        """Record an action with the chat's next number; ``(action, False)`` if its source
        message was already recorded (a redelivered update)."""
        [created] = await self.create_many([new], now)
        return created

    async def create_many(
        self, news: Sequence[NewAction], now: datetime
    ) -> list[tuple[Action, bool]]:
        """Record several actions, numbered in order, in one transaction: all or none.
        Each already recorded from its source (message, or message and line) is returned
        with ``False`` instead."""
        async with self._db.transaction(*{new.chat_id for new in news}) as tx:
            results = []
            for new in news:
                existing = await _recorded(tx, new)
                if existing is not None:
                    results.append((await self._get_in(tx, existing), False))
                    continue
                action_id = await _insert(tx, new, now)
                results.append((await self._get_in(tx, action_id), True))
            return results

    async def get(self, chat_id: int, number: int) -> Action | None:
        """Action ``#number`` of this chat, or ``None``."""
        row = await self._db.fetch_one(
            SELECT_ACTIONS + " WHERE a.chat_id = ? AND a.number = ?", (chat_id, number)
        )
        return action_from_row(row) if row else None

    async def in_chat(
        self,
        chat_id: int,
        statuses: Iterable[Status],
        owner_user_id: int | None = None,
        owner_handle: str | None = None,
        partner_id: int | None = None,
        supporter: tuple[str, int | str] | None = None,
        goal_id: int | None = None,
        goal_number: int | None = None,
    ) -> list[Action]:
        """The chat's actions in ``statuses``, optionally of one owner or partner, or
        supported by one person or partner (``supporter``: a column of
        ``SUPPORTER_COLUMNS`` and its value), or serving one goal (by id or number)."""
        wanted = [status.value for status in statuses]
        sql = (
            SELECT_ACTIONS + f" WHERE a.chat_id = ? AND a.status IN ({','.join('?' * len(wanted))})"
        )
        filters, values = and_given(
            ("a.owner_user_id = ?", owner_user_id),
            ("a.owner_user_id IS NULL AND a.owner_handle = ?", owner_handle),
            ("a.partner_id = ?", partner_id),
            ("a.goal_id = ?", goal_id),
        )
        sql += filters
        parameters: list[Any] = [chat_id, *wanted, *values]
        if supporter is not None:
            column, value = supporter
            assert column in SUPPORTER_COLUMNS
            sql += (
                " AND EXISTS (SELECT 1 FROM action_supporters s"
                f" WHERE s.action_id = a.action_id AND s.{column} = ?)"
            )
            parameters.append(value)
        if goal_number is not None:
            sql += " AND a.goal_id = (SELECT goal_id FROM goals WHERE chat_id = ? AND number = ?)"
            parameters.extend([chat_id, goal_number])
        rows = await self._db.fetch_all(sql + " ORDER BY a.number", parameters)
        return [action_from_row(row) for row in rows]

    async def count_open(self, chat_id: int) -> int:
        """How many of the chat's actions are open."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM actions WHERE chat_id = ? AND status NOT IN ('done', 'dropped')",
            (chat_id,),
        )
        return int(row[0]) if row else 0

    async def for_digest(self, chat_id: int, closed_since: datetime | None) -> list[Action]:
        """The chat's open actions, and those closed after ``closed_since`` (all if None)."""
        sql = _SELECT_FOR_DIGEST if closed_since else SELECT_ACTIONS + " WHERE a.chat_id = ?"
        parameters = (chat_id, _stamp(closed_since)) if closed_since else (chat_id,)
        rows = await self._db.fetch_all(sql + " ORDER BY a.number", parameters)
        return [action_from_row(row) for row in rows]

    async def of_owner(
        self, user_id: int, statuses: Iterable[Status], number: int | None = None
    ) -> list[Action]:
        """One person's actions across every chat the bot is still in (numbered
        ``number`` only, if given)."""
        wanted = [status.value for status in statuses]
        numbered = " AND a.number = ?" if number is not None else ""
        rows = await self._db.fetch_all(
            SELECT_ACTIONS + " WHERE a.owner_user_id = ? AND c.active = 1"
            f" AND a.status IN ({','.join('?' * len(wanted))}){numbered}"
            " ORDER BY a.chat_id, a.number",
            (user_id, *wanted, *([number] if number is not None else [])),
        )
        return [action_from_row(row) for row in rows]

    async def change(
        self,
        action: Action,
        actor_user_id: int | None,
        now: datetime,
        columns: dict[str, Any],
        changes: list[Change],
        statuses: Iterable[Status] = OPEN_STATUSES,
        expect: Mapping[str, Any] | None = None,
        follow_up: NewAction | None = None,
        supporters: Sequence[Supporter] | None = None,
    ) -> Action | None:
        """Set ``columns`` on the action and write ``changes`` to its history, atomically,
        if it is still in one of ``statuses`` and each ``expect`` column still holds its
        value; ``None`` (nothing written) if not. ``follow_up`` (a recurring action's next
        occurrence) is recorded in the same transaction; ``supporters`` replace the
        action's.

        The condition is in the UPDATE itself, so it holds whatever ran since the action
        was read.
        """
        assignments = "".join(f"{column} = ?, " for column in columns)
        wanted = [status.value for status in statuses]
        expected = expect or {}
        conditions = "".join(f" AND {column} IS NOT DISTINCT FROM ?" for column in expected)
        async with self._db.transaction(action.chat_id) as tx:
            cursor = await tx.execute(
                f"UPDATE actions SET {assignments}updated_at = ? WHERE action_id = ?"
                f" AND status IN ({','.join('?' * len(wanted))}){conditions}",
                (*columns.values(), _stamp(now), action.action_id, *wanted, *expected.values()),
            )
            if cursor.rowcount != 1:
                return None
            await _write_events(tx, action.action_id, actor_user_id, now, changes)
            if supporters is not None:
                await tx.execute(
                    "DELETE FROM action_supporters WHERE action_id = ?", (action.action_id,)
                )
                await _add_supporters(tx, action.action_id, supporters)
            if follow_up is not None and not await _continued(tx, action):
                await _insert(tx, follow_up, now, continues=action.number)
            return await self._get_in(tx, action.action_id)

    async def next_in_series(self, action: Action) -> Action | None:
        """The occurrence recorded after ``action`` in its series, if any."""
        if action.recurrence is None:
            return None
        row = await self._db.fetch_one(
            SELECT_ACTIONS + " WHERE a.chat_id = ? AND a.series_id = ? AND a.number > ?"
            " ORDER BY a.number LIMIT 1",
            (action.chat_id, action.series_id or action.action_id, action.number),
        )
        return action_from_row(row) if row else None

    async def link_pending(
        self, handle: str, user_id: int, name: str, now: datetime
    ) -> list[Action]:
        """Give actions waiting for ``@handle`` to the person who now holds it."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "SELECT action_id, chat_id FROM actions "
                "WHERE owner_user_id IS NULL AND owner_handle = ?",
                (handle,),
            )
            linked = []
            for action_id, chat_id in await cursor.fetchall():
                changed = await tx.execute(  # unless another transaction linked it meanwhile
                    """
                    UPDATE actions SET owner_user_id = ?, updated_at = ?,
                        partner_id = COALESCE(partner_id, (SELECT partner_id FROM
                            partner_members WHERE chat_id = ? AND user_id = ?))
                    WHERE action_id = ? AND owner_user_id IS NULL
                    """,
                    (user_id, _stamp(now), chat_id, user_id, action_id),
                )
                if changed.rowcount != 1:
                    continue
                linked.append(action_id)
                await _write_events(
                    tx, action_id, None, now, [Change("linked", f"@{handle}", name)]
                )
            await tx.execute(  # and the actions they were named to support
                "UPDATE action_supporters SET user_id = ?, handle = NULL WHERE handle = ?",
                (user_id, handle),
            )
            return [await self._get_in(tx, action_id) for action_id in linked]

    async def history(self, action: Action) -> list[ActionEvent]:
        """Every change to ``action``, oldest first."""
        return await self._events("e.action_id = ?", (action.action_id,))

    async def owners_named_at(self, chat_id: int) -> dict[int, datetime]:
        """When each action of a chat last had its owner named (``owner`` events), by
        action id: one query for a digest, not one per action."""
        rows = await self._db.fetch_all(
            """
            SELECT e.action_id, e.at FROM action_events e
            JOIN actions a ON a.action_id = e.action_id
            WHERE a.chat_id = ? AND e.kind = 'owner'
            """,
            (chat_id,),
        )
        named: dict[int, datetime] = {}
        for action_id, text in rows:
            at = datetime.fromisoformat(text)
            if action_id not in named or at > named[action_id]:
                named[action_id] = at
        return named

    async def event_count(self, action: Action) -> int:
        """How many changes ``action``'s history holds."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM action_events WHERE action_id = ?", (action.action_id,)
        )
        return int(row[0]) if row else 0

    async def chat_history(self, chat_id: int, since: datetime | None = None) -> list[ActionEvent]:
        """Every change to every action of a chat (after ``since``), in order."""
        if since is None:
            return await self._events("a.chat_id = ?", (chat_id,))
        return await self._events("a.chat_id = ? AND e.at > ?", (chat_id, _stamp(since)))

    async def _events(self, where: str, parameters: Sequence[Any]) -> list[ActionEvent]:
        rows = await self._db.fetch_all(
            f"""
            SELECT e.action_id, a.number, e.actor_user_id, p.display_name, e.at, e.kind,
                   e.old_value, e.new_value, e.note
            FROM action_events e
            JOIN actions a ON a.action_id = e.action_id
            LEFT JOIN people p ON p.user_id = e.actor_user_id
            WHERE {where}
            ORDER BY e.event_id
            """,
            parameters,
        )
        return [
            ActionEvent(r[0], r[1], r[2], r[3], _moment(r[4]), r[5], r[6], r[7], r[8])  # type: ignore[arg-type]
            for r in rows
        ]

    async def _get_in(self, tx: Transaction, action_id: int) -> Action:
        cursor = await tx.execute(SELECT_ACTIONS + " WHERE a.action_id = ?", (action_id,))
        return action_from_row(await cursor.fetchone())  # type: ignore[arg-type]


async def _recorded(tx: Transaction, new: NewAction) -> int | None:
    """The action already recorded from ``new``'s source message (or line), if any."""
    if new.source_key is not None:
        cursor = await tx.execute(
            "SELECT action_id FROM actions WHERE chat_id = ? AND source_key = ?",
            (new.chat_id, new.source_key),
        )
    elif new.source_message_id is not None:
        cursor = await tx.execute(
            "SELECT action_id FROM actions WHERE chat_id = ? AND source_message_id = ?",
            (new.chat_id, new.source_message_id),
        )
    else:
        return None
    row = await cursor.fetchone()
    return int(row[0]) if row else None


async def _continued(tx: Transaction, action: Action) -> bool:
    """Whether a later occurrence of ``action``'s series exists: done, reopened and done
    again, it is not created twice."""
    cursor = await tx.execute(
        "SELECT 1 FROM actions WHERE chat_id = ? AND series_id = ? AND number > ? LIMIT 1",
        (action.chat_id, action.series_id or action.action_id, action.number),
    )
    return await cursor.fetchone() is not None


async def _insert(
    tx: Transaction, new: NewAction, now: datetime, continues: int | None = None
) -> int:
    """Insert ``new`` with the chat's next number, its supporters and its history
    (``continues``: the number of the recurring action it follows)."""
    cursor = await tx.execute(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM actions WHERE chat_id = ?", (new.chat_id,)
    )
    (number,) = await cursor.fetchone()  # type: ignore[misc]
    cursor = await tx.execute(
        """
        INSERT INTO actions (chat_id, number, title, owner_user_id, owner_handle,
            partner_id, status, due_at, due_on, created_by, created_at,
            updated_at, source_message_id, source_key, recurrence, series_id, goal_id)
        VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        RETURNING action_id
        """,
        (
            new.chat_id,
            number,
            new.title,
            new.owner_user_id,
            new.owner_handle,
            new.partner_id,
            *due_columns(new.due).values(),
            new.created_by,
            _stamp(now),
            _stamp(now),
            new.source_message_id,
            new.source_key,
            new.recurrence.to_json() if new.recurrence else None,
            new.series_id,
            new.goal[0] if new.goal else None,
        ),
    )
    action_id = int(cursor.rows[0][0])
    changes = [Change("created", None, new.title)]
    if new.recurrence is not None:
        previous = f"#{continues}" if continues is not None else None
        changes.append(Change("series", previous, new.recurrence.describe()))
    await _add_supporters(tx, action_id, new.supporters)
    if new.supporters_from is not None:
        await tx.execute(
            "INSERT INTO action_supporters (action_id, position, user_id, handle, partner_id)"
            " SELECT CAST(? AS BIGINT), position, user_id, handle, partner_id"
            " FROM action_supporters WHERE action_id = ?",
            (action_id, new.supporters_from),
        )
    if new.supporters:
        names = ", ".join(s.name for s in new.supporters)
        changes.append(Change("supporters", None, names))
    if new.goal is not None:
        changes.append(Change("goal", None, f"goal {new.goal[1]}"))
    await _write_events(tx, action_id, new.created_by, now, changes)
    return action_id


async def _add_supporters(tx: Transaction, action_id: int, supporters: Sequence[Supporter]) -> None:
    await tx.executemany(
        "INSERT INTO action_supporters (action_id, position, user_id, handle, partner_id)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (action_id, position, s.user_id, s.handle, s.partner_id)
            for position, s in enumerate(supporters, 1)
        ],
    )


async def _write_events(
    tx: Transaction,
    action_id: int,
    actor_user_id: int | None,
    now: datetime,
    changes: list[Change],
) -> None:
    await tx.executemany(
        "INSERT INTO action_events (action_id, actor_user_id, at, kind, old_value, new_value,"
        " note) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(action_id, actor_user_id, _stamp(now), c.kind, c.old, c.new, c.note) for c in changes],
    )


def due_columns(due: Due | None) -> dict[str, Any]:
    """The columns that store a due date: ``due_at`` for a time, ``due_on`` for a day."""
    return {
        "due_at": _stamp(due.at) if due and due.at else None,
        "due_on": due.on.isoformat() if due and due.on else None,
    }
