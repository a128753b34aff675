"""Webhook mode: Telegram posts updates to Accord's aiohttp listener on 127.0.0.1.

A request without the right secret gets 403 and is never handled; a right one is
queued like a polled update, so each chat's replies keep their order; setWebhook asks
for the updates polling asks for, with the secret, and never drops pending ones.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
)

from app.builder import build_application
from app.context import services_of
from app.serve import ALLOWED_UPDATES, set_webhook
from app.web import MAX_BODY_BYTES, SECRET_HEADER, HttpListener
from config.settings import Settings
from console.cast import Cast
from localapi.request import WorldRequest
from localapi.server import wait_until
from localapi.world import SimChat, World

SECRET = "Webhook_secret-for-the-tests-0123456789"
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
HOOK = "/telegram/updates"
pytestmark = pytest.mark.settings(
    TELEGRAM_BOT_TOKEN=TOKEN,
    TELEGRAM_WEBHOOK_URL=f"https://bot.example.org{HOOK}",
    TELEGRAM_WEBHOOK_SECRET=SECRET,
    WEBHOOK_MAX_CONNECTIONS="12",
)


@pytest.fixture
async def base(app: Application) -> AsyncIterator[str]:
    """The listener's address, on an ephemeral 127.0.0.1 port."""
    listener = HttpListener(app, "127.0.0.1", 0, webhook_path=HOOK, secret=SECRET)
    port = await listener.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await listener.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def post(
    http: aiohttp.ClientSession, url: str, body: bytes | dict, secret: str | None = SECRET
) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    async with http.post(url, data=data, headers=headers) as response:
        return response.status


def private(world: World, user_id: int) -> SimChat:
    return world.private_chat(world.people[user_id])


async def test_without_the_right_secret_403_and_never_handled(
    base: str, http: aiohttp.ClientSession, world: World
) -> None:
    alice = world.people[101]
    chat = private(world, 101)
    assert await post(http, base + HOOK, world.user_says(alice, chat, "/start"), None) == 403
    assert await post(http, base + HOOK, world.user_says(alice, chat, "/start"), "wrong") == 403
    near = SECRET[:-1] + "X"
    assert await post(http, base + HOOK, world.user_says(alice, chat, "/start"), near) == 403
    # The right secret: handled. The chat's updates are handled in queue order, so had a
    # refused one been queued, its reply would have come first.
    assert await post(http, base + HOOK, world.user_says(alice, chat, "/mine")) == 200
    await wait_until(lambda: bool(world.bot_messages(chat.chat_id)))
    [reply] = world.bot_messages(chat.chat_id)
    assert "Accord keeps a partnership's work moving" not in reply.text  # not /start's
    assert not [c for c in world.calls if c[0] == "sendMessage" and "/start" in str(c[1])]


async def test_the_right_secret_is_handled_like_a_polled_update(
    base: str, http: aiohttp.ClientSession, world: World
) -> None:
    alice = world.people[101]
    chat = private(world, 101)
    assert await post(http, base + HOOK, world.user_says(alice, chat, "/start")) == 200
    await wait_until(lambda: bool(world.bot_messages(chat.chat_id)))
    assert "Accord keeps a partnership's work moving" in world.bot_messages(chat.chat_id)[0].text


@pytest.mark.settings(WRITE_BURST="50")
async def test_a_burst_for_several_chats_keeps_each_chats_reply_order(
    base: str, http: aiohttp.ClientSession, world: World, cast: Cast
) -> None:
    partners, steering = cast.groups["partners"], cast.groups["steering"]
    senders = {partners.chat_id: (101, 102), steering.chat_id: (101, 103)}
    chats = {partners.chat_id: partners, steering.chat_id: steering}
    count = 12

    async def burst(chat_id: int) -> None:
        # As Telegram does: one chat's next update once the last one was acknowledged;
        # the chats at the same time, on their own connections.
        for k in range(count):
            person = world.people[senders[chat_id][k % 2]]
            update = world.user_says(person, chats[chat_id], f"/assign me Item {chat_id}-{k}")
            assert await post(http, base + HOOK, update) == 200

    before = {chat_id: len(world.bot_messages(chat_id)) for chat_id in chats}
    await asyncio.gather(*(burst(chat_id) for chat_id in chats))
    await wait_until(
        lambda: all(len(world.bot_messages(c)) - before[c] >= count for c in chats), 30
    )
    for chat_id in chats:
        replies = [m.text for m in world.bot_messages(chat_id)[before[chat_id] :]]
        order = [re.findall(rf"Item {chat_id}-(\d+)", text) for text in replies]
        assert order == [[str(k)] for k in range(count)], replies


