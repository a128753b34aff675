"""The answer to "I haven't seen @carlo in this group. Did you mean @carol?".

``/assign`` and ``/reassign`` ask before recording an @name nobody here has written as
when it is close to names people here have (handlers/actions.py ``ask_about_owner``).
The request waits in ``pending_choices``; the buttons carry only its id and an option.
A press is checked again: the question must be this chat's and unexpired, the presser
the person who sent the command or a coordinator, and the register's own rules apply
to them as to a command. Only the press that claims the question acts.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from app.context import AccordContext
from domain.model import OwnerRef
from formatting.html import escape
from handlers.actions import action_keyboard, assigned_text, reassigned_text
from handlers.common import (
    STALE_BUTTON,
    chat_scope,
    current_actor,
    nothing_changed,
    read_press,
    throttled,
)
from register.parsing import UsageError
from register.render import due_from_value
from register.service import NotAllowedError, RegisterError
from storage.choices import PendingChoice

BUTTON = re.compile(r"^own:(\d{1,12}):(\d|k|x)$")
EXPIRED = "This question has expired: send the command again."
ANSWERED = "This question has been answered already."


def register(application: Application) -> None:
    """Add the handler for the owner-choice buttons."""
    application.add_handler(CallbackQueryHandler(choose, pattern=BUTTON))


@throttled
async def choose(update: Update, context: AccordContext) -> None:
    """Record the command as the chosen owner, keep the unseen @name, or cancel."""
    pressed = await read_press(update, BUTTON)
    if pressed is None:
        return
    query, match, message = pressed
    choices = context.services.choices
    now = context.services.clock.now()
    choice = await choices.get(int(match.group(1)), message.chat_id)
    if choice is None or choice.expired(now):
        await query.answer(ANSWERED if choice is None else EXPIRED)
        return
    kind = choice.payload.get("command")
    # Giving work to someone else is re-checked with Telegram, as /reassign is.
    actor = await current_actor(update, context, fresh=kind == "reassign")
    if actor.user_id != choice.user_id and not actor.is_coordinator:
        who = choice.payload.get("by") or "the person"
        await query.answer(
            f"Only {who}, who sent the command, or a coordinator can choose.", show_alert=True
        )
        return
    option = match.group(2)
    handle = _chosen(choice, option)
    if option != "x" and handle is None:
        await query.answer(STALE_BUTTON)
        return
    if not await choices.take(choice):
        await query.answer(ANSWERED)
        return
    if handle is None:
        await query.answer("Cancelled.")
        await _rewrite(query.edit_message_text("Cancelled: nothing was recorded."))
        return
    scope = await chat_scope(update, context)
    register_ = context.services.register
    ref = OwnerRef(handle=handle)
    try:
        if kind == "assign":
            result = await register_.assign_chosen(
                scope,
                actor,
                ref,
                str(choice.payload["title"]),
                due_from_value(choice.payload.get("due")),
                now,
                source_message_id=choice.payload.get("source"),
                goal=_goal(choice.payload.get("goal")),
            )
            await query.answer(f"Recorded #{result.action.number}.")
            # The question loses its buttons and the confirmation comes as a new message:
            # a double tap on "Assign to …" must not land on a Done button in its place.
            await _rewrite(
                query.edit_message_text(
                    f"{escape(question_text(message))}\n<i>Chosen: @{escape(handle)}.</i>"
                )
            )
            await message.reply_text(
                assigned_text(result, scope, now),
                reply_markup=action_keyboard(result.action.number, result.action.due),
            )
            return
        action, owner = await register_.reassign(
            scope, actor, int(choice.payload["number"]), ref, now, check_name=False
        )
    except (RegisterError, UsageError) as error:
        nothing_changed(context)  # a refused press is not counted
        await query.answer(str(error), show_alert=isinstance(error, NotAllowedError))
        await _rewrite(query.edit_message_text(escape(str(error))))
        return
    await query.answer(f"#{action.number} is now {owner.name}'s.")
    await _rewrite(query.edit_message_text(reassigned_text(action, owner)))


def question_text(message: Message) -> str:
    """The question as it was asked (without its "Nothing is recorded" tail)."""
    return (message.text or "").replace(" Nothing is recorded until you choose.", "")


def _chosen(choice: PendingChoice, option: str) -> str | None:
    """The @name an option stands for: one of the offered names, or the unseen one."""
    if option == "x":
        return None
    if option == "k":
        return str(choice.payload.get("handle") or "") or None
    options = choice.payload.get("options") or []
    index = int(option)
    return str(options[index]) if index < len(options) else None


async def _rewrite(edit: Awaitable[object]) -> None:
    """Await an edit of the question; a message too old to edit keeps its text."""
    with contextlib.suppress(BadRequest):
        await edit


def _goal(value: object) -> tuple[int, int] | None:
    """The goal an /assign named ("… for goal 2"), as the question kept it: its id and
    number (the goal was open when asked; a link to one closed since is kept)."""
    if isinstance(value, list) and len(value) == 2:
        return int(value[0]), int(value[1])
    return None
