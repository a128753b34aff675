"""Health-check rounds and their anonymous answers.

No method here returns a person beside a rating: answers are stored under a salted hash
of (round, person) and read back only as ratings per principle (sorted, so even their
order says nothing), counts and comments (shuffled).
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.health import Round
from storage.database import Database

_ROUND_COLUMNS = "round_id, chat_id, opened_at, closes_at, closed_at"


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _round(row: Sequence[Any]) -> Round:
    closed = datetime.fromisoformat(row[4]) if row[4] else None
    return Round(
        row[0], row[1], datetime.fromisoformat(row[2]), datetime.fromisoformat(row[3]), closed
    )


def _respondent(salt: bytes, round_id: int, user_id: int) -> str:
    """The key one person's answers are stored under in one round."""
    return hashlib.sha256(salt + f"{round_id}:{user_id}".encode()).hexdigest()


class HealthRepository:
    """Reads and writes ``health_rounds``, ``health_answers`` and ``health_comments``."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def open_round(
        self,
        chat_id: int,
        now: datetime,
        closes_at: datetime,
        opened_by: int | None,
        opened_by_name: str | None,
    ) -> Round | None:
        """Open a round, unless one is open already (then ``None``): one at a time."""
        async with self._db.transaction(chat_id) as tx:
            cursor = await tx.execute(
                "SELECT 1 FROM health_rounds WHERE chat_id = ? AND closed_at IS NULL"
                " AND closes_at > ?",
                (chat_id, _stamp(now)),
            )
            if await cursor.fetchone() is not None:
                return None
            cursor = await tx.execute(
                "INSERT INTO health_rounds (chat_id, salt, opened_at, closes_at, opened_by,"
                " opened_by_name) VALUES (?, ?, ?, ?, ?, ?) RETURNING round_id",
                (
                    chat_id, secrets.token_bytes(16), _stamp(now), _stamp(closes_at), opened_by,
                    opened_by_name,
                ),
            )  # fmt: skip
            round_id = int(cursor.rows[0][0])
        return Round(round_id, chat_id, now, closes_at, None)

    async def get(self, round_id: int) -> Round | None:
        """The round, or ``None``."""
        row = await self._db.fetch_one(
            f"SELECT {_ROUND_COLUMNS} FROM health_rounds WHERE round_id = ?", (round_id,)
        )
        return _round(row) if row else None

    async def of_chat(self, chat_id: int) -> list[Round]:
        """The chat's rounds, newest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_ROUND_COLUMNS} FROM health_rounds WHERE chat_id = ? ORDER BY round_id DESC",
            (chat_id,),
        )
        return [_round(row) for row in rows]

    async def close(self, round_id: int, now: datetime, by: int, by_name: str) -> bool:
        """Close an open round early; whether it was open."""
        changed = await self._db.execute_write(
            "UPDATE health_rounds SET closed_at = ?, closed_by = ?, closed_by_name = ?"
            " WHERE round_id = ? AND closed_at IS NULL AND closes_at > ?",
            (_stamp(now), by, by_name, round_id, _stamp(now)),
        )
        return changed > 0

    async def rate(self, round_id: int, user_id: int, principle: str, rating: int) -> None:
        """Record (or change) one person's rating of one principle in a round."""
        async with self._db.transaction() as tx:
            key = await _key(tx, round_id, user_id)
            await tx.execute(
                "INSERT INTO health_answers (round_id, respondent, principle, rating)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (round_id, respondent, principle)"
                " DO UPDATE SET rating = excluded.rating",
                (round_id, key, principle, rating),
            )

    async def comment(self, round_id: int, user_id: int, text: str) -> None:
        """Record (or replace) one person's comment in a round."""
        async with self._db.transaction() as tx:
            key = await _key(tx, round_id, user_id)
            await tx.execute(
                "INSERT INTO health_comments (round_id, respondent, comment) VALUES (?, ?, ?)"
                " ON CONFLICT (round_id, respondent) DO UPDATE SET comment = excluded.comment",
                (round_id, key, text),
            )

    async def respondents(self, round_id: int) -> int:
        """How many people rated at least one principle."""
        row = await self._db.fetch_one(
            "SELECT COUNT(DISTINCT respondent) FROM health_answers WHERE round_id = ?",
            (round_id,),
        )
        return int(row[0]) if row else 0

    async def has_answered(self, round_id: int, user_id: int) -> bool:
        """Whether the person rated anything in the round (never what they rated)."""
        async with self._db.transaction() as tx:
            key = await _key(tx, round_id, user_id)
            cursor = await tx.execute(
                "SELECT 1 FROM health_answers WHERE round_id = ? AND respondent = ? LIMIT 1",
                (round_id, key),
            )
            return await cursor.fetchone() is not None

    async def ratings(self, round_id: int) -> dict[str, list[int]]:
        """Each principle's ratings, sorted: no respondent, no order of answering."""
        rows = await self._db.fetch_all(
            "SELECT principle, rating FROM health_answers WHERE round_id = ?"
            " ORDER BY principle, rating",
            (round_id,),
        )
        ratings: dict[str, list[int]] = {}
        for principle, rating in rows:
            ratings.setdefault(principle, []).append(int(rating))
        return ratings

    async def comments(self, round_id: int) -> list[str]:
        """The round's comments, shuffled."""
        rows = await self._db.fetch_all(
            "SELECT comment FROM health_comments WHERE round_id = ?", (round_id,)
        )
        comments = [row[0] for row in rows]
        random.shuffle(comments)
        return comments


async def _key(tx: Any, round_id: int, user_id: int) -> str:
    cursor = await tx.execute("SELECT salt FROM health_rounds WHERE round_id = ?", (round_id,))
    row = await cursor.fetchone()
    if row is None:
        raise LookupError(f"no health-check round {round_id}")
    return _respondent(bytes(row[0]), round_id, user_id)