async def test_malformed_or_oversized_bodies_are_refused(
    base: str, http: aiohttp.ClientSession, world: World
) -> None:
    assert await post(http, base + HOOK, b"{not json") == 400
    assert await post(http, base + HOOK, b"[1, 2]") == 400
    assert await post(http, base + HOOK, {"message": {"text": "no update id"}}) == 400
    assert await post(http, base + HOOK, {"update_id": 5, "message": "not a message"}) == 400
    assert await post(http, base + HOOK, b"x" * (MAX_BODY_BYTES + 1)) == 413
    async with http.get(base + HOOK) as response:
        assert response.status == 405  # Telegram only posts
    assert not world.bot_messages()


async def test_set_webhook_parameters(app: Application, world: World) -> None:
    world.pending_updates.append({"update_id": 999, "message": {}})  # sent while down
    await set_webhook(app, services_of(app).settings)
    [params] = [p for method, p in world.calls if method == "setWebhook"]
    assert params["url"] == f"https://bot.example.org{HOOK}"
    assert params["secret_token"] == SECRET
    assert int(params["max_connections"]) == 12
    assert params["allowed_updates"] == ALLOWED_UPDATES
    assert set(ALLOWED_UPDATES) == {
        "message", "edited_message", "callback_query", "my_chat_member", "chat_member"
    }  # fmt: skip
    assert params["drop_pending_updates"] in (False, "false", "False")
    assert world.pending_updates  # nothing dropped
    info = await app.bot.get_webhook_info()
    assert info.url == f"https://bot.example.org{HOOK}"
    assert info.max_connections == 12
    assert info.pending_update_count == 1


async def test_not_running_yet_503_so_telegram_tries_again(
    settings: Settings, world: World, http: aiohttp.ClientSession
) -> None:
    """Before the Application runs (start-up may yet fail) nothing is acknowledged."""
    request = WorldRequest(world)
    app = build_application(settings, request=request, scheduled_jobs=False)
    listener = HttpListener(app, "127.0.0.1", 0, webhook_path=HOOK, secret=SECRET)
    base = f"http://127.0.0.1:{await listener.start()}"
    try:
        alice = world.add_person(555, "Erin")
        update = world.user_says(alice, world.private_chat(alice), "/start")
        assert await post(http, base + HOOK, update) == 503
        assert app.update_queue.empty()
        async with http.get(base + "/healthz") as response:
            assert response.status == 503  # the database is not open yet
    finally:
        await listener.stop()
        await listener.stop()  # idempotent: serve() stops it on every way out


def test_allowed_updates_are_the_types_the_handlers_take(app: Application) -> None:
    """Every registered handler's update types, and nothing more, are asked for: a new
    kind of handler with its type missing would never be sent anything."""
    chat_member_kinds = {
        ChatMemberHandler.MY_CHAT_MEMBER: {Update.MY_CHAT_MEMBER},
        ChatMemberHandler.CHAT_MEMBER: {Update.CHAT_MEMBER},
        ChatMemberHandler.ANY_CHAT_MEMBER: {Update.MY_CHAT_MEMBER, Update.CHAT_MEMBER},
    }
    taken: set[str] = set()
    for handlers in app.handlers.values():
        for handler in handlers:
            if isinstance(handler, TypeHandler):
                continue  # tracking: records whatever comes
            if isinstance(handler, CallbackQueryHandler):
                taken.add(Update.CALLBACK_QUERY)
            elif isinstance(handler, ChatMemberHandler):
                taken |= chat_member_kinds[handler.chat_member_types]
            elif isinstance(handler, MessageHandler | CommandHandler):
                taken |= {Update.MESSAGE, Update.EDITED_MESSAGE}  # edits get a notice
            else:
                raise AssertionError(f"which updates does {handler!r} take?")
    assert set(ALLOWED_UPDATES) == taken
    assert len(ALLOWED_UPDATES) == len(set(ALLOWED_UPDATES))
