"""What every register handler needs: who is asking, in which chat, with what words."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Coroutine, Hashable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, Chat, ChatMember, Message, MessageEntity, Update
from telegram.error import TelegramError
from telegram.ext import filters

from app.context import AccordContext
from app.throttle import describe_wait
from domain.model import ANONYMOUS_ADMIN_ID, Actor, ChatScope
from formatting.html import ECHO_LIMIT, clip, escape, split_message
from register.parsing import Mention, UsageError
from register.service import RegisterError
from register.text import clean_text

ADMIN_CACHE = timedelta(minutes=5)
# What a press of a button Accord no longer knows (or never made) is answered.
STALE_BUTTON = "This button no longer works."
ADMIN_CACHE_SIZE = 10_000  # (chat, person) answers kept
# Input quoted back in an error message ('…' or "…", as repr writes it), when long. A
# quote opens and closes outside a word: the apostrophes of "the group's admins … this
# partnership's FAQ" are not one, and the text between them is not clipped.
_LONG_QUOTE = re.compile(rf"(?<!\w)'[^'\n]{{{ECHO_LIMIT},}}'(?!\w)|\"[^\"\n]{{{ECHO_LIMIT},}}\"")

Handler = Callable[[Update, AccordContext], Coroutine[Any, Any, None]]


def command_arguments(message: Message) -> tuple[str, list[Mention]]:
    """The text after ``/command`` and the mentions in it, positioned in that text.
    The command ends at any whitespace: ``/assign`` may be followed by a new line."""
    text = message.text or ""
    command = text.split(maxsplit=1)[0] if text.strip() else ""
    stripped = text[text.find(command) + len(command) :].lstrip()
    return stripped, text_mentions(message, len(text) - len(stripped))


def text_mentions(message: Message, start: int = 0) -> list[Mention]:
    """The mentions in a message's text from ``start`` on, positioned from there."""
    text = message.text or ""
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
                name=clean_text(user.full_name) if user else None,
            )
        )
    return mentions


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
    title = chat.title or chat.full_name or "this chat"
    return ChatScope(chat.id, title, ZoneInfo(zone_name), services.settings.date_order)


class RepliesToAccord(filters.MessageFilter):
    """Text replying to a message of Accord's that ``about`` recognises (a prompt by its
    text, a reminder by its buttons): such a reply is meant for Accord, not the group."""

    __slots__ = ("_about",)

    def __init__(self, about: Callable[[Message], object]) -> None:
        super().__init__()
        self._about = about

    def filter(self, message: Message) -> bool:
        """Whether ``message`` is text replying to such a message of Accord's."""
        replied = message.reply_to_message
        return bool(
            message.text
            and replied is not None
            and replied.from_user is not None
            and replied.from_user.is_bot
            and self._about(replied)
        )


def is_anonymous_admin(update: Update) -> bool:
    """Whether the update is an administrator posting as the group itself."""
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    return bool(
        user is not None
        and chat is not None
        and user.id == ANONYMOUS_ADMIN_ID
        and message is not None
        and message.sender_chat is not None
        and message.sender_chat.id == chat.id
    )


def posting_as(update: Update) -> str | None:
    """What a message was sent as, when it was sent as a chat: "the group" or a channel."""
    chat, message = update.effective_chat, update.effective_message
    sender = message.sender_chat if message is not None else None
    if sender is None or chat is None:
        return None
    return "the group" if sender.id == chat.id else f"the channel {sender.title or sender.id}"


async def current_actor(update: Update, context: AccordContext, fresh: bool = False) -> Actor:
    """Who sent the update and whether they coordinate its chat.

    ``fresh`` asks Telegram again instead of trusting the admin cache: for acts that
    hand out powers or take work or data away (naming coordinators, /export, /drop,
    /reassign, /partner remove).
    """
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None
    assert chat is not None
    sent_as = posting_as(update)
    if sent_as is not None:
        # Only the group's administrators can post as the group; a channel coordinates
        # nothing. Either way no person stands behind the message.
        admin = is_anonymous_admin(update)
        name = f"{chat.title} (anonymous admin)" if admin else f"{sent_as} (anonymous)"
        return Actor(user.id, name, admin, posting_as=sent_as)
    return Actor(
        user.id,
        clean_text(user.full_name),
        await is_coordinator(context, chat, user.id, fresh=fresh),
    )


