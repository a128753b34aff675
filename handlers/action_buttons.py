"""Buttons on an action's confirmation and on private reminders: Done, Update (asks
for a note), Snooze, and Reopen (offered when an update comes for a closed action); the
"which partnership?" buttons of a private /done or /update; replies to Update prompts
and to private reminders.

``callback_data`` comes from the client, so every press is checked again: the action
is looked up in the chat the button's message is in (or, in a private chat, in the
group the button names, where the presser must still be a member), the presser's
permission is checked as strictly as for the command, and only a message whose own
buttons are about that action is rewritten. Stale or forged presses change nothing
they could not have changed by command.
"""

from __future__ import annotations

import contextlib
import re

from telegram import (
    CallbackQuery,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters
from telegram.helpers import mention_html

from app.context import AccordContext
from domain.model import Action
from formatting.html import clip, escape
from handlers.actions import (
    PICK_QUESTION,
    act_on,
    action_keyboard,
    record_update,
    reopen_keyboard,
    reply_closed,
)
from handlers.common import (
    STALE_BUTTON,
    RepliesToAccord,
    chat_scope,
    current_actor,
    friendly_errors,
    nothing_changed,
    once_per_message,
    read_press,
    reply,
    throttled,
)
from handlers.nudges import CHECKIN
from handlers.remote import group_scope, groups_of, in_private, pressed_scope
from register.parsing import UsageError
from register.render import action_line, due_text
from register.service import ClosedError, NotAllowedError, RegisterError

# A private chat's buttons carry their group's id after the number.
# A Snooze button carries a stamp of the due date its message showed (domain.due.stamp).
BUTTON = re.compile(
    r"^act:(done|update|snooze|reopen):(\d{1,9})(?::(-\d{1,15}))?(?::s([0-9a-f]{1,8}))?$"
)
PICK = re.compile(r"^pk:(-\d{1,15})$")
UPDATE_PROMPT = re.compile(r"^Update on #(\d{1,9})\b(?: in (.+?) — reply)?")
CARRIED = re.compile(r"^/(done|update|reopen) (\d{1,9})(?: (.*))?$", re.DOTALL)
# "done, sent it yesterday" closes the action; "done by Friday" is a note about the future.
DONE_WORD = re.compile(
    r"^\s*done\b(?!\s+(?:by|soon|yet|next|tomorrow|later|when|if|before|after|this)\b)"
    r"[\s,.:;!—–-]*(.*)$",
    re.IGNORECASE | re.DOTALL,
)
MAX_DONE_CHOICES = 10  # buttons offered for a private "done …" that names no action
# A group reminder about one action, addressed to its owner (nudges/compose.py reminder).
GROUP_REMINDER = re.compile(r"^(?:reminder: )?#(\d{1,9}) ")


def register(application: Application) -> None:
    """Add the button handlers and the handlers for replies to "Update on #n" prompts
    and to private reminders (before the guidance, which answers other private text)."""
    application.add_handler(CallbackQueryHandler(press, pattern=BUTTON))
    application.add_handler(CallbackQueryHandler(pick, pattern=PICK))
    # An edited reply is not a second note.
    application.add_handler(
        MessageHandler(
            RepliesToAccord(lambda replied: UPDATE_PROMPT.match(replied.text or ""))
            & ~filters.COMMAND
            & filters.UpdateType.MESSAGE,
            update_reply,
        )
    )
    application.add_handler(
        MessageHandler(
            # Accord's group reminder about one action, or any message of Accord's whose
            # buttons are about one action (a reminder whose Done was pressed keeps a
            # Reopen button, so a reply to it still reaches the action).
            RepliesToAccord(lambda replied: replied_number(replied) is not None)
            & filters.USER
            & filters.ChatType.GROUPS
            & ~filters.COMMAND
            & filters.UpdateType.MESSAGE,
            group_reminder_reply,
        )
    )
    application.add_handler(
        MessageHandler(
            RepliesToAccord(lambda replied: targets(replied.reply_markup))
            & filters.ChatType.PRIVATE
            & ~filters.COMMAND
            & filters.UpdateType.MESSAGE,
            reminder_reply,
        )
    )
    application.add_handler(
        MessageHandler(
            filters.Regex(DONE_WORD)
            & filters.ChatType.PRIVATE
            & ~filters.COMMAND
            & filters.UpdateType.MESSAGE,
            private_done,
        )
    )


def button_target(data: str | None) -> tuple[int, int | None] | None:
    """``(number, group id or None)`` of an action or check-in button's data."""
    match = BUTTON.match(data or "") or CHECKIN.match(data or "")
    if match is None:
        return None
    return int(match.group(2)), int(match.group(3)) if match.group(3) else None


def targets(markup: InlineKeyboardMarkup | None) -> set[tuple[int, int]]:
    """The actions (number, group) a private message's buttons are about; empty unless
    every button is an action or check-in button naming its group."""
    found: set[tuple[int, int]] = set()
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            data = button.callback_data
            target = button_target(data if isinstance(data, str) else None)
            if target is None or target[1] is None:
                return set()
            found.add((target[0], target[1]))
    return found


def _actions_of(markup: InlineKeyboardMarkup | None) -> set[tuple[int, int | None]]:
    """The actions (number, group or None) a message's action buttons are about, in a
    private chat or a group."""
    rows = markup.inline_keyboard if markup else ()
    data = (b.callback_data for row in rows for b in row if isinstance(b.callback_data, str))
    return {target for d in data if (target := button_target(d)) is not None}


def replied_number(replied: Message) -> int | None:
    """The one action a group message of Accord's is about: named by its text (a
    reminder) or by its buttons, when they are all about one action of this chat."""
    number = reminded_number(replied.text or "")
    if number is not None:
        return number
    about = _actions_of(replied.reply_markup)
    if len(about) == 1:
        [(number, group_id)] = about
        return number if group_id is None else None
    return None


def reminded_number(text: str) -> int | None:
    """The action a group reminder about one action is about ("Carol, reminder: #1 …" or
    "Carol, #1 … is now overdue"); None for any other message. Whoever replies, the
    register decides whether they may update it (its owner or a coordinator)."""
    name, separator, rest = text.partition(", ")
    if not separator or not name or "\n" in name:
        return None
    match = GROUP_REMINDER.match(rest)
    return int(match.group(1)) if match else None


@throttled
async def press(update: Update, context: AccordContext) -> None:
    """Act on a button press after re-checking the chat, the action and the permission."""
    pressed = await read_press(update, BUTTON)
    if pressed is None:
        return
    query, match, message = pressed
    operation, number = match.group(1), int(match.group(2))
    group_id = int(match.group(3)) if match.group(3) else None
    register_ = context.services.register
    now = context.services.clock.now()
    try:
        scope, actor = await pressed_scope(update, context, group_id)
        if operation == "done":
            action = await register_.complete(scope, actor, number, "", now)
            toast = f"#{number} is done."
            if following := await register_.next_in_series(action):
                toast += f" Next: #{following.number}, {due_text(following.due, scope.zone, now)}."
        elif operation == "reopen":
            action = await register_.reopen(scope, actor, number, now)
            toast = f"#{number} is open again."
        elif operation == "snooze":
            action = await register_.snooze(scope, actor, number, now, shown=match.group(4))
            toast = f"#{number} is now due {action.due.describe(scope.zone, now)}."  # type: ignore[union-attr]
        else:
            await register_.updatable(scope, actor, number)
            await query.answer()
            who = (
                f"in {escape(scope.title)} — reply"
                if group_id is not None
                else f"— {mention_html(actor.user_id, actor.name)}, reply"
            )
            await message.reply_text(
                f"Update on #{number} {who} to this message with your note (“on track”, "
                "“at risk” or “blocked” set the status).",
                reply_markup=ForceReply(
                    selective=True, input_field_placeholder=f"Update on #{number}"
                ),
            )
            return
    except (RegisterError, UsageError) as error:
        nothing_changed(context)  # a refused press is not counted
        await query.answer(str(error), show_alert=isinstance(error, NotAllowedError))
        return
    await query.answer(toast)
    if not is_about(message.reply_markup, number, group_id):
        return  # a forged press on another action's message: leave that message alone
    if len(_actions_of(message.reply_markup)) > 1:  # a reminder about several actions
        if action.status.closed:
            await _drop_buttons(query, message.reply_markup, number, group_id)
        return
    line = action_line(action, scope.zone, now, owner=True)
    if group_id is not None:
        line += f" ({escape(scope.title)})"
    text = f"{line}\n<i>{escape(actor.name)}: {escape(toast)}</i>"
    try:
        markup = (  # a closed one keeps Reopen: replies to it still reach the action
            reopen_keyboard(number, group_id)
            if action.status.closed
            else action_keyboard(number, action.due, group_id)
        )
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest:
        pass  # the message is too old to edit: the toast said it all


async def _drop_buttons(
    query: CallbackQuery, markup: InlineKeyboardMarkup | None, number: int, group_id: int | None
) -> None:
    """Take a closed action's row off a message about several actions; the rest stay."""
    rows = [
        row
        for row in (markup.inline_keyboard if markup else ())
        if not is_about(InlineKeyboardMarkup([row]), number, group_id)
    ]
    with contextlib.suppress(BadRequest):  # too old to edit: the toast said it
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)


