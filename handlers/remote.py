"""Acting on a group's register from the private chat with the bot.

A private button or command names its group (a button carries the chat id in its
``callback_data``; a command is resolved from the person's open actions), and nothing
from the client is trusted: each time, the group must be one Accord is still in, the
person must still be a member of it (asked of Telegram), and the register checks their
permission in that group as strictly as for the command sent there.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Bot, Chat, ChatMember, Update, User
from telegram.error import TelegramError

from app.context import AccordContext
from domain.model import Actor, ChatScope
from handlers.common import STALE_BUTTON, admin_cache, chat_scope, current_actor, is_coordinator
from register.service import NotAllowedError, RegisterError
from register.text import clean_text

GROUP_TYPES = (Chat.GROUP, Chat.SUPERGROUP)
MEMBER_STATUSES = (ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER)


def in_private(update: Update) -> bool:
    """Whether the update comes from a private chat with the bot."""
    chat = update.effective_chat
    return chat is not None and chat.type == Chat.PRIVATE


def is_member(member: ChatMember) -> bool:
    """Whether Telegram's answer about someone in a chat says they are in it."""
    return member.status in MEMBER_STATUSES or (
        member.status == ChatMember.RESTRICTED and bool(getattr(member, "is_member", False))
    )


async def member_of(bot: Bot, chat_id: int, user_id: int) -> bool | None:
    """Whether ``user_id`` is a member of ``chat_id``, asked of Telegram (None: it
    couldn't say, and a person is not refused on a failed call)."""
    try:
        return is_member(await bot.get_chat_member(chat_id, user_id))
    except TelegramError:
        return None


async def group_scope(context: AccordContext, chat_id: int, user: User) -> tuple[ChatScope, Actor]:
    """Group ``chat_id`` and ``user`` acting in it, after checking afresh that Accord is
    still there and that ``user`` is still a member; else a ``RegisterError``."""
    services = context.services
    stored = await services.chats.get(chat_id)
    if stored is None or stored.type not in GROUP_TYPES or not stored.active:
        raise RegisterError(STALE_BUTTON)
    title = stored.title or "that group"
    try:
        member = await context.bot.get_chat_member(chat_id, user.id)
    except TelegramError:
        member = None
    if member is None or not is_member(member):
        raise NotAllowedError(f"You're no longer a member of {title}.")
    now = services.clock.now()
    admin = member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR)
    admin_cache(context).put(chat_id, user.id, admin, now)  # just asked: no second call
    chat = Chat(chat_id, stored.type, title=title)
    actor = Actor(user.id, clean_text(user.full_name), await is_coordinator(context, chat, user.id))
    zone = ZoneInfo(stored.timezone or services.settings.default_timezone)
    return ChatScope(chat_id, title, zone), actor


async def pressed_scope(
    update: Update, context: AccordContext, chat_id: int | None
) -> tuple[ChatScope, Actor]:
    """Where a button acts and who pressed it: in a group, that group (a chat id in the
    button must be that group's); in a private chat, the group the button names."""
    user = update.effective_user
    assert user is not None
    if in_private(update):
        if chat_id is None:
            raise RegisterError(STALE_BUTTON)
        return await group_scope(context, chat_id, user)
    scope = await chat_scope(update, context)
    if chat_id is not None and chat_id != scope.chat_id:
        raise RegisterError(STALE_BUTTON)
    return scope, await current_actor(update, context)


async def groups_of(
    context: AccordContext, user_id: int, number: int | None = None, only_numbered: bool = False
) -> list[tuple[int, str]]:
    """The groups where ``user_id`` owns open actions, as ``(chat id, title)``: only
    those where they own ``#number`` (open, else closed) when there are any such, and
    only those if ``only_numbered``."""
    register = context.services.register
    actions = [] if only_numbered else await register.of_person(user_id, None)
    groups = {a.chat_id: a.chat_title or "A group" for a in actions}
    owning = {a.chat_id: a.chat_title or "A group" for a in actions if a.number == number}
    if not owning and number is not None:
        numbered = await register.numbered_of_person(user_id, number)
        if only_numbered:  # /reopen: where #number is closed, when it is closed anywhere
            numbered = [a for a in numbered if a.status.closed] or numbered
        owning = {a.chat_id: a.chat_title or "A group" for a in numbered}
    return sorted((owning or groups).items(), key=lambda group: group[1].casefold())
