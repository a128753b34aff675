"""Guidance records: questions without a confident answer, and feedback on answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.database import Database, Transaction

# Per chat, the newest questions kept (older ones are dropped; /unanswered says so).
UNANSWERED_KEPT = 100


@dataclass(frozen=True)
class UnansweredQuestion:
    """A question Accord declined, for the people who edit the knowledge base."""

    asked_at: datetime
    asker: str | None
    text: str
    question_id: int = 0  # what its button names it by
    times: int = 1  # how often it was asked
    people: int = 1  # how many people asked it (or marked its answer not helpful)
    unhelpful: str | None = None  # the entry marked not helpful as its answer, if so


class GuidanceRepository:
    """Reads and writes ``unanswered_questions`` and ``guidance_feedback``."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def log_unanswered(
        self,
        chat_id: int,
        user_id: int | None,
        text: str,
        now: datetime,
        unhelpful: str | None = None,
    ) -> None:
        """Remember a question that got no confident answer (or, with ``unhelpful``, whose
        answer that entry was marked not helpful): asked again (ignoring case and
        spacing), it is counted on its row, with who asked; the chat keeps its newest
        ``UNANSWERED_KEPT``. A person's second "not helpful" on it counts once."""
        text = " ".join(text.split())
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "SELECT question_id FROM unanswered_questions WHERE chat_id = ?"
                " AND lower(text) = lower(?) AND COALESCE(unhelpful, '') = ?",
                (chat_id, text, unhelpful or ""),
            )
            row = await cursor.fetchone()
            if row is None:
                cursor = await tx.execute(
                    "INSERT INTO unanswered_questions (chat_id, user_id, asked_at, text,"
                    " unhelpful) VALUES (?, ?, ?, ?, ?) RETURNING question_id",
                    (chat_id, user_id, now.isoformat(timespec="seconds"), text, unhelpful),
                )
                row = await cursor.fetchone()
                assert row is not None
            elif unhelpful is None or not await _asked_by(tx, int(row[0]), user_id):
                await tx.execute(
                    "UPDATE unanswered_questions SET times = times + 1 WHERE question_id = ?",
                    (row[0],),
                )
            if user_id is not None:
                await tx.execute(
                    "INSERT INTO unanswered_askers (question_id, user_id)"
                    " VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (row[0], user_id),
                )
            await tx.execute(
                "DELETE FROM unanswered_questions WHERE chat_id = ? AND question_id <="
                " (SELECT question_id FROM unanswered_questions WHERE chat_id = ?"
                " ORDER BY question_id DESC LIMIT 1 OFFSET ?)",
                (chat_id, chat_id, UNANSWERED_KEPT),
            )

    async def withdraw_unhelpful(
        self, chat_id: int, user_id: int, text: str, entry_id: str
    ) -> None:
        """A person who marked ``entry_id`` not helpful as the answer to ``text`` changed
        their mind: they no longer count, and the question leaves /unanswered when no one
        else marked it."""
        text = " ".join(text.split())
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "SELECT question_id FROM unanswered_questions WHERE chat_id = ?"
                " AND lower(text) = lower(?) AND unhelpful = ?",
                (chat_id, text, entry_id),
            )
            row = await cursor.fetchone()
            if row is None or not await _asked_by(tx, int(row[0]), user_id):
                return
            await tx.execute(
                "DELETE FROM unanswered_askers WHERE question_id = ? AND user_id = ?",
                (row[0], user_id),
            )
            await tx.execute(
                "UPDATE unanswered_questions SET times = times - 1 WHERE question_id = ?",
                (row[0],),
            )
            await tx.execute(
                "DELETE FROM unanswered_questions WHERE question_id = ? AND NOT EXISTS"
                " (SELECT 1 FROM unanswered_askers a WHERE a.question_id = ?)",
                (row[0], row[0]),
            )

    async def unanswered(
        self, chat_id: int, limit: int = UNANSWERED_KEPT
    ) -> list[UnansweredQuestion]:
        """The chat's unanswered questions, newest first, then those whose answers were
        marked not helpful, newest first (as /unanswered numbers them)."""
        rows = await self._db.fetch_all(
            "SELECT q.asked_at, p.display_name, q.text, q.question_id, q.times,"
            " (SELECT COUNT(*) FROM unanswered_askers a WHERE a.question_id = q.question_id),"
            " q.unhelpful FROM unanswered_questions q "
            "LEFT JOIN people p ON p.user_id = q.user_id WHERE q.chat_id = ? "
            "ORDER BY CASE WHEN q.unhelpful IS NULL THEN 0 ELSE 1 END, q.question_id DESC"
            " LIMIT ?",
            (chat_id, limit),
        )
        return [
            UnansweredQuestion(
                datetime.fromisoformat(r[0]),
                r[1],
                r[2],
                int(r[3]),
                int(r[4]),
                max(int(r[5]), 1),
                r[6],
            )
            for r in rows
        ]

    async def remember_answer(
        self, chat_id: int, message_id: int, question: str, now: datetime
    ) -> None:
        """Remember what the answer ``message_id`` answered, for a "not helpful" on it;
        the chat keeps its newest ``UNANSWERED_KEPT``."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO guidance_answers (chat_id, message_id, question,"
                " answered_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (chat_id, message_id, question, now.isoformat(timespec="seconds")),
            )
            await tx.execute(
                "DELETE FROM guidance_answers WHERE chat_id = ? AND message_id <="
                " (SELECT message_id FROM guidance_answers WHERE chat_id = ?"
                " ORDER BY message_id DESC LIMIT 1 OFFSET ?)",
                (chat_id, chat_id, UNANSWERED_KEPT),
            )

    async def answered(self, chat_id: int, message_id: int) -> str | None:
        """The question the answer ``message_id`` answered, if remembered."""
        row = await self._db.fetch_one(
            "SELECT question FROM guidance_answers WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return None if row is None else str(row[0])

    async def record_feedback(
        self,
        chat_id: int,
        user_id: int,
        entry_id: str,
        helpful: bool,
        now: datetime,
        question: str | None = None,
    ) -> None:
        """Record (or change) one person's verdict on one answer, with the question it
        answered when known."""
        await self._db.execute_write(
            """
            INSERT INTO guidance_feedback (chat_id, user_id, entry_id, helpful, given_at,
                question)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (chat_id, user_id, entry_id) DO UPDATE SET
                helpful = excluded.helpful, given_at = excluded.given_at,
                question = excluded.question
            """,
            (chat_id, user_id, entry_id, int(helpful), now.isoformat(timespec="seconds"),
             question),
        )  # fmt: skip

    async def unhelpful(self, chat_id: int) -> list[tuple[str, int]]:
        """Answers people in this chat marked not helpful when no question is known (a
        topic button's): ``(entry id, how many)``, most first. Those with a question are
        listed with it among the unanswered questions."""
        rows = await self._db.fetch_all(
            "SELECT entry_id, COUNT(*) FROM guidance_feedback WHERE chat_id = ? AND helpful = 0"
            " AND question IS NULL GROUP BY entry_id ORDER BY COUNT(*) DESC, entry_id",
            (chat_id,),
        )
        return [(row[0], int(row[1])) for row in rows]


async def _asked_by(tx: Transaction, question_id: int, user_id: int | None) -> bool:
    """Whether ``user_id`` already asked (or marked) this listed question."""
    cursor = await tx.execute(
        "SELECT 1 FROM unanswered_askers WHERE question_id = ? AND user_id = ?",
        (question_id, user_id),
    )
    return await cursor.fetchone() is not None
