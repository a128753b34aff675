"""/coordinator [add|remove @user]: who coordinates this chat, and naming more."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import Application

from app.context import AccordContext
from domain.model import OwnerRef
from formatting.html import escape
from handlers.catalogue import CommandInfo, add_commands
from handlers.common import (
    chat_scope,
    command_arguments,
    current_actor,
    friendly_errors,
    group_only,
    reply,
)
from register.parsing import parse_coordinator

COMMANDS = (
    CommandInfo("coordinator", "Name or remove a coordinator", "/coordinator add @samira",
                in_private=False, coordinators_only=True, writes=True,
                bare_reads=True),
)  # fmt: skip


def register(application: Application) -> None:
    """Add /coordinator."""
    add_commands(application, (COMMANDS[0], coordinator))


@group_only("coordinator")
@friendly_errors
async def coordinator(update: Update, context: AccordContext) -> None:
    """List, add or remove named coordinators."""
    text, mentions = command_arguments(update.effective_message)  # type: ignore[arg-type]
    scope = await chat_scope(update, context)
    register_ = context.services.register
    if not text:
        await reply(update, await coordinators_text(update, context, scope.title))
        return
    verb, ref = parse_coordinator(text, mentions)
    # Naming a coordinator hands out powers for good: ask Telegram, not the cache.
    actor = await current_actor(update, context, fresh=True)
    now = context.services.clock.now()
    if verb == "add":
        register_.require_coordinator(actor, "name coordinators")
        if (already := await admin_already(update, context, ref)) is not None:
            await reply(update, already)
            return
        person, changed = await register_.add_coordinator(scope, actor, ref, now)
        verdict = "is now a coordinator" if changed else "was already a coordinator"
    else:
        person, changed = await register_.remove_coordinator(scope, actor, ref)
        verdict = "is no longer a named coordinator" if changed else "was not a named coordinator"
    await reply(update, f"{escape(person.name)} {verdict} of {escape(scope.title)}.")


async def admin_already(update: Update, context: AccordContext, ref: OwnerRef) -> str | None:
    """What to say when the person named is the group's creator or an administrator (a
    coordinator already, seen by Accord or not); ``None`` otherwise or if Telegram can't
    say."""
    chat = update.effective_chat
    assert chat is not None
    try:
        members = await context.bot.get_chat_administrators(chat.id)
    except TelegramError:
        return None
    for member in members:
        user = member.user
        same = ref.user_id == user.id or (
            ref.handle is not None and (user.username or "").lower() == ref.handle.lower()
        )
        if ref.is_me:
            same = update.effective_user is not None and update.effective_user.id == user.id
        if same and not user.is_bot:
            name = escape(user.full_name)
            if member.status == ChatMember.OWNER:
                return f"{name} is the group's creator: already a coordinator."
            return f"{name} is an administrator of this group: already a coordinator."
    return None


async def coordinators_text(update: Update, context: AccordContext, title: str) -> str:
    """Who coordinates: the creator and administrators as Telegram lists them now (the
    anonymous ones counted, not named), then the people named with /coordinator add."""
    chat = update.effective_chat
    assert chat is not None
    listed: list[str] = []
    try:
        members = await context.bot.get_chat_administrators(chat.id)
    except TelegramError:
        listed.append(
            "the group's creator and administrators (Telegram didn't say who they are just now)"
        )
    else:
        anonymous = 0
        for member in sorted(members, key=lambda m: m.status != ChatMember.OWNER):
            if member.user.is_bot:
                continue
            if getattr(member, "is_anonymous", False):
                anonymous += 1
                continue
            role = "creator" if member.status == ChatMember.OWNER else "administrator"
            listed.append(f"{escape(member.user.full_name)} ({role})")
        if anonymous:
            listed.append(f"{anonymous} anonymous administrator{'s' if anonymous > 1 else ''}")
    named = await context.services.register.coordinators.named(chat.id)
    listed.extend(f"{escape(name)} (named with /coordinator add)" for name in named)
    text = f"Coordinators of {escape(title)}: {', '.join(listed)}."
    if not named:
        text += " Coordinators name others with /coordinator add @name."
    return text
