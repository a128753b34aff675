"""The register's commands: /assign, /actions, /mine, /done, /update, /edit, /reopen,
/reassign, /due, /drop, /history and /who. Each reads the update, calls the register,
renders the reply."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.ext import Application

from app.context import AccordContext
from charter.parsing import GOAL_AT_THE_END, due_after_goal, goal_clause, shifted
from domain.due import Due, stamp
from domain.model import Action, Actor, ChatScope, OwnerRef
from domain.recurrence import RecurrenceError
from formatting.html import clip, escape
from handlers.catalogue import CommandInfo, add_commands
from handlers.common import (
    chat_scope,
    command_arguments,
    current_actor,
    friendly_errors,
    group_only,
    nothing_changed,
    posting_as,
    refuse_too_fast,
    reply,
    text_mentions,
    too_fast,
)
from handlers.pages import Listing, listings_of, page_words, reply_page
from handlers.remote import group_scope, groups_of, in_private
from register.batch import (
    MAX_LINES,
    BatchLine,
    RawLine,
    line_error,
    named_first,
    parse_line,
    split_lines,
    starts_with_an_owner,
)
from register.dates import DueDateError, read_due
from register.parsing import (
    NO_TITLE,
    NumberedRequest,
    UsageError,
    check_title,
    parse_assign,
    parse_numbered,
    parse_numbers,
    parse_reassign,
    parse_supporters_command,
    split_due,
    usage,
)
from register.recurrence import split_recurrence
from register.render import (
    action_details,
    action_line,
    due_text,
    due_value,
    grouped,
    history_lines,
    matches_lines,
    sort_key,
)
from register.service import (
    Assigned,
    ClosedError,
    Owner,
    Register,
    RegisterError,
    UnseenOwnerError,
)
from register.supporting import find_supporters

CHOICE_DATA = "own:{choice}:{option}"  # option: an index into the options, "k"eep, "x" cancel

COMMANDS = (
    CommandInfo("assign", "Record an action and its owner",
                "/assign @samira Draft the bid by Friday", in_private=False, writes=True,
                repeat_safe=True),
    CommandInfo("actions", "The register: open actions by partner", "/actions overdue",
                in_private=False),
    CommandInfo("mine", "Your open actions", "/mine"),
    CommandInfo("done", "Close an action", "/done 3 sent to the board", writes=True),
    CommandInfo("update", "A progress note (on track, at risk, blocked)",
                "/update 3 at risk: waiting for figures", writes=True),
    CommandInfo("edit", "Correct an action's title", "/edit 3 Draft the carers' survey",
                in_private=False, writes=True),
    CommandInfo("reopen", "Undo a /done or a /drop", "/reopen 3", writes=True),
    CommandInfo("reassign", "Give an action to someone else", "/reassign 3 @alexis",
                in_private=False, coordinators_only=True, writes=True),
    CommandInfo("due", "Change a due date", "/due 3 next Tuesday", in_private=False,
                coordinators_only=True, writes=True),
    CommandInfo("drop", "Drop an action", "/drop 3 no longer needed", in_private=False,
                coordinators_only=True, writes=True),
    CommandInfo("history", "Every change to an action", "/history 3", in_private=False),
    CommandInfo("supporters", "Who supports an action, besides its owner",
                "/supporters 3 @alexis and HSCB", in_private=False, writes=True),
    CommandInfo("who", "Who owns the actions matching some words", "/who funding bid",
                in_private=False),
)  # fmt: skip


# A reply-assign's title is the replied message, never one of Accord's own.
NOT_MINE = (
    "Reply to the message that says what the action is, not to mine; or write the action "
    "after the name: /assign @samira Draft the bid by Friday"
)
PICK_QUESTION = "You have actions in more than one partnership. Which one is this for?"
PICK_LABEL = 40  # characters of a group's title on its button
MAX_PICKS = 20  # groups offered (Telegram allows 100 buttons)
MAX_CARRIED = 3500  # a command carried in the question, which must stay one message


def action_keyboard(
    number: int, due: Due | None, chat_id: int | None = None
) -> InlineKeyboardMarkup:
    """Done / Update / Snooze for action ``#number`` (in a private chat, of group
    ``chat_id``, which the buttons carry); Snooze carries the ``due`` date shown."""
    where = f":{chat_id}" if chat_id is not None else ""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Done", callback_data=f"act:done:{number}{where}"),
                InlineKeyboardButton("Update", callback_data=f"act:update:{number}{where}"),
                InlineKeyboardButton(
                    "Snooze 1 week", callback_data=f"act:snooze:{number}{where}:s{stamp(due)}"
                ),
            ]
        ]
    )


def register(application: Application) -> None:
    """Add the register's commands."""
    callbacks = {
        "assign": assign,
        "actions": list_actions,
        "mine": mine,
        "done": done,
        "update": update_action,
        "edit": edit,
        "reopen": reopen,
        "reassign": reassign,
        "due": change_due,
        "drop": drop,
        "history": history,
        "supporters": set_supporters,
        "who": who,
    }
    add_commands(application, *((command, callbacks[command.name]) for command in COMMANDS))
    listings_of(application).update(
        actions=Listing(listing_text, "/actions {arg}"),
        mine=Listing(lambda u, c, _: mine_text(u, c), "/mine", personal=True, export_hint=False),
        overdue=Listing(lambda u, c, _: mine_text(u, c, True), None, True, export_hint=False),
        history=Listing(history_text, "/history {arg}"),
        who=Listing(who_text, "/who {arg}"),
    )


