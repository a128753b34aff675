"""Partner organisations of a chat, their members, and the chat's named coordinators."""

from __future__ import annotations

from datetime import datetime

from domain.model import Partner
from storage.database import Database


class PartnerRepository:
    """Reads and writes ``partners`` and ``partner_members``."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, chat_id: int, name: str, now: datetime) -> tuple[Partner, bool]:
        """Add (or restore) a partner; ``(partner, False)`` if it is already there."""
        async with self._db.transaction(chat_id) as tx:
            cursor = await tx.execute(
                "SELECT partner_id, removed_at FROM partners WHERE chat_id = ? AND name_key = ?",
                (chat_id, name.casefold()),
            )
            row = await cursor.fetchone()
            if row is not None and row[1] is None:
                return await self._one(row[0]), False
            if row is not None:
                await tx.execute(
                    "UPDATE partners SET removed_at = NULL, name = ? WHERE partner_id = ?",
                    (name, row[0]),
                )
                partner_id = row[0]
            else:
                cursor = await tx.execute(
                    "INSERT INTO partners (chat_id, name, name_key, created_at) "
                    "VALUES (?, ?, ?, ?) RETURNING partner_id",
                    (chat_id, name, name.casefold(), now.isoformat(timespec="seconds")),
                )
                partner_id = cursor.rows[0][0]
        return await self._one(partner_id), True

    async def remove(self, partner: Partner, now: datetime) -> None:
        """Retire a partner: it leaves the list and its members are unattached.

        Its actions keep their attribution, so their history still reads true.
        """
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE partners SET removed_at = ? WHERE partner_id = ?",
                (now.isoformat(timespec="seconds"), partner.partner_id),
            )
            await tx.execute(
                "DELETE FROM partner_members WHERE partner_id = ?", (partner.partner_id,)
            )

    async def in_chat(self, chat_id: int) -> list[Partner]:
        """The chat's current partners with their members' names, alphabetically."""
        rows = await self._db.fetch_all(
            """
            SELECT pt.partner_id, pt.name, p.display_name
            FROM partners pt
            LEFT JOIN partner_members m ON m.partner_id = pt.partner_id
            LEFT JOIN people p ON p.user_id = m.user_id
            WHERE pt.chat_id = ? AND pt.removed_at IS NULL
            ORDER BY pt.name_key, p.display_name
            """,
            (chat_id,),
        )
        partners: dict[int, tuple[str, list[str]]] = {}
        for partner_id, name, member in rows:
            partners.setdefault(partner_id, (name, []))[1].extend([member] if member else [])
        return [
            Partner(partner_id, chat_id, name, tuple(members))
            for partner_id, (name, members) in partners.items()
        ]

    async def join(self, chat_id: int, user_id: int, partner: Partner, now: datetime) -> None:
        """Make ``user_id`` a member of ``partner`` (leaving any other in this chat)."""
        await self._db.execute_write(
            """
            INSERT INTO partner_members (chat_id, user_id, partner_id, joined_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (chat_id, user_id) DO UPDATE SET
                partner_id = excluded.partner_id, joined_at = excluded.joined_at
            """,
            (chat_id, user_id, partner.partner_id, now.isoformat(timespec="seconds")),
        )

    async def of_member(self, chat_id: int, user_id: int) -> Partner | None:
        """The partner ``user_id`` belongs to in this chat, if any."""
        row = await self._db.fetch_one(
            "SELECT partner_id FROM partner_members WHERE chat_id = ? AND user_id = ?",
            (chat_id, user_id),
        )
        return await self._one(row[0]) if row else None

    async def _one(self, partner_id: int) -> Partner:
        row = await self._db.fetch_one(
            "SELECT partner_id, chat_id, name FROM partners WHERE partner_id = ?", (partner_id,)
        )
        return Partner(row[0], row[1], row[2])  # type: ignore[index]


class CoordinatorRepository:
    """People a coordinator named as coordinators (admins are coordinators anyway)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, chat_id: int, user_id: int, added_by: int, now: datetime) -> bool:
        """Name a coordinator; ``False`` if they already were one."""
        changed = await self._db.execute_write(
            "INSERT INTO coordinators (chat_id, user_id, added_by, added_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (chat_id, user_id) DO NOTHING",
            (chat_id, user_id, added_by, now.isoformat(timespec="seconds")),
        )
        return changed > 0

    async def remove(self, chat_id: int, user_id: int) -> bool:
        """Un-name a coordinator; ``False`` if they were not named."""
        changed = await self._db.execute_write(
            "DELETE FROM coordinators WHERE chat_id = ? AND user_id = ?", (chat_id, user_id)
        )
        return changed > 0

    async def is_named(self, chat_id: int, user_id: int) -> bool:
        """Whether ``user_id`` was named a coordinator of this chat."""
        row = await self._db.fetch_one(
            "SELECT 1 FROM coordinators WHERE chat_id = ? AND user_id = ?", (chat_id, user_id)
        )
        return row is not None

    async def named(self, chat_id: int) -> list[str]:
        """Display names of the chat's named coordinators."""
        rows = await self._db.fetch_all(
            "SELECT p.display_name FROM coordinators c JOIN people p ON p.user_id = c.user_id"
            " WHERE c.chat_id = ? ORDER BY p.display_name",
            (chat_id,),
        )
        return [row[0] for row in rows]