def is_about(markup: InlineKeyboardMarkup | None, number: int, group_id: int | None) -> bool:
    """Whether a message's own buttons are about action ``#number`` (of that group)."""
    rows = markup.inline_keyboard if markup else ()
    for button in (button for row in rows for button in row):
        match = BUTTON.match(button.callback_data if isinstance(button.callback_data, str) else "")
        if match and (int(match.group(2)), match.group(3)) == (number, _text(group_id)):
            return True
    return False


def _text(group_id: int | None) -> str | None:
    return None if group_id is None else str(group_id)


@throttled
async def pick(update: Update, context: AccordContext) -> None:
    """The partnership picked for a private /done or /update: the command, carried in
    the question's text, is done there after checking membership and permission."""
    query = update.callback_query
    assert query is not None
    match = PICK.match(query.data or "")
    message = query.message
    text = message.text if isinstance(message, Message) else None
    header, _, command = (text or "").partition("\n")
    carried = CARRIED.match(command)
    if match is None or not in_private(update) or header != PICK_QUESTION or carried is None:
        await query.answer(STALE_BUTTON)
        return
    op, number, note = carried.group(1), int(carried.group(2)), carried.group(3) or ""
    try:
        scope, actor = await group_scope(context, int(match.group(1)), query.from_user)
        answer = await act_on(context, scope, actor, op, number, note, remote=True)
    except ClosedError as closed:  # closed since the question: the question says so too
        nothing_changed(context)
        await query.answer(str(closed))
        with contextlib.suppress(BadRequest):  # too old to edit: the popup said it
            await query.edit_message_text(f"{escape(str(closed))} ({escape(scope.title)})")
        return
    except (RegisterError, UsageError) as error:
        nothing_changed(context)  # a refused press is not counted
        await query.answer(str(error), show_alert=isinstance(error, NotAllowedError))
        return
    await query.answer()
    try:
        await query.edit_message_text(answer)
    except BadRequest:
        await reply(update, answer)


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
    number, note = int(match.group(1)), message.text or ""
    if not in_private(update):
        await _group_note(update, context, number, note)
        return
    user = update.effective_user
    assert user is not None
    groups = [g for g in await groups_of(context, user.id, number) if g[1] == match.group(2)]
    if len(groups) != 1:
        await reply(update, f"Which group is that for? Send /update {number} {escape(note)}")
        return
    await _remote_note(update, context, groups[0][0], number, note)