@group_only("assign")
@friendly_errors
async def assign(update: Update, context: AccordContext) -> None:
    """/assign @user <what> [by <when>] — or as a reply, the replied message is the action."""
    message = update.effective_message
    assert message is not None
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    now = context.services.clock.now()
    text, mentions = command_arguments(message)
    replied = message.reply_to_message
    mine = (
        replied is not None
        and replied.from_user is not None
        and replied.from_user.id == context.bot.id
    )
    replied_text = (replied.text or replied.caption) if replied and not mine else None
    if mine and not text:
        raise UsageError(NOT_MINE)
    if "\n" in text.strip() or (replied is not None and not text):
        await assign_lines(update, context, scope, actor, now)
        return
    clause = goal_clause(text)
    goal = await context.services.charter.open_goal(scope, clause.number) if clause else None
    if clause is not None:
        mentions = shifted(mentions, clause)
        text = clause.text
    try:
        request = parse_assign(text, mentions, replied_text, now, scope.zone, scope.date_order)
    except UsageError as error:  # no title: what was meant is in the replied message
        if mine and NO_TITLE in str(error):
            raise UsageError(NOT_MINE) from None
        raise
    if clause is not None and clause.after and not due_after_goal(clause, request.due_text):
        raise UsageError(GOAL_AT_THE_END)
    register_ = context.services.register
    try:
        result = await register_.assign(
            scope,
            actor,
            request,
            now,
            source_message_id=message.message_id,
            goal=(goal.goal_id, goal.number) if goal else None,
        )
    except UnseenOwnerError as unseen:
        payload = {
            "command": "assign",
            "title": request.title,
            "due": due_value(unseen.due),
            "source": message.message_id,
            "goal": [goal.goal_id, goal.number] if goal else None,
        }
        await ask_about_owner(update, context, actor, unseen, payload)
        return
    note = due_note(request.due_text, scope, now) if result.created else None
    serves = f"\nFor goal {goal.number}: {escape(goal.text)}." if goal and result.created else ""
    await reply(
        update,
        assigned_text(result, scope, now, note) + serves,
        reply_markup=action_keyboard(result.action.number, result.action.due),
    )


def assigned_text(
    result: Assigned, scope: ChatScope, now: datetime, note: str | None = None
) -> str:
    """``Recorded #1 for Carol (City Council): … — due Fri 27 Nov.``, how an ambiguous
    date was read (``note``), and a word on an owner Accord has not seen yet."""
    lines = [
        f"{'Recorded' if result.created else 'Already recorded as'} "
        + assigned_line(result, scope.zone, now)
    ]
    if note:
        lines.append(escape(note) + ".")
    if result.created:
        lines.extend(_unseen_supporters(result.action))
    if result.owner.pending:
        lines.append(
            f"I haven't seen {escape(result.owner.name)} write here yet: the action is theirs, "
            "and I'll link it to them as soon as they send a command or reply to me."
        )
    return "\n".join(lines)


