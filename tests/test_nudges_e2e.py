"""A digest that falls due arrives exactly once from bot.py, restart included.

No waiting for the wall clock: the first process records the schedule, the test moves
its slot to a moment just gone (as if the process had been down over it), and the
next process's start-up tick sends it; a restart after that sends nothing again.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.cast import seed_world
from localapi.server import wait_until
from localapi.world import World
from tests.e2e import bot_process, fake_telegram

pytestmark = pytest.mark.e2e


def make_digest_due(database: Path, chat_id: int) -> None:
    """Move the chat's digest slot to ten seconds ago: due, and well inside the 12 hours
    a late nudge may still go out."""
    moment = (datetime.now(UTC) - timedelta(seconds=10)).isoformat(timespec="seconds")
    with closing(sqlite3.connect(database)) as connection, connection:
        changed = connection.execute(
            "UPDATE schedules SET slot_at = ?, next_fire_at = ?"
            " WHERE chat_id = ? AND kind = 'digest'",
            (moment, moment, chat_id),
        ).rowcount
    assert changed == 1


async def test_a_due_digest_arrives_exactly_once_across_restarts(tmp_path: Path) -> None:
    world = World()
    cast = seed_world(world)
    alice = cast.first_person
    group = cast.groups["partners"]
    world.add_bot_to(group, alice)
    database = tmp_path / "nudges.db"

    def digests() -> list[str]:
        return [m.text for m in world.bot_messages(group.chat_id) if m.text.startswith("Digest")]

    def replies() -> int:
        return len(world.bot_messages(group.chat_id))

    async with fake_telegram(world) as server:
        async with bot_process(server, database):
            await wait_until(lambda: "all_group_chats" in world.commands)
            for number, command in enumerate(
                (
                    "/assign me Prepare the board paper by tomorrow",
                    "/quiet off",  # whatever the hour the test runs at
                    "/nudges digest daily 09:00",
                ),
                1,
            ):
                world.user_says(alice, group, command)
                await wait_until(lambda number=number: replies() >= number)
        assert digests() == []
        make_digest_due(database, group.chat_id)
        for _ in range(2):  # the first start-up tick sends it; the second finds it sent
            world.commands.clear()
            async with bot_process(server, database):
                await wait_until(lambda: "all_group_chats" in world.commands)
                await wait_until(lambda: len(digests()) >= 1)  # the start-up tick's
                world.user_says(alice, group, "/help")
                await wait_until(
                    lambda: world.bot_messages(group.chat_id)[-1].text.startswith("Accord")
                )
    assert len(digests()) == 1
    assert "Prepare the board paper" in digests()[0]