@throttled
@once_per_message
@friendly_errors
async def reminder_reply(update: Update, context: AccordContext) -> None:
    """A reply to a private reminder is an update on its action; "done …" closes it. A
    reply to a message about several actions (a check-in) gets a pointer instead."""
    message = update.effective_message
    assert message is not None
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    about = targets(replied.reply_markup)
    if len(about) != 1:
        await reply(
            update,
            "That message is about several actions: use its buttons, or send "
            "/update &lt;#&gt; &lt;note&gt; or /done &lt;#&gt;.",
        )
        return
    [(number, group_id)] = about
    await _remote_note(update, context, group_id, number, message.text or "")


@throttled
@once_per_message
@friendly_errors
async def group_reminder_reply(update: Update, context: AccordContext) -> None:
    """A reply to a group reminder about one action is an update on it ("done …"
    closes it), checked like /update: its owner or a coordinator."""
    message = update.effective_message
    assert message is not None
    replied = message.reply_to_message
    user = update.effective_user
    if replied is None or replied.from_user is None or user is None:
        return
    number = replied_number(replied)
    if replied.from_user.id != context.bot.id or number is None:
        return
    await _group_note(update, context, number, message.text or "")


@friendly_errors
async def private_done(update: Update, context: AccordContext) -> None:
    """ "done, sent it yesterday" sent in the private chat, not as a reply: which action?
    A Done button for each open action of the person's (checked again on press), and
    the command with their note. Nothing is closed on a guess."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    _, note = done_or_note(message.text or "")
    actions = await context.services.register.of_person(user.id, None)
    if not actions:
        await reply(update, "You own no open actions in any of your partnership groups.")
        return
    several_groups = len({a.chat_id for a in actions}) > 1
    shown = actions[:MAX_DONE_CHOICES]

    def label(action: Action) -> str:
        where = f" ({action.chat_title or 'a group'})" if several_groups else ""
        return clip(f"#{action.number} Done{where}", 60)

    def button(action: Action, text: str) -> list[InlineKeyboardButton]:
        data = f"act:done:{action.number}:{action.chat_id}"
        return [InlineKeyboardButton(text, callback_data=data)]

    command = f"/done {actions[0].number}" + (f" {note}" if note else "")
    if len(actions) == 1:
        [action] = actions
        await reply(
            update,
            f"Is that about <b>#{action.number}</b> {escape(action.title)} "
            f"({escape(action.chat_title or 'a group')})? Press Done to close it, or send "
            f"{escape(command)} (or reply “done …” to its reminder).",
            reply_markup=InlineKeyboardMarkup([button(action, "Done")]),
        )
        return
    lines = [
        f"<b>#{a.number}</b> {escape(a.title)} ({escape(a.chat_title or 'a group')})" for a in shown
    ]
    await reply(
        update,
        "\n".join(
            [
                "Which action is done? Press its button, or send /done &lt;#&gt; with your "
                f"note, e.g. {escape(command)} (or reply “done …” to its reminder).",
                *lines,
            ]
        ),
        reply_markup=InlineKeyboardMarkup([button(a, label(a)) for a in shown]),
    )


def done_or_note(text: str) -> tuple[str, str]:
    """``("done", note)`` for a reply that says the action is done ("done, sent it"),
    else ``("update", text)``: one rule for every reply that may close an action."""
    done = DONE_WORD.match(text)
    return ("done", done.group(1)) if done else ("update", text)


async def _group_note(update: Update, context: AccordContext, number: int, text: str) -> None:
    """A note (or "done …") replied in a group on its action ``#number``."""
    op, note = done_or_note(text)
    if op == "update":
        await record_update(update, context, number, note)
        return
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    await reply(update, await act_on(context, scope, actor, op, number, note))


async def _remote_note(
    update: Update, context: AccordContext, group_id: int, number: int, text: str
) -> None:
    """A note (or "done …") from the private chat on action ``#number`` of a group."""
    user = update.effective_user
    assert user is not None
    scope, actor = await group_scope(context, group_id, user)
    op, note = done_or_note(text)
    try:
        answer = await act_on(context, scope, actor, op, number, note, remote=True)
    except ClosedError as closed:  # closed already, maybe by a Done pressed by mistake
        if op == "done":
            raise
        await reply_closed(update, closed, number, group_id)
        return
    await reply(update, answer)
