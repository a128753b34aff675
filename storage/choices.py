"""Questions waiting for a button press, kept server-side so ``callback_data`` holds an id.

A press reads the question back by id in the chat the button is in; answering it deletes
the row, and only the press that deletes it acts (two presses at once act once).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.database import Database

KEEP = timedelta(days=1)


@dataclass(frozen=True)
class PendingChoice:
    """One question: who asked, what for, and until when it may be answered."""

    choice_id: int
    chat_id: int
    user_id: int
    payload: dict[str, Any]
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        """Whether it is too late to answer."""
        return now >= self.expires_at


class PendingChoices:
    """Reads and writes ``pending_choices``."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def put(self, chat_id: int, user_id: int, payload: dict[str, Any], now: datetime) -> int:
        """Keep a question for ``KEEP``; its id. Questions expired for a day are dropped."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "DELETE FROM pending_choices WHERE expires_at < ?", (_stamp(now - KEEP),)
            )
            cursor = await tx.execute(
                "INSERT INTO pending_choices (chat_id, user_id, payload, expires_at)"
                " VALUES (?, ?, ?, ?) RETURNING choice_id",
                (chat_id, user_id, json.dumps(payload), _stamp(now + KEEP)),
            )
            return int(cursor.rows[0][0])

    async def get(self, choice_id: int, chat_id: int) -> PendingChoice | None:
        """The question ``choice_id`` asked in ``chat_id``, if it is still unanswered."""
        row = await self._db.fetch_one(
            "SELECT choice_id, chat_id, user_id, payload, expires_at FROM pending_choices"
            " WHERE choice_id = ? AND chat_id = ?",
            (choice_id, chat_id),
        )
        if row is None:
            return None
        return PendingChoice(
            row[0], row[1], row[2], json.loads(row[3]), datetime.fromisoformat(row[4])
        )

    async def take(self, choice: PendingChoice) -> bool:
        """Mark the question answered; ``False`` if another press answered it first."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "DELETE FROM pending_choices WHERE choice_id = ?", (choice.choice_id,)
            )
            return cursor.rowcount == 1


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
