"""Each group's FAQ: its entries and every change to them (all SQL for /faq)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.faq import FaqEntry, FaqEvent
from storage.database import Database, Transaction

_ENTRY = (
    "SELECT f.chat_id, f.number, f.question, f.answer, p.display_name, f.created_at,"
    " f.updated_at FROM faq_entries f LEFT JOIN people p ON p.user_id = f.added_by"
)


class FaqRepository:
    """Reads and writes ``faq_entries`` and ``faq_events``."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def in_chat(self, chat_id: int) -> list[FaqEntry]:
        """The group's current entries, in number order."""
        rows = await self._db.fetch_all(
            f"{_ENTRY} WHERE f.chat_id = ? AND f.removed_at IS NULL ORDER BY f.number",
            (chat_id,),
        )
        return [_entry(row) for row in rows]

    async def in_chats(self, chat_ids: Sequence[int]) -> list[FaqEntry]:
        """The current entries of several groups (a member's, asked in private)."""
        if not chat_ids:
            return []
        marks = ", ".join("?" * len(chat_ids))
        rows = await self._db.fetch_all(
            f"{_ENTRY} WHERE f.chat_id IN ({marks}) AND f.removed_at IS NULL"
            " ORDER BY f.chat_id, f.number",
            tuple(chat_ids),
        )
        return [_entry(row) for row in rows]

    async def get(self, chat_id: int, number: int) -> FaqEntry | None:
        """The current entry ``number`` of the group, if there is one."""
        row = await self._db.fetch_one(
            f"{_ENTRY} WHERE f.chat_id = ? AND f.number = ? AND f.removed_at IS NULL",
            (chat_id, number),
        )
        return _entry(row) if row else None

    async def add(
        self,
        chat_id: int,
        question: str,
        answer: str,
        actor: tuple[int | None, str],
        now: datetime,
        answered: int | None = None,
    ) -> FaqEntry:
        """Add an entry numbered after every entry the group ever had; ``answered`` is
        the id of the unanswered question it answers, which leaves /unanswered with it."""
        stamp = now.isoformat(timespec="seconds")
        async with self._db.transaction(chat_id) as tx:
            cursor = await tx.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM faq_entries WHERE chat_id = ?",
                (chat_id,),
            )
            (number,) = await cursor.fetchone()  # type: ignore[misc]
            cursor = await tx.execute(
                "INSERT INTO faq_entries (chat_id, number, question, answer, added_by,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING faq_id",
                (chat_id, number, question, answer, actor[0], stamp, stamp),
            )
            await _log(tx, int(cursor.rows[0][0]), actor, "added", stamp, None, (question, answer))
            if answered is not None:
                await tx.execute(
                    "DELETE FROM unanswered_questions WHERE chat_id = ? AND question_id = ?",
                    (chat_id, answered),
                )
        entry = await self.get(chat_id, number)
        assert entry is not None
        return entry

    async def edit(
        self,
        chat_id: int,
        number: int,
        question: str,
        answer: str,
        actor: tuple[int | None, str],
        now: datetime,
    ) -> FaqEntry | None:
        """Change an entry's question and answer; ``None`` if it doesn't exist."""
        stamp = now.isoformat(timespec="seconds")
        async with self._db.transaction(chat_id) as tx:
            found = await _current(tx, chat_id, number)
            if found is None:
                return None
            faq_id, old_question, old_answer = found
            await tx.execute(
                "UPDATE faq_entries SET question = ?, answer = ?, updated_at = ? WHERE faq_id = ?",
                (question, answer, stamp, faq_id),
            )
            await _log(
                tx, faq_id, actor, "edited", stamp, (old_question, old_answer), (question, answer)
            )
        return await self.get(chat_id, number)

    async def remove(
        self, chat_id: int, number: int, actor: tuple[int | None, str], now: datetime
    ) -> FaqEntry | None:
        """Take an entry out of the FAQ (its number is not used again); ``None`` if it
        doesn't exist."""
        entry = await self.get(chat_id, number)
        stamp = now.isoformat(timespec="seconds")
        async with self._db.transaction(chat_id) as tx:
            found = await _current(tx, chat_id, number)
            if found is None or entry is None:
                return None
            faq_id, old_question, old_answer = found
            await tx.execute(
                "UPDATE faq_entries SET removed_at = ?, updated_at = ? WHERE faq_id = ?",
                (stamp, stamp, faq_id),
            )
            await _log(tx, faq_id, actor, "removed", stamp, (old_question, old_answer), None)
        return entry

    async def history(self, chat_id: int) -> list[FaqEvent]:
        """Every change to the group's FAQ, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT f.number, e.at, e.actor_name, e.kind, e.old_question, e.old_answer,"
            " e.new_question, e.new_answer FROM faq_events e"
            " JOIN faq_entries f ON f.faq_id = e.faq_id WHERE f.chat_id = ? ORDER BY e.event_id",
            (chat_id,),
        )
        return [
            FaqEvent(r[0], datetime.fromisoformat(r[1]), r[2], r[3], r[4], r[5], r[6], r[7])
            for r in rows
        ]

    async def unanswered_id(self, chat_id: int, text: str) -> int | None:
        """The id of the group's /unanswered question with this text (any case), if there."""
        row = await self._db.fetch_one(
            "SELECT question_id FROM unanswered_questions WHERE chat_id = ?"
            " AND lower(text) = lower(?)",
            (chat_id, " ".join(text.split())),
        )
        return int(row[0]) if row else None

    async def dismiss(
        self, chat_id: int, question_id: int, actor: tuple[int | None, str], now: datetime
    ) -> str | None:
        """Take a question out of /unanswered, recording who did; its text, or None if
        it was no longer there."""
        async with self._db.transaction(chat_id) as tx:
            cursor = await tx.execute(
                "DELETE FROM unanswered_questions WHERE chat_id = ? AND question_id = ?"
                " RETURNING text",
                (chat_id, question_id),
            )
            if not cursor.rows:
                return None
            text = str(cursor.rows[0][0])
            await tx.execute(
                "INSERT INTO unanswered_dismissals (chat_id, text, user_id, actor_name,"
                " dismissed_at) VALUES (?, ?, ?, ?, ?)",
                (chat_id, text, actor[0], actor[1], now.isoformat(timespec="seconds")),
            )
        return text

    async def unanswered_question(self, chat_id: int, question_id: int) -> str | None:
        """The text of a question logged for the group's /unanswered, if still there."""
        row = await self._db.fetch_one(
            "SELECT text FROM unanswered_questions WHERE chat_id = ? AND question_id = ?",
            (chat_id, question_id),
        )
        return str(row[0]) if row else None


async def _current(tx: Transaction, chat_id: int, number: int) -> tuple[int, str, str] | None:
    cursor = await tx.execute(
        "SELECT faq_id, question, answer FROM faq_entries"
        " WHERE chat_id = ? AND number = ? AND removed_at IS NULL",
        (chat_id, number),
    )
    row = await cursor.fetchone()
    return (int(row[0]), str(row[1]), str(row[2])) if row else None


async def _log(
    tx: Transaction,
    faq_id: int | None,
    actor: tuple[int | None, str],
    kind: str,
    stamp: str,
    old: tuple[str, str] | None,
    new: tuple[str, str] | None,
) -> None:
    await tx.execute(
        "INSERT INTO faq_events (faq_id, at, actor_id, actor_name, kind, old_question,"
        " old_answer, new_question, new_answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (faq_id, stamp, actor[0], actor[1], kind, *(old or (None, None)), *(new or (None, None))),
    )


def _entry(row: Sequence[Any]) -> FaqEntry:
    return FaqEntry(
        row[0], row[1], row[2], row[3], row[4],
        datetime.fromisoformat(row[5]), datetime.fromisoformat(row[6]),
    )  # fmt: skip
