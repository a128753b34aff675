"""/coordinator [add|remove @user]: who coordinates this chat besides its admins."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from app.context import AccordContext
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
from register.render import escape

COMMANDS = (
    CommandInfo("coordinator", "Name or remove a coordinator", "/coordinator add @sam",
                in_private=False, coordinators_only=True, writes=True),
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
        named = await register_.coordinators.named(scope.chat_id)
        extra = f", plus {escape(', '.join(named))}" if named else ""
        await reply(
            update,
            f"Coordinators of {escape(scope.title)}: the group's creator and "
            f"administrators{extra}.",
        )
        return
    verb, ref = parse_coordinator(text, mentions)
    # Naming a coordinator hands out powers for good: ask Telegram, not the cache.
    actor = await current_actor(update, context, fresh=True)
    now = context.services.clock.now()
    if verb == "add":
        person, changed = await register_.add_coordinator(scope, actor, ref, now)
        verdict = "is now a coordinator" if changed else "was already a coordinator"
    else:
        person, changed = await register_.remove_coordinator(scope, actor, ref)
        verdict = "is no longer a named coordinator" if changed else "was not a named coordinator"
    await reply(update, f"{escape(person.name)} {verdict} of {escape(scope.title)}.")