class AdminCache:
    """Who is an administrator where, remembered for ``ADMIN_CACHE``.

    Every entry lives equally long, so insertion order is expiry order: expired entries
    are dropped from the front, and the oldest go first if it grows past ``size``.
    """

    def __init__(self, size: int = ADMIN_CACHE_SIZE) -> None:
        self.size = size
        self._entries: dict[tuple[int, int], tuple[datetime, bool]] = {}

    def get(self, chat_id: int, user_id: int, now: datetime) -> bool | None:
        """The cached answer, or ``None`` if unknown or expired."""
        entry = self._entries.get((chat_id, user_id))
        return entry[1] if entry and entry[0] > now else None

    def put(self, chat_id: int, user_id: int, admin: bool, now: datetime) -> None:
        """Remember an answer Telegram just gave."""
        self._entries.pop((chat_id, user_id), None)
        self._entries[(chat_id, user_id)] = (now + ADMIN_CACHE, admin)
        while len(self._entries) > 1:
            key, (expires, _) = next(iter(self._entries.items()))
            if expires > now and len(self._entries) <= self.size:
                break
            del self._entries[key]

    def forget(self, chat_id: int, user_id: int | None = None) -> None:
        """Drop what is known about one person in a chat, or about the whole chat."""
        if user_id is not None:
            self._entries.pop((chat_id, user_id), None)
            return
        for key in [key for key in self._entries if key[0] == chat_id]:
            del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)


def admin_cache(context: AccordContext) -> AdminCache:
    """The application's admin cache."""
    return context.bot_data.setdefault("accord.admins", AdminCache(ADMIN_CACHE_SIZE))


async def is_coordinator(
    context: AccordContext, chat: Chat, user_id: int, fresh: bool = False
) -> bool:
    """Creator or administrator of the group (asked of Telegram, cached unless ``fresh``),
    or named one."""
    if chat.type == Chat.PRIVATE:
        return False
    if await context.services.coordinators.is_named(chat.id, user_id):
        return True
    cache = admin_cache(context)
    now = context.services.clock.now()
    cached = None if fresh else cache.get(chat.id, user_id, now)
    if cached is not None:
        return cached
    try:
        member = await context.bot.get_chat_member(chat.id, user_id)
        admin = member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR)
    except TelegramError:
        admin = False
    cache.put(chat.id, user_id, admin, now)
    return admin


@dataclass
class _Charge:
    """The tokens the running command or button has spent, to give back if it changes
    nothing after all."""

    key: Hashable
    cost: int = 0


# Set by ``throttled`` for the handler it runs (each update runs in its own context).
_CHARGE: ContextVar[_Charge | None] = ContextVar("accord_charge", default=None)


def sender_key(update: Update) -> Hashable | None:
    """Whose tokens: the person, or for messages sent as a chat (they share one Telegram
    user id) that chat."""
    user, message = update.effective_user, update.effective_message
    if user is None:
        return None
    sender = message.sender_chat if message is not None else None
    return sender.id if sender is not None else user.id


async def too_fast(update: Update, context: AccordContext, cost: int = 1) -> str | None:
    """Spend ``cost`` of the sender's change tokens: ``None``, or a refusal saying when
    to retry (then none is spent). Within ``throttled`` the tokens are given back if the
    command changes nothing (:func:`nothing_changed`)."""
    key = sender_key(update)
    if key is None:
        return None
    throttle, now = context.services.throttle, context.services.clock.now()
    wait = throttle.take(key, now, cost)
    if wait is None:
        charge = _CHARGE.get()
        if charge is not None and charge.key == key:
            charge.cost += cost
        return None
    return f"That's a lot of changes at once. Try again in {describe_wait(wait)}."


def nothing_changed(context: AccordContext) -> None:
    """The running command was refused or only read: give back the tokens it spent,
    so only changes count against the rate limit."""
    charge = _CHARGE.get()
    if charge is not None and charge.cost:
        context.services.throttle.give_back(charge.key, context.services.clock.now(), charge.cost)
        charge.cost = 0


