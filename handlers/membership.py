"""Membership changes: who is an administrator, and who is still in the group.

Telegram reports promotions, demotions, departures and removals as ``chat_member``
updates (to bots that are administrators, when ``allowed_updates`` asks for them) and
the bot's own as ``my_chat_member``. Each clears the cached admin status at once, and a
named coordinator who leaves or is removed stops being one. The ``left_chat_member``
service message, which bots see even without admin rights, does the same.
"""

from __future__ import annotations

from telegram import ChatMember, Update
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
        MessageHandler(filters.StatusUpdate.LEFT_CHAT_MEMBER, member_left), MEMBERSHIP_GROUP
    )


async def member_changed(update: Update, context: AccordContext) -> None:
    """Forget the member's admin status; if they are gone, their coordinator role too."""
    change = update.chat_member or update.my_chat_member
    if change is None:
        return
    chat_id = change.chat.id
    member = change.new_chat_member
    if update.my_chat_member is not None:
        # The bot itself: anything cached about this chat may be stale (or useless).
        admin_cache(context).forget(chat_id)
        return
    admin_cache(context).forget(chat_id, member.user.id)
    if member.status in GONE or not getattr(member, "is_member", True):
        await context.services.coordinators.remove(chat_id, member.user.id)


async def member_left(update: Update, context: AccordContext) -> None:
    """Someone left or was removed, as the group's service message says."""
    message = update.effective_message
    if message is None or message.left_chat_member is None:
        return
    user_id = message.left_chat_member.id
    admin_cache(context).forget(message.chat_id, user_id)
    await context.services.coordinators.remove(message.chat_id, user_id)
