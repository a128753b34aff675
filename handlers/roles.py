"""The partnership's terms of reference: /roles, /role add|remove."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update
from telegram.ext import Application

from app.context import AccordContext
from charter.parsing import parse_role_add
from charter.render import history_text, role_line, roles_text
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
from register.parsing import UsageError
from register.usage import usage_text

COMMANDS = (
    CommandInfo("roles", "The partnership's roles and who holds them", "/roles",
                in_private=False),
    CommandInfo("role", "Add or remove a role", "/role add Chair @samira",
                in_private=False, coordinators_only=True, writes=True),
)  # fmt: skip


def register(application: Application) -> None:
    """Add the role commands."""
    add_commands(application, *zip(COMMANDS, (list_roles, manage_role), strict=True))


@group_only("roles")
@friendly_errors
async def list_roles(update: Update, context: AccordContext) -> None:
    """/roles: each role, its holder and what it covers; /roles history: every change."""
    scope = await chat_scope(update, context)
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    if text.strip().lower() == "history":
        events = await context.services.charter.history(scope, "role")
        await reply(update, history_text("Roles: their changes", events, scope.zone))
        return
    if text.strip():
        raise UsageError(usage_text("roles"))
    await reply(update, roles_text(scope.title, await context.services.charter.roles(scope)))


@group_only("role")
@friendly_errors
async def manage_role(update: Update, context: AccordContext) -> None:
    """/role add <name> <@person | partner>[: what it covers] | /role remove <name>."""
    text, mentions = command_arguments(update.effective_message)  # type: ignore[arg-type]
    verb = text.split(maxsplit=1)[0].lower() if text.strip() else ""
    rest = text.lstrip()[len(verb) :]
    if verb not in ("add", "remove") or not rest.strip():
        raise UsageError(usage_text("role"))
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    charter, now = context.services.charter, context.services.clock.now()
    if verb == "remove":
        removed = await charter.remove_role(scope, actor, rest, now)
        await reply(update, f"Removed the role {role_line(removed)}.")
        return
    offset = len(text) - len(rest)  # mentions are positioned in ``text``
    moved = [replace(m, start=m.start - offset, end=m.end - offset) for m in mentions
             if m.start >= offset]  # fmt: skip
    role, before = await charter.set_role(scope, actor, parse_role_add(rest, moved), now)
    unseen = (
        f"\nI haven't seen @{escape(role.handle)} write here yet: the role is theirs, and "
        "I'll link it to them as soon as they do."
        if role.handle and role.user_id is None
        else ""
    )
    if before is None:
        await reply(update, f"Added the role {role_line(role)}.{unseen}")
        return
    await reply(
        update,
        f"{role_line(role)}\n(It was {escape(before.holder)}"
        + (f": {escape(before.covers)})" if before.covers else ")")
        + unseen,
    )
