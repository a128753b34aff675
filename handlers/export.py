"""/export: the register and its history as CSV documents, and the charter's (goals,
roles, decisions) when the chat has one (coordinators)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from app.context import AccordContext
from charter.export import charter_csv
from domain.model import Status
from handlers.catalogue import CommandInfo, add_commands
from handlers.common import chat_scope, current_actor, friendly_errors, group_only
from register.export import actions_csv, events_csv

COMMANDS = (
    CommandInfo("export", "The register and its history as CSV files", "/export",
                in_private=False, coordinators_only=True, on_edit=False),
)  # fmt: skip


def register(application: Application) -> None:
    """Add /export."""
    add_commands(application, (COMMANDS[0], export))


@group_only("export")
@friendly_errors
async def export(update: Update, context: AccordContext) -> None:
    """Send two CSV documents: the actions, and every change to them."""
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context, fresh=True)  # the register leaves the group
    context.services.register.require_coordinator(actor, "export the register")
    actions_repo = context.services.register.actions
    actions = await actions_repo.in_chat(scope.chat_id, list(Status))
    events = await actions_repo.chat_history(scope.chat_id)
    stamp = context.services.clock.now().astimezone(scope.zone).strftime("%Y-%m-%d")
    message = update.effective_message
    assert message is not None
    await message.reply_document(
        actions_csv(actions, scope.zone),
        filename=f"register-{stamp}.csv",
        caption=f"Register: {len(actions)} actions",
    )
    await message.reply_document(
        events_csv(events, scope.zone),
        filename=f"history-{stamp}.csv",
        caption=f"History: {len(events)} changes",
    )
    charter = context.services.charter
    goals = await charter.progress(scope, context.services.clock.now(), closed=True)
    roles, decisions = await charter.roles(scope), await charter.decisions(scope)
    history = await charter.repository.history(scope.chat_id)
    if history:  # a chat with no charter gets the register's two files only
        await message.reply_document(
            charter_csv(goals, roles, decisions, history, scope.zone),
            filename=f"charter-{stamp}.csv",
            caption=f"Charter: {len(goals)} goals, {len(roles)} roles, {len(decisions)} decisions",
        )