async def ask_about_owner(
    update: Update,
    context: AccordContext,
    actor: Actor,
    unseen: UnseenOwnerError,
    payload: Mapping[str, object],
) -> None:
    """Offer the close @names and keeping the unseen one; the request waits server-side
    (handlers/names.py acts on the press)."""
    chat = update.effective_chat
    assert chat is not None
    now = context.services.clock.now()
    stored = {**payload, "handle": unseen.handle, "options": unseen.options, "by": actor.name}
    choice = await context.services.choices.put(chat.id, actor.user_id, stored, now)
    rows = [
        [InlineKeyboardButton(f"Assign to @{name}", callback_data=_choice(choice, index))]
        for index, name in enumerate(unseen.options)
    ]
    if unseen.keep:
        rows.append(
            [
                InlineKeyboardButton(
                    f"Keep @{unseen.handle} (not seen yet)", callback_data=_choice(choice, "k")
                )
            ]
        )
    rows.append([InlineKeyboardButton("Cancel", callback_data=_choice(choice, "x"))])
    await reply(
        update,
        f"{escape(str(unseen))} Nothing is recorded until you choose.",
        reply_markup=InlineKeyboardMarkup(rows),
    )


def _choice(choice: int, option: int | str) -> str:
    return CHOICE_DATA.format(choice=choice, option=option)


def assigned_line(result: Assigned, zone: ZoneInfo, now: datetime) -> str:
    """``#3 for Sam (City Council): Draft the bid — due Fri 27 Nov, with Alex.``"""
    action = result.action
    partner = f" ({escape(action.partner_name)})" if action.partner_name else ""
    extras = "".join(
        [
            f", with {escape(', '.join(action.supporters))}" if action.supporters else "",
            f", repeating {action.recurrence.describe()}" if action.recurrence else "",
        ]
    )
    return (
        f"<b>#{action.number}</b> for {escape(result.owner.name)}{partner}: "
        f"{escape(action.title)} — {due_text(action.due, zone, now)}{extras}."
    )


async def assign_lines(
    update: Update, context: AccordContext, scope: ChatScope, actor: Actor, now: datetime
) -> None:
    """/assign of several lines, one action a line (or as a reply to pasted minutes, the
    lines of the replied message that start with an owner): all recorded, or none."""
    message = update.effective_message
    assert message is not None
    text, mentions = command_arguments(message)
    replied = message.reply_to_message
    from_reply = not text and replied is not None
    if from_reply and replied is not None:
        text, mentions = replied.text or replied.caption or "", text_mentions(replied)
    batch = []
    lines = split_lines(text, mentions, from_reply=from_reply)
    for raw in lines.taken:
        batch.append(await _batch_line(context, scope, raw, now))
        await asyncio.sleep(0)  # up to 30 lines: other chats are served between them
    source = message.message_id
    if from_reply and replied is not None:
        # minutes: "me" is whoever wrote them, and a second /assign on them adds nothing
        source = replied.message_id
        batch = [minutes_line(line, replied.from_user) for line in batch]
    burst = context.services.throttle.burst
    if len(batch) > burst:
        raise UsageError(
            f"That is {len(batch)} actions; you may record at most {burst} at once. "
            "Split them over two messages."
        )
    if len(batch) > 1 and (refusal := await too_fast(update, context, len(batch) - 1)):
        nothing_changed(context)  # the command's own token too
        await refuse_too_fast(update, context, refusal)
        return
    results = await context.services.register.assign_many(scope, actor, batch, now, source)
    created = sum(result.created for result in results)
    heading = (
        f"Recorded {created} action{'s' if created != 1 else ''}:"
        if created
        else "Already recorded:"
    )
    out = [heading]
    for asked, result in zip(batch, results, strict=True):
        out.append(assigned_line(result, scope.zone, now))
        note = due_note(asked.request.due_text, scope, now) if result.created else None
        if note:
            out.append(f"  {escape(note)}.")
    pending = sorted({r.owner.name for r in results if r.owner.pending})
    if pending:
        out.append(
            f"I haven't seen {escape(', '.join(pending))} write here yet: the actions are "
            "theirs, and I'll link them as soon as they send a command or reply to me."
        )
    for raw in lines.skipped:  # a line of minutes that names its owner by first name
        if suggestion := await as_owned(context, scope, raw):
            out.append(
                f"Line {raw.number} ({escape(clip(raw.text, 40))}) was skipped: it doesn't "
                f"start with @name or me. To record it: /assign {escape(suggestion)}"
            )
    await reply(update, "\n".join(out))


