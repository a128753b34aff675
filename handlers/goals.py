"""The partnership's goals: /goals, /goal add|edit|close|<n>, /link <#> goal <n>."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import Application

from app.context import AccordContext
from charter.parsing import parse_number
from charter.render import goal_line, goal_text, goals_text, history_text
from domain.charter import GoalProgress
from formatting.html import escape
from handlers.catalogue import CommandInfo, add_commands
from handlers.common import (
    chat_scope,
    command_arguments,
    current_actor,
    friendly_errors,
    group_only,
    nothing_changed,
    reply,
)
from register.parsing import UsageError
from register.usage import usage_text

COMMANDS = (
    CommandInfo("goals", "The partnership's goals and their progress", "/goals",
                in_private=False),
    CommandInfo("goal", "One goal and its actions; add, edit or close goals", "/goal 2",
                in_private=False, writes=True),
    CommandInfo("link", "Link an action to a goal", "/link 3 goal 2",
                in_private=False, writes=True),
)  # fmt: skip
_LINK = re.compile(r"^#?(\d{1,9})\s+(?:to\s+)?goal\s+(?:#?(\d{1,9})|(none))$", re.IGNORECASE)


def register(application: Application) -> None:
    """Add the goal commands."""
    add_commands(application, *zip(COMMANDS, (list_goals, goal, link), strict=True))


@group_only("goals")
@friendly_errors
async def list_goals(update: Update, context: AccordContext) -> None:
    """/goals: each open goal with its actions done, open and overdue."""
    scope = await chat_scope(update, context)
    progress = await context.services.charter.progress(scope, context.services.clock.now())
    await reply(update, goals_text(scope.title, progress))


@group_only("goal")
@friendly_errors
async def goal(update: Update, context: AccordContext) -> None:
    """/goal add <text> | edit <n> <text> | close <n> (coordinators) | <n> [history]
    (anyone)."""
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    verb, _, rest = text.partition(" ")
    verb = verb.lower()
    scope = await chat_scope(update, context)
    charter, now = context.services.charter, context.services.clock.now()
    if verb not in ("add", "edit", "close"):
        nothing_changed(context)  # /goal 2 only shows it
        number, extra = parse_number(text, "goal")
        if extra.lower() == "history":
            events = await charter.history(scope, "goal", number)
            await reply(update, history_text(f"Goal {number}: its changes", events, scope.zone))
            return
        if extra:
            raise UsageError(usage_text("goal"))
        shown, actions = await charter.goal_actions(scope, number)
        progress = next(
            (p for p in await charter.progress(scope, now) if p.goal.goal_id == shown.goal_id),
            GoalProgress(shown),
        )
        await reply(update, goal_text(progress, actions, scope.zone, now))
        return
    actor = await current_actor(update, context)
    if verb == "add":
        added = await charter.add_goal(scope, actor, rest, now)
        await reply(
            update,
            f"Recorded {goal_line(GoalProgress(added))}.\nLink actions to it: "
            f"/assign … for goal {added.number}, or /link &lt;#&gt; goal {added.number}.",
        )
        return
    number, words = parse_number(rest, "goal")
    if verb == "edit":
        if not words:
            raise UsageError(usage_text("goal"))
        before, after = await charter.edit_goal(scope, actor, number, words, now)
        await reply(
            update,
            f"Goal {number} now reads: {escape(after.text)}\n(It read: {escape(before.text)})",
        )
        return
    closed = await charter.close_goal(scope, actor, number, now)
    await reply(
        update, f"Closed goal {number}: {escape(closed.text)}. Its actions keep their link."
    )


@group_only("link")
@friendly_errors
async def link(update: Update, context: AccordContext) -> None:
    """/link <#> goal <n> | /link <#> goal none (the action's owner or a coordinator)."""
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    match = _LINK.match(" ".join(text.split()))
    if match is None:
        raise UsageError(usage_text("link"))
    number = int(match.group(1))
    goal_number = int(match.group(2)) if match.group(2) else None
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    charter = context.services.charter
    action = await charter.link(scope, actor, number, goal_number, context.services.clock.now())
    if goal_number is None:
        await reply(update, f"#{number} {escape(action.title)} is linked to no goal now.")
        return
    linked = await charter.goal(scope, goal_number)
    await reply(
        update,
        f"Linked #{number} {escape(action.title)} to goal {goal_number}: {escape(linked.text)}.",
    )
