"""/export: the register and its history as CSV documents, and the charter's (goals,
roles, decisions) when the chat has one (coordinators)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from app.context import AccordContext
from charter.export import charter_csv
from domain.health import HealthResults
from domain.model import Status
from handlers.catalogue import CommandInfo, add_commands
from handlers.common import chat_scope, current_actor, friendly_errors, group_only
from register.export import actions_csv, events_csv, faq_csv, faq_events_csv, health_csv

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
    """Send CSV documents: the actions and every change to them; once the partnership
    has its own answers, the FAQ and every change to it; if any ran, the health checks'
    aggregates."""
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context, fresh=True)  # the register leaves the group
    context.services.register.require_coordinator(actor, "export the register")
    actions_repo = context.services.register.actions
    actions = await actions_repo.in_chat(scope.chat_id, list(Status))
    events = await actions_repo.chat_history(scope.chat_id)
    stamp = context.services.clock.now().astimezone(scope.zone).strftime("%Y-%m-%d")
    message = update.effective_message
    assert message is not None

    async def send(name: str, data: bytes, caption: str) -> None:
        """One dated CSV document, ``register-2026-05-04.csv``."""
        await message.reply_document(data, filename=f"{name}-{stamp}.csv", caption=caption)

    await send("register", actions_csv(actions, scope.zone), f"Register: {len(actions)} actions")
    await send("history", events_csv(events, scope.zone), f"History: {len(events)} changes")
    faq_history = await context.services.faq.history(scope.chat_id)
    if faq_history:
        entries = await context.services.faq.entries(scope.chat_id)
        await send(
            "faq", faq_csv(entries, scope.zone), f"This partnership's FAQ: {len(entries)} answers"
        )
        await send(
            "faq-history",
            faq_events_csv(faq_history, scope.zone),
            f"FAQ history: {len(faq_history)} changes",
        )
    rounds = await context.services.health.history(scope.chat_id, context.services.clock.now())
    if rounds:
        await send("healthcheck", health_csv(rounds, scope.zone), _rounds_caption(rounds))
    charter = context.services.charter
    goals = await charter.progress(scope, context.services.clock.now(), closed=True)
    roles, decisions = await charter.roles(scope), await charter.decisions(scope)
    history = await charter.all_history(scope)
    if history:  # a chat with no charter gets no charter file
        await send(
            "charter",
            charter_csv(goals, roles, decisions, history, scope.zone),
            f"Charter: {len(goals)} goals, {len(roles)} roles, {len(decisions)} decisions",
        )


def _rounds_caption(rounds: list[HealthResults]) -> str:
    """``Health checks: 6 rounds, 2 with answers (averages only)``."""
    answered = sum(r.respondents > 0 for r in rounds)
    counted = "1 round" if len(rounds) == 1 else f"{len(rounds)} rounds"
    return f"Health checks: {counted}, {answered} with answers (averages only)"