async def as_owned(context: AccordContext, scope: ChatScope, line: RawLine) -> str:
    """``@dave_k chase the invoice`` for a line "Dave to chase the invoice" when one
    person seen here is called Dave; else empty."""
    named = named_first(line)
    if named is None:
        return ""
    username = await context.services.register.username_of(scope, named[0])
    return f"@{username} {named[1]}" if username else ""


async def _batch_line(
    context: AccordContext, scope: ChatScope, raw: RawLine, now: datetime
) -> BatchLine:
    """One line of a several-line /assign, read as a one-line /assign is (``for goal N``
    included); an error names the line, and how to write it when it starts with a name
    Accord knows ("Dave to chase…": /assign @dave_k chase…)."""
    suggestion = "" if starts_with_an_owner(raw) else await as_owned(context, scope, raw)
    clause = goal_clause(raw.text)
    if clause is None:
        return parse_line(raw, now, scope.zone, scope.date_order, suggestion)
    cut = replace(raw, text=clause.text, mentions=shifted(raw.mentions, clause))
    line = replace(parse_line(cut, now, scope.zone, scope.date_order, suggestion), text=raw.text)
    try:
        if clause.after and not due_after_goal(clause, line.request.due_text):
            raise UsageError(GOAL_AT_THE_END)
        goal = await context.services.charter.open_goal(scope, clause.number)
    except (UsageError, RegisterError) as error:
        raise type(error)(line_error(raw.number, raw.text, str(error))) from None
    return replace(line, goal=(goal.goal_id, goal.number))


def minutes_line(line: BatchLine, author: User | None) -> BatchLine:
    """A line of pasted minutes with its ``me`` meaning the minutes' author."""
    if author is None or author.is_bot or not line.request.owner.is_me:
        return line
    owner = OwnerRef(user_id=author.id, name=author.full_name)
    plain = line.request.plain
    request = replace(
        line.request, owner=owner, plain=replace(plain, owner=owner) if plain else None
    )
    return replace(line, request=request)


@group_only("actions")
@friendly_errors
async def list_actions(update: Update, context: AccordContext) -> None:
    """/actions [overdue | done | blocked | at risk | on track | @user | partner] [page N]:
    by partner, then owner."""
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    query, page = page_words(text)
    await reply_page(update, context, "actions", query, page)


async def listing_text(update: Update, context: AccordContext, query: str) -> str:
    """The chat's register filtered by ``query`` (also answers "what is overdue?")."""
    scope = await chat_scope(update, context)
    now = context.services.clock.now()
    heading, actions = await context.services.register.listing(scope, query, now)
    if not actions:
        hint = " Record one with /assign @name &lt;what&gt; by &lt;when&gt;." if not query else ""
        return f"{escape(heading)}: none.{hint}"
    overdue = sum(a.is_overdue(now, scope.zone) for a in actions)
    # "(3, 1 overdue)"; a list of overdue actions only says how many ("(3)", not "(3, 3
    # overdue)"), and another list all of whose actions are late says so.
    summary = f"{len(actions)}"
    if overdue == len(actions) and not heading.startswith("Overdue"):
        summary += ", all overdue"
    elif 0 < overdue < len(actions):
        summary += f", {overdue} overdue"
    lines = [f"<b>{escape(heading)} — {escape(scope.title)}</b> ({summary})"]
    lines.extend(grouped(actions, scope.zone, now))
    return "\n".join(lines)


@friendly_errors
async def mine(update: Update, context: AccordContext) -> None:
    """/mine [page N]: your open actions here, or in a private chat across all your groups."""
    _, page = page_words(command_arguments(update.effective_message)[0])  # type: ignore[arg-type]
    await reply_page(update, context, "mine", str(update.effective_user.id), page)  # type: ignore[union-attr]


