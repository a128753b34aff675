"""Record the chats and people in every update, before any other handler runs."""

from __future__ import annotations

from telegram import Chat, ChatMember, Update, User
from telegram.ext import Application, TypeHandler

from app.context import AccordContext
from register.text import clean_text

# Runs in a group of its own before the command handlers (group 0).
TRACKING_GROUP = -1


def register(application: Application) -> None:
    """Add the tracking handler."""
    application.add_handler(TypeHandler(Update, record_update), group=TRACKING_GROUP)


def _display_name(user: User) -> str:
    return clean_text(user.full_name) or (f"@{user.username}" if user.username else str(user.id))


async def record_update(update: Update, context: AccordContext) -> None:
    """Store the update's chat and the people it shows; committed before any reply."""
    services = context.services
    now = services.clock.now()
    chat = update.effective_chat
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id is not None:
        chat = None  # the old group's last word: its rows now live under the new id
    if chat is not None:
        changed = await services.chats.record(
            chat.id, chat.type, chat.title or chat.full_name, now, active=_bot_is_in(update)
        )
        if changed:  # new, renamed, left or rejoined: its schedules start, stop or resume
            await services.nudges.chat_seen(chat.id, now)
    for user in _people_in(update):
        private = chat is not None and chat.type == Chat.PRIVATE and chat.id == user.id
        changed = await services.people.record(
            user.id, user.username, _display_name(user), now, opened_private_chat=private
        )
        if chat is not None and chat.type != Chat.PRIVATE:
            await services.people.seen_in(chat.id, user.id, now)  # for suggesting @names
        if changed and user.username:
            # Actions (and roles) given to this @name before Accord had seen them become theirs.
            await services.register.actions.link_pending(
                user.username.lower(), user.id, _display_name(user), now
            )
            await services.charter.link_pending(user.username.lower(), user.id)


def _bot_is_in(update: Update) -> bool:
    """False when the update says the bot was removed from (or left) the chat."""
    change = update.my_chat_member
    if change is None:
        return True
    return change.new_chat_member.status not in (ChatMember.LEFT, ChatMember.BANNED)


def _people_in(update: Update) -> list[User]:
    """The human users an update shows: its sender, new members, replied-to authors."""
    found: list[User] = []
    if update.effective_user is not None:
        found.append(update.effective_user)
    message = update.effective_message
    if message is not None:
        found.extend(message.new_chat_members or ())
        if message.reply_to_message is not None and message.reply_to_message.from_user:
            found.append(message.reply_to_message.from_user)
        found.extend(entity.user for entity in message.entities if entity.user is not None)
    unique = {user.id: user for user in found if not user.is_bot}
    return list(unique.values())
