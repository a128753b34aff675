"""Buttons on an action's confirmation: Done, Update (asks for a note), Snooze.

``callback_data`` comes from the client, so every press is checked again: the action
is looked up in the chat the button's message is in, the presser's permission is
checked as strictly as for the command, and only a message whose own buttons are about
that action is rewritten. Stale or forged presses change nothing they could not have
changed by command.
"""

from __future__ import annotations

import re

from telegram import ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters
from telegram.helpers import mention_html

from app.context import AccordContext
from handlers.actions import action_keyboard, record_update
from handlers.common import (
    chat_scope,
    current_actor,
    friendly_errors,
    once_per_message,
    throttled,
)
from register.parsing import UsageError
from register.render import action_line, due_text, escape
from register.service import NotAllowedError, RegisterError

BUTTON = re.compile(r"^act:(done|update|snooze):(\d{1,9})$")
UPDATE_PROMPT = re.compile(r"^Update on #(\d{1,9})\b")


def register(application: Application) -> None:
    """Add the button handler and the handler for replies to "Update on #n" prompts."""
    application.add_handler(CallbackQueryHandler(press, pattern=BUTTON))
    # An edited reply is not a second note.
    application.add_handler(
        MessageHandler(
            _ReplyToUpdatePrompt() & ~filters.COMMAND & filters.UpdateType.MESSAGE, update_reply
        )
    )


class _ReplyToUpdatePrompt(filters.MessageFilter):
    """Text replying to one of Accord's "Update on #n" prompts."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return bool(
            message.text
            and replied is not None
            and replied.from_user is not None
            and replied.from_user.is_bot
            and UPDATE_PROMPT.match(replied.text or "")
        )


@throttled
async def press(update: Update, context: AccordContext) -> None:
    """Act on a button press after re-checking the chat, the action and the permission."""
    query = update.callback_query
    assert query is not None
    match = BUTTON.match(query.data or "")
    message = query.message
    if match is None or not isinstance(message, Message):
        await query.answer("This button no longer works.")
        return
    operation, number = match.group(1), int(match.group(2))
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    register_ = context.services.register
    now = context.services.clock.now()
    try:
        if operation == "done":
            action = await register_.complete(scope, actor, number, "", now)
            toast = f"#{number} is done."
            if following := await register_.next_in_series(action):
                toast += f" Next: #{following.number}, {due_text(following.due, scope.zone, now)}."
        elif operation == "snooze":
            action = await register_.snooze(scope, actor, number, now)
            toast = f"#{number} is now due {action.due.describe(scope.zone, now)}."  # type: ignore[union-attr]
        else:
            await register_.updatable(scope, actor, number)
            await query.answer()
            await message.reply_text(
                f"Update on #{number} — {mention_html(actor.user_id, actor.name)}, reply to "
                "this message with your note (“on track”, “at risk” or “blocked” set the status).",
                reply_markup=ForceReply(
                    selective=True, input_field_placeholder=f"Update on #{number}"
                ),
            )
            return
    except (RegisterError, UsageError) as error:
        await query.answer(str(error), show_alert=isinstance(error, NotAllowedError))
        return
    await query.answer(toast)
    if not is_about(message.reply_markup, number):
        return  # a forged press on another action's message: leave that message alone
    line = action_line(action, scope.zone, now, owner=True)
    text = f"{line}\n<i>{escape(actor.name)}: {escape(toast)}</i>"
    try:
        markup = None if action.status.closed else action_keyboard(number)
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest:
        pass  # the message is too old to edit: the toast said it all


def is_about(markup: InlineKeyboardMarkup | None, number: int) -> bool:
    """Whether a message's own buttons are about action ``#number``."""
    rows = markup.inline_keyboard if markup else ()
    for button in (button for row in rows for button in row):
        match = BUTTON.match(button.callback_data if isinstance(button.callback_data, str) else "")
        if match and int(match.group(2)) == number:
            return True
    return False


@throttled
@once_per_message
@friendly_errors
async def update_reply(update: Update, context: AccordContext) -> None:
    """A reply to an "Update on #n" prompt is that action's progress note."""
    message = update.effective_message
    assert message is not None
    replied = message.reply_to_message
    assert replied is not None
    assert replied.from_user is not None
    match = UPDATE_PROMPT.match(replied.text or "")
    if replied.from_user.id != context.bot.id or match is None:
        return
    await record_update(update, context, int(match.group(1)), message.text or "")
