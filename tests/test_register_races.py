"""Check, then write: the register's rules hold in the UPDATE itself, whatever runs at once.

Each test lets two operations read the same action before either writes (a barrier in
``get``), the interleaving that concurrent updates can produce.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.model import Action, Actor, ChatScope, OwnerRef, Status
from register.parsing import AssignRequest
from register.service import NotAllowedError, Register, RegisterError
from storage.actions import ActionRepository
from storage.chats import ChatRepository
from storage.database import Database
from storage.partners import CoordinatorRepository, PartnerRepository
from storage.people import PeopleRepository
from tests.helpers import BOTH_BACKENDS

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CHAT = -100123
SCOPE = ChatScope(CHAT, "Partners", ZoneInfo("Europe/London"))
ALICE = Actor(1, "Alice", is_coordinator=True)
BOB = Actor(2, "Bob", is_coordinator=False)


class StaleReads(ActionRepository):
    """``get`` waits until ``readers`` callers have read: each then holds the same row."""

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.barrier = asyncio.Barrier(1)
        self.readers = 0
        self.meanwhile: Callable[[], Awaitable[object]] | None = None

    def hold(self, readers: int) -> None:
        """The next ``readers`` reads wait for each other."""
        self.barrier, self.readers = asyncio.Barrier(readers), readers

    async def get(self, chat_id: int, number: int) -> Action | None:
        action = await super().get(chat_id, number)
        if self.readers > 0:
            self.readers -= 1
            await self.barrier.wait()
        if self.meanwhile is not None:
            meanwhile, self.meanwhile = self.meanwhile, None
            await meanwhile()
        return action


pytestmark = BOTH_BACKENDS


@pytest.fixture
async def register(new_database: Callable[[str], Path | str]) -> AsyncIterator[Register]:
    database = await Database.open(new_database("races"))
    await ChatRepository(database).record(CHAT, "supergroup", "Partners", NOW)
    people = PeopleRepository(database)
    await people.record(ALICE.user_id, "alice", "Alice", NOW)
    await people.record(BOB.user_id, "bobby_p", "Bob", NOW)
    yield Register(
        StaleReads(database),
        PartnerRepository(database),
        CoordinatorRepository(database),
        people,
    )
    await database.close()


async def both_at_once(
    register: Register, *operations: Callable[[], Awaitable[Action]]
) -> list[Action | BaseException]:
    """Run the operations together, every one reading before any writes."""
    register.actions.hold(len(operations))  # type: ignore[attr-defined]
    return await asyncio.gather(*(op() for op in operations), return_exceptions=True)


async def assign_to_bob(register: Register) -> Action:
    request = AssignRequest(OwnerRef(user_id=BOB.user_id), "Draft the bid", None)
    return (await register.assign(SCOPE, ALICE, request, NOW)).action


def status_events(events: list) -> list[tuple[str | None, str | None]]:
    return [(e.old_value, e.new_value) for e in events if e.kind == "status"]


async def test_two_done_at_once_close_it_once(register: Register) -> None:
    await assign_to_bob(register)
    results = await both_at_once(
        register,
        lambda: register.complete(SCOPE, BOB, 1, "sent", NOW),
        lambda: register.complete(SCOPE, ALICE, 1, "sent too", NOW),
    )
    closed = [r for r in results if isinstance(r, Action)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert [c.status for c in closed] == [Status.DONE]
    assert [str(e) for e in refused] == ["#1 is already done."]
    _, events = await register.history(SCOPE, 1)
    assert status_events(events) == [("open", "done")]


async def test_done_and_drop_at_once_one_wins(register: Register) -> None:
    await assign_to_bob(register)
    results = await both_at_once(
        register,
        lambda: register.complete(SCOPE, BOB, 1, "", NOW),
        lambda: register.drop(SCOPE, ALICE, 1, "not needed", NOW),
    )
    [winner] = [r for r in results if isinstance(r, Action)]
    [loser] = [r for r in results if isinstance(r, RegisterError)]
    assert str(loser) == f"#1 is already {winner.status.label}."
    _, events = await register.history(SCOPE, 1)
    assert status_events(events) == [("open", winner.status.value)]


async def test_a_status_change_records_the_status_it_replaced(register: Register) -> None:
    """Two check-in answers at once: the second would record a stale ``open →``."""
    await assign_to_bob(register)
    results = await both_at_once(
        register,
        lambda: register.set_status(SCOPE, BOB, 1, Status.AT_RISK, NOW),
        lambda: register.set_status(SCOPE, BOB, 1, Status.BLOCKED, NOW),
    )
    assert sum(isinstance(r, Action) for r in results) == 1
    [refused] = [r for r in results if isinstance(r, RegisterError)]
    assert "changed" in str(refused)
    _, events = await register.history(SCOPE, 1)
    assert len(status_events(events)) == 1
    assert status_events(events)[0][0] == "open"


async def test_an_owner_who_lost_the_action_meanwhile_cannot_close_it(register: Register) -> None:
    await assign_to_bob(register)
    register.actions.meanwhile = lambda: register.reassign(  # type: ignore[attr-defined]
        SCOPE, ALICE, 1, OwnerRef(is_me=True), NOW
    )
    with pytest.raises(NotAllowedError, match="Only #1's owner \\(Alice\\)"):
        await register.complete(SCOPE, BOB, 1, "", NOW)
    assert (await register.action(SCOPE, 1)).status is Status.OPEN
    assert (await register.action(SCOPE, 1)).owner_user_id == ALICE.user_id


async def test_two_snoozes_at_once_do_not_both_count_from_the_same_date(
    register: Register,
) -> None:
    await register.assign(
        SCOPE, ALICE, AssignRequest(OwnerRef(is_me=True), "Book the room", "2026-12-01"), NOW
    )
    results = await both_at_once(
        register,
        lambda: register.snooze(SCOPE, ALICE, 1, NOW),
        lambda: register.snooze(SCOPE, ALICE, 1, NOW),
    )
    assert sum(isinstance(r, Action) for r in results) == 1
    _, events = await register.history(SCOPE, 1)
    dues = [(e.old_value, e.new_value) for e in events if e.kind == "due"]
    assert len(dues) == 1