async def mine_text(update: Update, context: AccordContext, overdue_only: bool = False) -> str:
    """The caller's open actions: in this group, or (in a private chat) in every group."""
    chat = update.effective_chat
    user = update.effective_user
    assert chat is not None
    assert user is not None
    sent_as = posting_as(update)
    if sent_as is not None:
        return (
            f"You're posting anonymously as {escape(sent_as)}, so there is no person behind "
            "/mine: post as yourself to see your actions, or see /actions."
        )
    now = context.services.clock.now()
    private = chat.type == Chat.PRIVATE
    scope = None if private else await chat_scope(update, context)
    default = context.services.settings.default_timezone

    def zone_of(action: Action) -> ZoneInfo:
        """Each action in its own chat's timezone (a private /mine spans groups)."""
        return scope.zone if scope else ZoneInfo(action.chat_timezone or default)

    actions = await context.services.register.of_person(user.id, scope)
    if overdue_only:
        actions = [a for a in actions if a.is_overdue(now, zone_of(a))]
    kind = "overdue" if overdue_only else "open"
    where = f"in {escape(scope.title)}" if scope else "in any of your partnership groups"
    if not actions:
        return f"You own no {kind} actions {where}."
    heading = f"Your {kind} actions" + (f" in {escape(scope.title)}" if scope else "")
    lines = [f"<b>{heading}</b> ({len(actions)})"]
    by_chat: dict[int, list[Action]] = {}
    for action in actions:
        by_chat.setdefault(action.chat_id, []).append(action)
    for chat_actions in by_chat.values():
        if not scope:
            lines.append(f"\n<b>{escape(chat_actions[0].chat_title or 'A group')}</b>")
        zone = zone_of(chat_actions[0])
        lines.extend(action_line(a, zone, now) for a in _urgent_first(chat_actions, now, zone))
    return "\n".join(lines)


def _urgent_first(actions: list[Action], now: datetime, zone: ZoneInfo) -> list[Action]:
    return sorted(actions, key=lambda a: sort_key(a, now, zone))


async def numbered_command(
    update: Update, context: AccordContext, command: str, fresh: bool = False
) -> tuple[NumberedRequest, ChatScope, Actor]:
    """The ``<#> [rest]`` of a command about one action, its chat and who sent it
    (``fresh``: their admin status asked of Telegram, not the cache)."""
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    request = parse_numbered(text, command)
    actor = await current_actor(update, context, fresh=fresh)
    return request, await chat_scope(update, context), actor


@friendly_errors
async def done(update: Update, context: AccordContext) -> None:
    """/done <#> [note]: close an action (its owner or a coordinator); in a private
    chat, in the partnership where the person has actions (or the one they pick)."""
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    numbers, note = parse_numbers(text, "done", MAX_LINES)
    if len(numbers) > 1:
        await done_several(update, context, numbers, note)
        return
    request = NumberedRequest(numbers[0], note)
    if in_private(update):
        await private_request(update, context, "done", request)
        return
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    await reply(update, await act_on(context, scope, actor, "done", request.number, request.rest))


async def done_several(
    update: Update, context: AccordContext, numbers: list[int], note: str
) -> None:
    """``/done 1 2 3 [note]``: close each action that may be closed, the note on each,
    and say for each what happened (one refused is no reason to keep the others open)."""
    if in_private(update):
        raise usage("done", "In a private chat, close one action at a time: /done 3")
    if refusal := await too_fast(update, context, len(numbers) - 1):
        await reply(update, escape(refusal))
        return
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    lines = []
    for number in numbers:
        try:
            lines.append(await act_on(context, scope, actor, "done", number, note))
        except (UsageError, RegisterError) as error:
            said = str(error)  # "#1 is already done." starts with its number already
            lines.append(escape(said if said.startswith(f"#{number} ") else f"#{number}: {said}"))
    closed = sum(line.startswith("Done:") for line in lines)
    of = "" if closed == len(numbers) else f" of {len(numbers)}"
    await reply(update, "\n".join([f"Closed {closed}{of} actions:", *lines]))


async def next_occurrence(register: Register, action: Action, zone: ZoneInfo, now: datetime) -> str:
    """`` It repeats: the next is #7, due Fri 5 Dec.`` for a recurring action just done."""
    following = await register.next_in_series(action)
    if following is None:
        return ""
    return (
        f" It repeats {following.recurrence.describe() if following.recurrence else ''}: "
        f"the next is <b>#{following.number}</b>, {due_text(following.due, zone, now)}."
    )


