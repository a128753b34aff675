"""A digest set for the coming minute arrives exactly once from bot.py, restart included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from console.cast import seed_world
from localapi.server import wait_until
from localapi.world import World
from tests.e2e import bot_process, fake_telegram

pytestmark = pytest.mark.e2e


async def test_digest_for_the_next_minute_arrives_exactly_once(tmp_path: Path) -> None:
    world = World()
    cast = seed_world(world)
    alice = cast.first_person
    group = cast.groups["partners"]
    world.add_bot_to(group, alice)
    database = tmp_path / "nudges.db"

    def digests() -> list[str]:
        return [m.text for m in world.bot_messages(group.chat_id) if m.text.startswith("Digest")]

    async with fake_telegram(world) as server:
        async with bot_process(server, database):
            await wait_until(lambda: "all_group_chats" in world.commands)
            slot = (datetime.now(UTC) + timedelta(seconds=75)).astimezone(ZoneInfo("Europe/London"))
            world.user_says(alice, group, "/assign me Prepare the board paper by tomorrow")
            world.user_says(alice, group, f"/nudges digest daily {slot:%H:%M}")
            await wait_until(
                lambda: any("daily at" in m.text for m in world.bot_messages(group.chat_id))
            )
            # The tick runs every 30 s: the digest is due within 75 s and sent within 30 s more.
            await wait_until(lambda: len(digests()) >= 1, limit=150)
        assert "Prepare the board paper" in digests()[0]
        world.commands.clear()
        # A restart ticks at once on start-up; the digest sent is not due again.
        async with bot_process(server, database):
            await wait_until(lambda: "all_group_chats" in world.commands)
            world.user_says(alice, group, "/help")
            await wait_until(
                lambda: world.bot_messages(group.chat_id)[-1].text.startswith("Accord")
            )
    assert len(digests()) == 1
