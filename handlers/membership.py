"""Membership changes: who is an administrator, and who is still in the group.

Telegram reports promotions, demotions, departures and removals as ``chat_member``
updates (to bots that are administrators, when ``allowed_updates`` asks for them) and
the bot's own as ``my_chat_member``. Each clears the cached admin status at once. A
named coordinator who leaves or is removed stops being one; so does one who joins
again, since joining means a departure Accord may not have seen. The ``left_chat_member``
and ``new_chat_members`` service messages, which bots see without admin rights, do the
same.
"""

from __future__ import annotations

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.ext import Application, ChatMemberHandler, MessageHandler, filters

from app.context import AccordContext
from handlers.common import admin_cache

# Its own group, after the features: it changes no reply and needs no other handler's turn.
MEMBERSHIP_GROUP = 1
GONE = (ChatMember.LEFT, ChatMember.BANNED)


def register(application: Application) -> None:
    """Add the membership handlers."""
    application.add_handler(
        ChatMemberHandler(member_changed, ChatMemberHandler.ANY_CHAT_MEMBER), MEMBERSHIP_GROUP
    )
    application.add_handler(
        MessageHandler(
            filters.StatusUpdate.LEFT_CHAT_MEMBER | filters.StatusUpdate.NEW_CHAT_MEMBERS,
            members_came_or_went,
        ),
        MEMBERSHIP_GROUP,
    )


async def member_changed(update: Update, context: AccordContext) -> None:
    """Forget the member's admin status; if they left or came back, their named role."""
    if update.my_chat_member is not None:
        # The bot itself: anything cached about this chat may be stale (or useless).
        admin_cache(context).forget(update.my_chat_member.chat.id)
        return
    change = update.chat_member
    if change is None:
        return
    user_id = change.new_chat_member.user.id
    admin_cache(context).forget(change.chat.id, user_id)
    if _left(change) or _joined(change):
        await context.services.coordinators.remove(change.chat.id, user_id)


def _left(change: ChatMemberUpdated) -> bool:
    member = change.new_chat_member
    return member.status in GONE or not getattr(member, "is_member", True)


def _joined(change: ChatMemberUpdated) -> bool:
    member = change.old_chat_member
    return member.status in GONE or not getattr(member, "is_member", True)


async def members_came_or_went(update: Update, context: AccordContext) -> None:
    """Someone left, was removed or joined, as the group's service message says."""
    message = update.effective_message
    if message is None:
        return
    people = [*(message.new_chat_members or ()), message.left_chat_member]
    for user in people:
        if user is None or user.id == context.bot.id:
            continue
        admin_cache(context).forget(message.chat_id, user.id)
        await context.services.coordinators.remove(message.chat_id, user.id)