@friendly_errors
async def update_action(update: Update, context: AccordContext) -> None:
    """/update <#> <note>: a progress note; "on track", "at risk", "blocked" set the status."""
    request = parse_numbered(
        command_arguments(update.effective_message)[0],  # type: ignore[arg-type]
        "update",
        rest_required=True,
    )
    if in_private(update):
        await private_request(update, context, "update", request)
        return
    await record_update(update, context, request.number, request.rest)


async def record_update(update: Update, context: AccordContext, number: int, note: str) -> None:
    """Record a progress note on action ``number`` and confirm it."""
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    try:
        answer = await act_on(context, scope, actor, "update", number, note)
    except ClosedError as closed:
        await reply_closed(update, closed, number)
        return
    await reply(update, answer)


async def reply_closed(
    update: Update, closed: ClosedError, number: int, chat_id: int | None = None
) -> None:
    """An update for a closed action: point to /reopen, with a Reopen button (in a
    private chat, the button carries the group, checked again on press)."""
    await reply(
        update,
        f"{escape(str(closed))} If it isn't, reopen it: /reopen {number} (or press "
        "Reopen), then add your note.",
        reply_markup=reopen_keyboard(number, chat_id),
    )


def reopen_keyboard(number: int, chat_id: int | None = None) -> InlineKeyboardMarkup:
    """One Reopen button for closed action ``#number`` (in a private chat, of group
    ``chat_id``, which the button carries, checked again on press)."""
    where = f":{chat_id}" if chat_id is not None else ""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("Reopen", callback_data=f"act:reopen:{number}{where}")]]
    )


async def act_on(
    context: AccordContext,
    scope: ChatScope,
    actor: Actor,
    op: str,
    number: int,
    note: str,
    remote: bool = False,
) -> str:
    """Close (``done``), note (``update``) or reopen (``reopen``) action ``#number`` of
    ``scope``, checked by the register; the confirmation, naming the group when
    ``remote`` (said elsewhere)."""
    now = context.services.clock.now()
    register_ = context.services.register
    where = f" ({escape(scope.title)})" if remote else ""
    if op == "reopen":
        action = await register_.reopen(scope, actor, number, now)
        return reopened_text(action, scope, now, where)
    if op == "done":
        action = await register_.complete(scope, actor, number, note, now)
        following = await next_occurrence(register_, action, scope.zone, now)
        return f"Done: <b>#{action.number}</b> {escape(action.title)}{where}. Thank you!{following}"
    action = await register_.update(scope, actor, number, note, now)
    return (
        f"Noted on <b>#{action.number}</b> {escape(action.title)}{where} — "
        f"<i>{action.status.label}</i>, {due_text(action.due, scope.zone, now)}."
    )


async def private_request(
    update: Update, context: AccordContext, op: str, request: NumberedRequest
) -> None:
    """/done or /update in a private chat: act in the one partnership where the person
    has open actions (the one where ``#number`` is theirs, if that tells), or ask which."""
    user = update.effective_user
    assert user is not None
    groups = await groups_of(context, user.id, request.number, only_numbered=op == "reopen")
    if not groups:
        owned = f"no action #{request.number}" if op == "reopen" else "no open actions"
        await reply(
            update,
            f"You own {owned} in any partnership group. Send /{op} in the group "
            "where the action is.",
        )
        return
    if len(groups) == 1:
        scope, actor = await group_scope(context, groups[0][0], user)
        if await context.services.register.actions.get(scope.chat_id, request.number) is None:
            # /actions would list this private chat's: none; say where it was looked for
            raise RegisterError(
                f"There is no action #{request.number} in {scope.title}, the group "
                "where you have open actions. Send /mine for yours."
            )
        try:
            answer = await act_on(context, scope, actor, op, request.number, request.rest, True)
        except ClosedError as closed:
            if op != "update":
                raise
            await reply_closed(update, closed, request.number, scope.chat_id)
            return
        await reply(update, answer)
        return
    command = f"/{op} {request.number}" + (f" {request.rest}" if request.rest else "")
    if len(command) > MAX_CARRIED:
        raise UsageError(f"That is too long to carry over: send /{op} in the group instead.")
    buttons = [
        [InlineKeyboardButton(clip(title, PICK_LABEL), callback_data=f"pk:{chat_id}")]
        for chat_id, title in groups[:MAX_PICKS]
    ]
    await update.effective_message.reply_text(  # type: ignore[union-attr]
        f"{PICK_QUESTION}\n{escape(command)}", reply_markup=InlineKeyboardMarkup(buttons)
    )


