"""The aiohttp transport against the fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import socket

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, TimedOut

from app.transport import AiohttpRequest
from console.cast import seed_world
from localapi.world import World
from tests.e2e import TOKEN, fake_telegram


async def test_messages_buttons_and_documents_round_trip() -> None:
    world = World()
    cast = seed_world(world)
    alice = cast.first_person
    world.private_chat(alice)
    async with fake_telegram(world) as server:
        bot = Bot(TOKEN, base_url=server.base_url, request=AiohttpRequest(pool_size=4))
        async with bot:
            assert bot.username == "accord_bot"
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("Done", callback_data="d:1")]])
            sent = await bot.send_message(
                alice.user_id, "<b>Hi</b> & bye", parse_mode="HTML", reply_markup=markup
            )
            assert sent.text == "Hi & bye"
            document = await bot.send_document(
                alice.user_id, b"a,b\n1,2\n", filename="r.csv", caption="Register"
            )
            assert document.document.file_name == "r.csv"
            with pytest.raises(BadRequest, match="Chat not found"):
                await bot.send_message(-42, "nobody there")
    message, upload = world.bot_messages(alice.user_id)
    assert message.buttons() == [("Done", "d:1")]
    assert upload.document == ("r.csv", b"a,b\n1,2\n")


async def test_slow_answers_time_out() -> None:
    world = World()
    seed_world(world)
    async with fake_telegram(world) as server:
        server.latency = 0.5
        request = AiohttpRequest(pool_size=1, read_timeout=0.1)
        bot = Bot(TOKEN, base_url=server.base_url, request=request)
        await request.initialize()
        try:
            with pytest.raises(TimedOut):
                await bot.get_me()
        finally:
            await request.shutdown()


async def test_refused_connections_are_network_errors() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(pool_size=1)
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await bot.get_me()
        assert TOKEN not in str(caught.value)
    finally:
        await request.shutdown()
