"""Small helpers for driving the application through the in-memory world."""

from __future__ import annotations

from datetime import datetime

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from app.context import services_of
from app.lifecycle import feed
from app.services import Services
from domain.model import Actor, ChatScope, OwnerRef, Status
from handlers.nudges import run_tick
from localapi.world import Person, SentMessage, SimChat, World
from register.parsing import AssignRequest
from storage.database import Database

# Runs each test (of a module, as ``pytestmark``) that opens a database on SQLite and on
# PostgreSQL (a throwaway server, see tests/pgcluster.py); tests/conftest.py parametrises.
BOTH_BACKENDS = pytest.mark.both_backends


async def foreign_keys_hold(database: Database) -> bool:
    """Whether every reference points at a row: SQLite's ``foreign_key_check`` (its
    foreign keys are checked as rows change too); PostgreSQL never lets one break."""
    if database.dialect == "sqlite":
        return await database.fetch_all("PRAGMA foreign_key_check") == []
    return True


async def say(
    app: Application, world: World, person: Person, chat: SimChat, text: str
) -> list[SentMessage]:
    """``person`` sends ``text`` in ``chat``; return the bot messages that it caused."""
    before = len(world.bot_messages())
    await feed(app, world.user_says(person, chat, text))
    return world.bot_messages()[before:]


async def reply_to(
    app: Application, world: World, person: Person, chat: SimChat, text: str, message_id: int
) -> list[SentMessage]:
    """``person`` replies ``text`` to message ``message_id`` of ``chat``; return the bot
    messages that it caused."""
    before = len(world.bot_messages())
    await feed(app, world.user_says(person, chat, text, reply_to=message_id))
    return world.bot_messages()[before:]


async def introduce(app: Application, world: World, chat: SimChat, *people: Person) -> None:
    """Each person writes something in ``chat``, so Accord learns their @username."""
    for person in people:
        await say(app, world, person, chat, "hello everyone")


async def add_faqs(app: Application, world: World, chat: SimChat, *lines: str) -> None:
    """Alice (101) and Carol (103) introduce themselves in ``chat``, then Alice adds each
    ``/faq add …`` line, each acknowledged."""
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, chat, alice, carol)
    for line in lines:
        [added] = await say(app, world, alice, chat, line)
        assert added.text.startswith("Added"), added.text


async def press(
    app: Application, world: World, person: Person, message: SentMessage, label: str
) -> list[SentMessage]:
    """``person`` taps the button labelled ``label``; return new bot messages."""
    data = dict(message.buttons())[label]
    before = len(world.bot_messages())
    await feed(app, world.user_presses(person, message, data))
    return world.bot_messages()[before:]


def toasts(world: World) -> list[str]:
    """The texts of every answerCallbackQuery so far."""
    return [
        params.get("text", "") for method, params in world.calls if method == "answerCallbackQuery"
    ]


async def assign_mine(app: Application, world: World, chat: SimChat, text: str) -> str:
    """Alice sends ``/assign me <text>`` in ``chat``; the text of Accord's one reply."""
    [reply] = await say(app, world, world.people[101], chat, f"/assign me {text}")
    return reply.text


async def nothing_recorded(app: Application, world: World, chat: SimChat) -> None:
    """Assert that ``chat`` has no open actions (a refused command recorded nothing)."""
    [listing] = await say(app, world, world.people[101], chat, "/actions")
    assert "none" in listing.text


async def partnerships(
    services: Services, world: World, count: int, due_text: str | None = None
) -> list[int]:
    """``count`` groups, each with its creator and one open action (due ``due_text``),
    recorded straight in the database (for nudges at scale); their chat ids."""
    now, chats = services.clock.now(), []
    for n in range(count):
        person = world.add_person(30_000 + n, f"Owner{n}", f"owner{n:05d}")
        chat = world.add_group(-1004000000000 - n, f"Partnership {n}", creator=person)
        chat.members[world.bot.user_id] = "member"
        await services.chats.record(chat.chat_id, "supergroup", chat.title, now)
        await services.people.record(person.user_id, person.username, person.first_name, now)
        await services.nudges.chat_seen(chat.chat_id, now)
        scope = ChatScope(chat.chat_id, chat.title or "", services.settings.zone)
        asked = AssignRequest(OwnerRef(is_me=True), f"Action {n}", due_text)
        await services.register.assign(
            scope, Actor(person.user_id, person.first_name, True), asked, now
        )
        chats.append(chat.chat_id)
    return chats


async def tick_at(app: Application, clock: FrozenClock, moment: datetime) -> None:
    """Move the clock to ``moment`` and run the nudge tick there, as the job queue would."""
    clock.advance(moment - clock.now())
    await run_tick(app)


async def status_of(app: Application, chat_id: int, number: int) -> Status | None:
    """Action ``#number``'s status in the register of ``chat_id`` (None: no such action)."""
    action = await services_of(app).register.actions.get(chat_id, number)
    return action.status if action else None