@group_only("reassign")
@friendly_errors
async def reassign(update: Update, context: AccordContext) -> None:
    """/reassign <#> @user (coordinators)."""
    number, owner_ref = parse_reassign(*command_arguments(update.effective_message))  # type: ignore[arg-type]
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context, fresh=True)  # takes work from its owner
    try:
        action, owner = await context.services.register.reassign(
            scope, actor, number, owner_ref, context.services.clock.now()
        )
    except UnseenOwnerError as unseen:
        request = {"command": "reassign", "number": number}
        await ask_about_owner(update, context, actor, unseen, request)
        return
    await reply(update, reassigned_text(action, owner))


def reassigned_text(action: Action, owner: Owner) -> str:
    """``#3 Send the minutes is now Dave's.``, in one sentence for an unseen owner too."""
    pending = (
        "; I haven't seen them write here yet, so it becomes theirs when they first do."
        if owner.pending
        else "."
    )
    return (
        f"<b>#{action.number}</b> {escape(action.title)} is now "
        f"{escape(action.owner_name)}'s{pending}"
    )


@group_only("edit")
@friendly_errors
async def edit(update: Update, context: AccordContext) -> None:
    """/edit <#> <new title>: correct an action's title (its owner or a coordinator)."""
    request, scope, actor = await numbered_command(update, context, "edit")
    if not request.rest:
        raise usage("edit", "Say what the action should be called.")
    title = check_title(request.rest, "edit")
    now = context.services.clock.now()
    refuse_edit_extras(request.number, title, scope, now)
    action = await context.services.register.edit(scope, actor, request.number, title, now)
    await reply(update, f"<b>#{action.number}</b> is now: {escape(action.title)}.")


def refuse_edit_extras(number: int, title: str, scope: ChatScope, now: datetime) -> None:
    """/edit changes the title only: a due date or ``with @name`` in the new title would
    otherwise be kept as title words, so it is refused with the command that does it."""
    with contextlib.suppress(RecurrenceError):
        if split_recurrence(title)[1] is not None:
            raise UsageError(
                f"/edit changes only the title, and a repeat can't be changed in place: "
                f"/drop {number} ends the series; then /assign it again with the new repeat."
            )
    clause = find_supporters(title, {})
    if clause is not None and clause.names_people:
        raise UsageError(
            f"/edit changes only the title. To change who supports #{number}, use "
            f"/supporters {number} @name; then /edit {number} with the title alone."
        )
    try:
        _, due_words = split_due(title, now, scope.zone, scope.date_order)
    except UsageError:
        due_words = None
    if due_words is not None:
        raise UsageError(
            f"/edit changes only the title, and {due_words!r} reads as a due date. To change "
            f"when #{number} is due, use /due {number} {due_words}; then /edit {number} "
            "with the title alone."
        )


@friendly_errors
async def reopen(update: Update, context: AccordContext) -> None:
    """/reopen <#>: undo a done (its owner, or a coordinator) or a drop (coordinators);
    in a private chat, in the partnership where #<#> is theirs (or the one they pick)."""
    if in_private(update):
        text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
        await private_request(update, context, "reopen", parse_numbered(text, "reopen"))
        return
    request, scope, actor = await numbered_command(update, context, "reopen")
    now = context.services.clock.now()
    action = await context.services.register.reopen(scope, actor, request.number, now)
    await reply(update, reopened_text(action, scope, now))


def reopened_text(action: Action, scope: ChatScope, now: datetime, where: str = "") -> str:
    """``Reopened #3 Send the minutes — at risk, due Fri 27 Nov.`` (``where``: the
    group, escaped, when said in a private chat)."""
    return (
        f"Reopened <b>#{action.number}</b> {escape(action.title)}{where} — "
        f"{action.status.label}, {due_text(action.due, scope.zone, now)}."
    )


