"""What every register handler needs: who is asking, in which chat, with what words."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Chat, ChatMember, Message, MessageEntity, Update
from telegram.error import TelegramError

from app.context import AccordContext
from register.model import Actor, ChatScope
from register.parsing import Mention, UsageError
from register.render import ECHO_LIMIT, clip, split_message
from register.service import RegisterError

# Telegram's stand-in for a group admin posting as the group itself.
ANONYMOUS_ADMIN_ID = 1087968824
ADMIN_CACHE = timedelta(minutes=5)
# Input quoted back in an error message ('…' or "…", as repr writes it), when long.
_LONG_QUOTE = re.compile(rf"'[^'\n]{{{ECHO_LIMIT},}}'|\"[^\"\n]{{{ECHO_LIMIT},}}\"")

Handler = Callable[[Update, AccordContext], Coroutine[Any, Any, None]]


def command_arguments(message: Message) -> tuple[str, list[Mention]]:
    """The text after ``/command`` and the mentions in it, positioned in that text."""
    text = message.text or ""
    command, _, _ = text.partition(" ")
    arguments = text[len(command) :]
    stripped = arguments.lstrip()
    start = len(text) - len(stripped)
    mentions = []
    for entity, value in message.parse_entities(
        [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    ).items():
        position = _python_index(text, entity.offset) - start
        if position < 0:
            continue
        user = entity.user
        mentions.append(
            Mention(
                position,
                position + len(value),
                user_id=user.id if user else None,
                username=value.lstrip("@") if entity.type == MessageEntity.MENTION else None,
                name=user.full_name if user else None,
            )
        )
    return stripped, mentions


def _python_index(text: str, utf16_offset: int) -> int:
    """Telegram counts in UTF-16 code units; Python in code points."""
    return len(text.encode("utf-16-le")[: utf16_offset * 2].decode("utf-16-le", "ignore"))


async def chat_scope(update: Update, context: AccordContext) -> ChatScope:
    """The update's chat with its timezone (the chat's own, else the default)."""
    chat = update.effective_chat
    assert chat is not None
    services = context.services
    stored = await services.chats.get(chat.id)
    zone_name = (stored.timezone if stored else None) or services.settings.default_timezone
    return ChatScope(chat.id, chat.title or chat.full_name or "this chat", ZoneInfo(zone_name))


async def current_actor(update: Update, context: AccordContext) -> Actor:
    """Who sent the update and whether they coordinate its chat."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None
    assert chat is not None
    message = update.effective_message
    if (
        user.id == ANONYMOUS_ADMIN_ID
        and message
        and message.sender_chat
        and (message.sender_chat.id == chat.id)
    ):
        return Actor(user.id, f"{chat.title} (anonymous admin)", True)
    return Actor(user.id, user.full_name, await is_coordinator(context, chat, user.id))


async def is_coordinator(context: AccordContext, chat: Chat, user_id: int) -> bool:
    """Creator or administrator of the group (asked of Telegram, cached), or named one."""
    if chat.type == Chat.PRIVATE:
        return False
    if await context.services.coordinators.is_named(chat.id, user_id):
        return True
    cache: dict[tuple[int, int], tuple[datetime, bool]] = context.bot_data.setdefault(
        "accord.admins", {}
    )
    key = (chat.id, user_id)
    now = context.services.clock.now()
    cached = cache.get(key)
    if cached and cached[0] > now:
        return cached[1]
    try:
        member = await context.bot.get_chat_member(chat.id, user_id)
        admin = member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR)
    except TelegramError:
        admin = False
    cache[key] = (now + ADMIN_CACHE, admin)
    return admin


async def reply(update: Update, text: str, **kwargs: Any) -> Message | None:
    """Reply with ``text`` (HTML), split into messages under Telegram's limit."""
    message = update.effective_message
    if message is None:
        return None
    sent = None
    chunks = split_message(text)
    for index, chunk in enumerate(chunks):
        extra = kwargs if index == len(chunks) - 1 else {}
        sent = await message.reply_text(chunk, **extra)
    return sent


def group_only(command: str) -> Callable[[Handler], Handler]:
    """In a private chat, explain that ``/command`` belongs in the partnership's group."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def wrapper(update: Update, context: AccordContext) -> None:
            chat = update.effective_chat
            if chat is not None and chat.type == Chat.PRIVATE:
                await reply(
                    update,
                    f"/{command} works in your partnership's group, where the register lives. "
                    "Here, /mine lists the actions you own in every group.",
                )
                return
            await handler(update, context)

        return wrapper

    return decorate


def clip_quotes(message: str) -> str:
    """An error message with the input it quotes clipped: a 4 KB echo helps nobody."""
    return _LONG_QUOTE.sub(lambda m: m[0][0] + clip(m[0][1:-1]) + m[0][0], message)


def friendly_errors(handler: Handler) -> Handler:
    """Turn usage, permission and register errors into a reply; nothing is changed."""

    @wraps(handler)
    async def wrapper(update: Update, context: AccordContext) -> None:
        try:
            await handler(update, context)
        except (UsageError, RegisterError) as error:
            await reply(update, html.escape(clip_quotes(str(error)), quote=False))

    return wrapper