async def refuse_too_fast(update: Update, context: AccordContext, refusal: str) -> None:
    """Tell the sender they are going too fast: a button always gets its answer (as
    Telegram needs); a message only the first time within the wait, so a flood of
    refused commands gets one reply, not one each."""
    if update.callback_query is not None:
        await update.callback_query.answer(refusal, show_alert=True)
        return
    key = sender_key(update)
    throttle, now = context.services.throttle, context.services.clock.now()
    message = update.effective_message
    what = " ".join((message.text or "").split()) if message is not None else ""
    if key is None or throttle.first_refusal(key, now, throttle.wait(key, now), what):
        await reply(update, refusal.rstrip(".") + NOT_RECORDED)


# The first refusal of a message says what happens to the rest (see ``tell_missed``).
NOT_RECORDED = (
    ": this one was not recorded, nor will others sent before then be. "
    "(Several actions can go in one /assign, one a line.)"
)


async def tell_missed(update: Update, context: AccordContext, key: Hashable) -> None:
    """Before a change goes through, list the changes refused untold while its sender
    was asked to wait, so they know to send them again."""
    count, shown = context.services.throttle.missed(key)
    if count:
        listed = "; ".join(escape(text) for text in shown) + ("; …" if count > len(shown) else "")
        await reply(
            update,
            f"Not recorded while you were asked to wait ({count}): {listed}. "
            "Send them again if they're still needed.",
        )


def once_per_message(handler: Handler) -> Handler:
    """Run ``handler`` at most once per message: Telegram delivers an update again when
    Accord stopped before confirming it, and what changes something must not act twice.

    At most once, like the nudges: a crash after the claim loses that one command, and
    the person, who got no answer, sends it again.
    """

    @wraps(handler)
    async def wrapper(update: Update, context: AccordContext) -> None:
        message = update.message
        if message is not None:
            services = context.services
            first = await services.handled.claim(
                message.chat_id, message.message_id, message.date, services.clock.now()
            )
            if not first:
                nothing_changed(context)
                return
        await handler(update, context)

    return wrapper


def throttled(handler: Handler, bare_reads: bool = False) -> Handler:
    """Refuse a command or button that changes something when its sender is going too
    fast (see :func:`refuse_too_fast`). A token is taken when it runs and given back
    when it changes nothing (a usage, permission or register refusal: see
    :func:`friendly_errors`); with ``bare_reads`` the bare command only shows
    something and is not counted at all."""

    @wraps(handler)
    async def wrapper(update: Update, context: AccordContext) -> None:
        message = update.effective_message
        command = update.callback_query is None and message is not None
        if bare_reads and command and not command_arguments(message)[0]:  # type: ignore[arg-type]
            await handler(update, context)
            return
        key = sender_key(update)
        token = _CHARGE.set(_Charge(key) if key is not None else None)
        try:
            refusal = await too_fast(update, context)
            if refusal is None:
                if command and key is not None:
                    await tell_missed(update, context, key)
                await handler(update, context)
            else:
                await refuse_too_fast(update, context, refusal)
        finally:
            _CHARGE.reset(token)

    return wrapper


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
                    "Here, /mine lists the actions you own in every group, and /done and "
                    "/update work on them.",
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
            nothing_changed(context)  # a refusal is not counted against the rate limit
            await reply(update, html.escape(clip_quotes(str(error)), quote=False))

    return wrapper


async def read_press(
    update: Update, pattern: re.Pattern[str]
) -> tuple[CallbackQuery, re.Match[str], Message] | None:
    """The pressed button's query, its ``callback_data`` matched by ``pattern`` and the
    message it is on; ``None`` (the press answered as stale) when the data doesn't match
    (it comes from the client) or the message is no longer accessible."""
    query = update.callback_query
    assert query is not None
    match = pattern.match(query.data or "")
    message = query.message
    if match is None or not isinstance(message, Message):
        await query.answer(STALE_BUTTON)
        return None
    return query, match, message