@group_only("due")
@friendly_errors
async def change_due(update: Update, context: AccordContext) -> None:
    """/due <#> <when> (coordinators)."""
    request, scope, actor = await numbered_command(update, context, "due")
    if not request.rest:
        raise usage("due", "Say when it is due.")
    now = context.services.clock.now()
    action = await context.services.register.set_due(
        scope, actor, request.number, request.rest, now
    )
    note = due_note(request.rest, scope, now)
    await reply(
        update,
        f"<b>#{action.number}</b> {escape(action.title)} — now "
        f"{due_text(action.due, scope.zone, now)}." + (f"\n{escape(note)}." if note else ""),
    )


def due_note(words: str | None, scope: ChatScope, now: datetime) -> str | None:
    """How a due date that could mean another day was read ("I read '05/12' as Sat 5
    Dec"), so that a misreading is seen when it is made."""
    if not words:
        return None
    with contextlib.suppress(DueDateError):
        return read_due(words, now, scope.zone, order=scope.date_order).note
    return None


@group_only("drop")
@friendly_errors
async def drop(update: Update, context: AccordContext) -> None:
    """/drop <#> [reason] (coordinators)."""
    request, scope, actor = await numbered_command(update, context, "drop", fresh=True)
    action = await context.services.register.drop(
        scope, actor, request.number, request.rest, context.services.clock.now()
    )
    ended = ""
    if action.recurrence is not None:
        ended = f" That ends its series ({action.recurrence.describe()}): no next one is due."
    await reply(update, f"Dropped <b>#{action.number}</b> {escape(action.title)}.{ended}")


@group_only("supporters")
@friendly_errors
async def set_supporters(update: Update, context: AccordContext) -> None:
    """/supporters <#> @alexis and HSCB, or none: the people and partners supporting it."""
    number, refs = parse_supporters_command(*command_arguments(update.effective_message))  # type: ignore[arg-type]
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    action = await context.services.register.set_supporters(
        scope, actor, number, refs, context.services.clock.now()
    )
    who = escape(", ".join(action.supporters)) if action.supporters else "no one"
    lines = [f"<b>#{action.number}</b> {escape(action.title)} — supported by {who}."]
    lines.extend(_unseen_supporters(action))
    await reply(update, "\n".join(lines))


def _unseen_supporters(action: Action) -> list[str]:
    """A word on supporters named by an @name nobody here has written as (their name is
    that @name until they do), so that a typo is seen when it is made."""
    unseen = [name for name in action.supporters if name.startswith("@")]
    if not unseen:
        return []
    names = escape(", ".join(unseen))
    return [
        f"I haven't seen {names} write here yet: recorded as supporting it, and linked to "
        "them when they first write. If that's a typo, correct it with "
        f"/supporters {action.number}."
    ]


@group_only("history")
@friendly_errors
async def history(update: Update, context: AccordContext) -> None:
    """/history <#> [page N]: every change, who and when."""
    text, page = page_words(command_arguments(update.effective_message)[0])  # type: ignore[arg-type]
    request = parse_numbered(text, "history")
    await reply_page(update, context, "history", str(request.number), page)


async def history_text(update: Update, context: AccordContext, number: str) -> str:
    """Action ``#number`` and every change to it."""
    scope = await chat_scope(update, context)
    now = context.services.clock.now()
    request = parse_numbered(number, "history")  # from a button too: checked again
    action, events = await context.services.register.history(scope, request.number)
    lines = [f"<b>#{action.number} {escape(action.title)}</b>"]
    lines.append(action_details(action, scope.zone, now, owner=True))
    lines.extend(history_lines(events, scope.zone, now))
    return "\n".join(lines)


@group_only("who")
@friendly_errors
async def who(update: Update, context: AccordContext) -> None:
    """/who <words> [page N]: who owns the open actions that match."""
    text, page = page_words(command_arguments(update.effective_message)[0])  # type: ignore[arg-type]
    if not text:
        raise usage("who", "Say what to look for.")
    await reply_page(update, context, "who", text, page)


async def who_text(update: Update, context: AccordContext, text: str) -> str:
    """The open actions matching ``text``, with their owners."""
    scope = await chat_scope(update, context)
    now = context.services.clock.now()
    actions = await context.services.register.who(scope, text)
    if not actions:
        return f"No open action matches {escape(repr(clip(text)))}. See /actions."
    lines = [f"<b>Open actions matching “{escape(clip(text))}”</b>"]
    lines.extend(matches_lines(actions, scope.zone, now))
    return "\n".join(lines)
