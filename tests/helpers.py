"""Small helpers for driving the application through the in-memory world."""

from __future__ import annotations

from telegram.ext import Application

from app.lifecycle import feed
from localapi.world import Person, SentMessage, SimChat, World


async def say(
    app: Application, world: World, person: Person, chat: SimChat, text: str
) -> list[SentMessage]:
    """``person`` sends ``text`` in ``chat``; return the bot messages that it caused."""
    before = len(world.bot_messages())
    await feed(app, world.user_says(person, chat, text))
    return world.bot_messages()[before:]
