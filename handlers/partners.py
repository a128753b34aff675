"""Partner organisations: /partners, /partner add|remove <Name>, /join <Partner>."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from app.context import AccordContext
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
from handlers.pages import Listing, listings_of, page_words, reply_page
from register.parsing import UsageError
from register.usage import usage_text

COMMANDS = (
    CommandInfo("partners", "Partner organisations and their members", "/partners",
                in_private=False),
    CommandInfo("partner", "Add or remove a partner organisation", "/partner add City Council",
                in_private=False, coordinators_only=True, writes=True),
    CommandInfo("join", "Say which partner organisation you are from", "/join City Council",
                in_private=False, writes=True),
)  # fmt: skip


def register(application: Application) -> None:
    """Add the partner commands."""
    add_commands(application, *zip(COMMANDS, (list_partners, manage_partner, join), strict=True))
    listings_of(application)["partners"] = Listing(partners_text, "/partners")


@group_only("partners")
@friendly_errors
async def list_partners(update: Update, context: AccordContext) -> None:
    """/partners [page N]: each partner with its members."""
    _, page = page_words(command_arguments(update.effective_message)[0])  # type: ignore[arg-type]
    await reply_page(update, context, "partners", "", page)


async def partners_text(update: Update, context: AccordContext, _: str) -> str:
    """Each partner with its members."""
    scope = await chat_scope(update, context)
    partners = await context.services.register.partners_here(scope)
    if not partners:
        return "No partner organisations yet. A coordinator adds them: /partner add &lt;Name&gt;"
    lines = [f"<b>Partners in {escape(scope.title)}</b>"]
    for partner in partners:
        members = ", ".join(escape(m) for m in partner.members) or (
            f"no members yet: /join {escape(partner.name)}"
        )
        lines.append(f"<b>{escape(partner.name)}</b> — {members}")
    return "\n".join(lines)


@group_only("partner")
@friendly_errors
async def manage_partner(update: Update, context: AccordContext) -> None:
    """/partner add <Name> | /partner remove <Name> (coordinators)."""
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    verb, _, name = text.partition(" ")
    if verb.lower() not in ("add", "remove") or not name.strip():
        raise UsageError(usage_text("partner"))
    scope = await chat_scope(update, context)
    # Removing a partner takes its members' attribution away: ask Telegram afresh.
    actor = await current_actor(update, context, fresh=verb.lower() == "remove")
    register_ = context.services.register
    now = context.services.clock.now()
    if verb.lower() == "add":
        partner, added = await register_.add_partner(scope, actor, name, now)
        verdict = "Added" if added else "Already a partner:"
        await reply(
            update,
            f"{verdict} <b>{escape(partner.name)}</b>. Its people join with "
            f"/join {escape(partner.name)}.",
        )
        return
    partner = await register_.remove_partner(scope, actor, name, now)
    await reply(
        update,
        f"Removed <b>{escape(partner.name)}</b>. Its actions keep their history.",
    )


@group_only("join")
@friendly_errors
async def join(update: Update, context: AccordContext) -> None:
    """/join <Partner>: you belong to that partner organisation in this chat."""
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    if not text:
        raise UsageError(usage_text("join") + "\nSee /partners.")
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    partner, before = await context.services.register.join(
        scope, actor, text, context.services.clock.now()
    )
    moved = f" (moved from {escape(before.name)} to {escape(partner.name)})" if before else ""
    await reply(
        update,
        f"{escape(actor.name)} is with <b>{escape(partner.name)}</b>{moved}. New actions "
        "assigned to you here are attributed to it.",
    )
