"""Guidance records: questions without a confident answer, and feedback on answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.database import Database

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


class GuidanceRepository:
    """Reads and writes ``unanswered_questions`` and ``guidance_feedback``."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def log_unanswered(
        self, chat_id: int, user_id: int | None, text: str, now: datetime
    ) -> None:
        """Remember a question that got no confident answer: asked again (ignoring case
        and spacing), it is counted on its row; the chat keeps its newest
        ``UNANSWERED_KEPT``."""
        text = " ".join(text.split())
        async with self._db.transaction() as tx:
            repeated = await tx.execute(
                "UPDATE unanswered_questions SET times = times + 1"
                " WHERE chat_id = ? AND lower(text) = lower(?)",
                (chat_id, text),
            )
            if repeated.rowcount:
                return
            await tx.execute(
                "INSERT INTO unanswered_questions (chat_id, user_id, asked_at, text) "
                "VALUES (?, ?, ?, ?)",
                (chat_id, user_id, now.isoformat(timespec="seconds"), text),
            )
            await tx.execute(
                "DELETE FROM unanswered_questions WHERE chat_id = ? AND question_id <="
                " (SELECT question_id FROM unanswered_questions WHERE chat_id = ?"
                " ORDER BY question_id DESC LIMIT 1 OFFSET ?)",
                (chat_id, chat_id, UNANSWERED_KEPT),
            )

    async def unanswered(
        self, chat_id: int, limit: int = UNANSWERED_KEPT
    ) -> list[UnansweredQuestion]:
        """The chat's unanswered questions, newest first (as /unanswered numbers them)."""
        rows = await self._db.fetch_all(
            "SELECT q.asked_at, p.display_name, q.text, q.question_id, q.times"
            " FROM unanswered_questions q "
            "LEFT JOIN people p ON p.user_id = q.user_id WHERE q.chat_id = ? "
            "ORDER BY q.question_id DESC LIMIT ?",
            (chat_id, limit),
        )
        return [
            UnansweredQuestion(datetime.fromisoformat(r[0]), r[1], r[2], int(r[3]), int(r[4]))
            for r in rows
        ]

    async def record_feedback(
        self, chat_id: int, user_id: int, entry_id: str, helpful: bool, now: datetime
    ) -> None:
        """Record (or change) one person's verdict on one answer."""
        await self._db.execute_write(
            """
            INSERT INTO guidance_feedback (chat_id, user_id, entry_id, helpful, given_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (chat_id, user_id, entry_id) DO UPDATE SET
                helpful = excluded.helpful, given_at = excluded.given_at
            """,
            (chat_id, user_id, entry_id, int(helpful), now.isoformat(timespec="seconds")),
        )

    async def unhelpful(self, chat_id: int) -> list[tuple[str, int]]:
        """Answers people in this chat marked not helpful: ``(entry id, how many)``, most first."""
        rows = await self._db.fetch_all(
            "SELECT entry_id, COUNT(*) FROM guidance_feedback WHERE chat_id = ? AND helpful = 0"
            " GROUP BY entry_id ORDER BY COUNT(*) DESC, entry_id",
            (chat_id,),
        )
        return [(row[0], int(row[1])) for row in rows]
