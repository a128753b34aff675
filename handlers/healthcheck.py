"""/healthcheck: members rate the key principles anonymously; results as aggregates."""

from __future__ import annotations

import asyncio
import difflib
import functools
import html

from telegram import (
    Chat,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from app.context import AccordContext
from charts.health import health_chart_data, render_health
from domain.health import PRINCIPLES
from domain.model import MAX_NOTE
from handlers.catalogue import CommandInfo, add_commands
from handlers.common import (
    chat_scope,
    command_arguments,
    current_actor,
    friendly_errors,
    group_only,
    nothing_changed,
    read_press,
    reply,
    throttled,
)
from handlers.nudges import TelegramOutbox
from health.questions import (
    ANSWER,
    DEEP_LINK_PREFIX,
    deep_link,
    marks_of,
    question_rows,
    question_text,
)
from health.render import comments_text, results_text, round_line
from health.service import HealthCheckError
from register.parsing import UsageError
from register.text import clean_text
from register.usage import usage_text

COMMANDS = (
    CommandInfo("healthcheck", "Partnership health check: members rate the key principles",
                "/healthcheck", in_private=False, writes=True),
)  # fmt: skip
DEEP_LINK = filters.Regex(rf"^/start {DEEP_LINK_PREFIX}(\d{{1,9}})$")
PLAIN_START = filters.Regex(r"^/start(?:@\w+)?\s*$")
MEMBER_STATUSES = (ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER)


class _ReplyToQuestions(filters.MessageFilter):
    """Text replying to Accord's health-check questions (a comment)."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        markup = replied.reply_markup if replied is not None else None
        return bool(
            message.text
            and markup is not None
            and any(
                ANSWER.match(button.callback_data or "")
                for row in markup.inline_keyboard
                for button in row
                if isinstance(button.callback_data, str)
            )
        )


def register(application: Application) -> None:
    """Add /healthcheck, its buttons and comments (before the guidance, which answers
    other private text)."""
    add_commands(application, (COMMANDS[0], healthcheck))
    application.add_handler(CallbackQueryHandler(answer, pattern=ANSWER))
    application.add_handler(
        MessageHandler(
            _ReplyToQuestions()
            & filters.ChatType.PRIVATE
            & ~filters.COMMAND
            & filters.UpdateType.MESSAGE,
            comment,
        )
    )


def register_deep_link(application: Application) -> None:
    """``/start hc<round>`` (the group message's button) asks the questions privately;
    registered before /start (handlers/deep_links.py), which would take it as ``/help``."""
    application.add_handler(
        CommandHandler("start", start_link, filters=DEEP_LINK & filters.ChatType.PRIVATE)
    )
    # after the welcome (group 0): a plain /start also asks an open round's questions
    application.add_handler(
        CommandHandler("start", ask_waiting, filters=PLAIN_START & filters.ChatType.PRIVATE),
        group=1,
    )


@group_only("healthcheck")
@friendly_errors
async def healthcheck(update: Update, context: AccordContext) -> None:
    """/healthcheck (start a round) | results | close."""
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    word = text.strip().lower()
    if word == "results":
        nothing_changed(context)
        await show_results(update, context)
    elif word == "close":
        await close_round(update, context)
    elif not word:
        await start_round(update, context)
    else:
        close = difflib.get_close_matches(word, ("results", "close"), n=1, cutoff=0.6)
        hint = f"Did you mean /healthcheck {close[0]}?\n" if close else ""
        raise UsageError(hint + usage_text("healthcheck"))


async def start_round(update: Update, context: AccordContext) -> None:
    """Open a round and send the questions."""
    actor = await current_actor(update, context)
    context.services.register.require_coordinator(actor, "start a health check")
    scope = await chat_scope(update, context)
    link = functools.partial(deep_link, context.bot.username)
    try:
        started = await context.services.health.start(
            scope.chat_id,
            scope.title,
            context.services.clock.now(),
            TelegramOutbox(context.bot),
            link,
            (actor.user_id, actor.name),
        )
    except HealthCheckError as error:
        nothing_changed(context)
        await reply(update, html.escape(str(error), quote=False))
        return
    privately = "1 member" if started.privately == 1 else f"{started.privately} members"
    closes = started.round.closes_at.astimezone(scope.zone)
    await reply(
        update,
        f"Health check started: I've asked {privately} privately"
        + (", and the others in the message above" if started.invited else "")
        + f". Answers are anonymous; it closes {closes:%a %d %b}. "
        "/healthcheck results shows the averages when it closes, if 3 or more answered.",
    )


async def close_round(update: Update, context: AccordContext) -> None:
    """/healthcheck close (coordinators)."""
    actor = await current_actor(update, context)
    context.services.register.require_coordinator(actor, "close the health check")
    scope = await chat_scope(update, context)
    now = context.services.clock.now()
    try:
        await context.services.health.close(scope.chat_id, now, actor.user_id, actor.name)
    except HealthCheckError as error:
        nothing_changed(context)
        await reply(update, html.escape(str(error), quote=False))
        return
    await reply(update, "Health check closed.")
    await show_results(update, context)


async def show_results(update: Update, context: AccordContext) -> None:
    """The latest results: a chart with the figures as its caption, the weakest
    principle's guidance as a button, and the comments; or why there are no figures."""
    scope = await chat_scope(update, context)
    now = context.services.clock.now()
    results = await context.services.health.results(scope.chat_id, now)
    if results is None:
        await reply(update, "No health check has run here yet. A coordinator starts one: "
                    "/healthcheck")  # fmt: skip
        return
    text = results_text(results, scope.title, now, scope.zone)
    message = update.effective_message
    assert message is not None
    if not results.shown:
        await reply(update, text)
        return
    weakest = results.weakest
    markup = None
    if weakest is not None:
        entry = context.services.retriever.knowledge.get(weakest.principle.guidance_id)
        if entry is not None:
            button = InlineKeyboardButton(
                f"Guidance: {weakest.principle.label}",
                callback_data=f"kb:open:{entry.id}",
            )
            markup = InlineKeyboardMarkup([[button]])
    png = await asyncio.to_thread(
        render_health,
        health_chart_data(results),
        f"Health check: {scope.title}"[:48],
        round_line(results, now, scope.zone),
    )
    await message.reply_photo(png, caption=text, reply_markup=markup, filename="health.png")
    comments = comments_text(results)
    if comments:
        await reply(update, comments)


async def _member(context: AccordContext, chat_id: int, user_id: int) -> bool:
    """Whether the person belongs to the round's group: seen there, or Telegram says so."""
    if await context.services.health.seen_in(chat_id, user_id):
        return True
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError:
        return False
    return member.status in MEMBER_STATUSES or (
        member.status == ChatMember.RESTRICTED and bool(getattr(member, "is_member", False))
    )


@throttled
async def answer(update: Update, context: AccordContext) -> None:
    """A rating button: record it and mark it on the person's own message (a refused
    press is not counted against the rate limit)."""
    pressed = await read_press(update, ANSWER)
    if pressed is None:
        return
    query, match, message = pressed
    round_id, index, rating = (int(group) for group in match.groups())
    if rating == 0:  # the principle's name: say what it is
        nothing_changed(context)
        await query.answer(PRINCIPLES[index].label)
        return
    if message.chat.type != Chat.PRIVATE:
        nothing_changed(context)
        await query.answer("Answer in your private chat with me: it's anonymous there.")
        return
    health = context.services.health
    now = context.services.clock.now()
    try:
        found = await health.answerable(round_id, now)
        if not await _member(context, found.chat_id, query.from_user.id):
            nothing_changed(context)
            await query.answer("Only members of the partnership's group can answer.")
            return
        await health.rate(round_id, query.from_user.id, PRINCIPLES[index].key, rating, now)
    except HealthCheckError as error:
        nothing_changed(context)
        await query.answer(str(error), show_alert=True)
        return
    marks = marks_of(_rows(message))
    marks[index] = rating
    await query.answer(f"{PRINCIPLES[index].label}: {rating}. Thanks!")
    await query.edit_message_reply_markup(_markup(question_rows(round_id, marks)))


def _rows(message: Message) -> list[list[tuple[str, str]]]:
    markup = message.reply_markup
    if markup is None:
        return []
    return [
        [(b.text, b.callback_data) for b in row if isinstance(b.callback_data, str)]
        for row in markup.inline_keyboard
    ]


def _markup(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


@throttled
async def comment(update: Update, context: AccordContext) -> None:
    """A reply to the questions: that person's comment (a new one replaces it)."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    assert user is not None
    replied = message.reply_to_message
    assert replied is not None
    [round_id] = {int(ANSWER.match(data).group(1)) for row in _rows(replied) for _, data in row}  # type: ignore[union-attr]
    health = context.services.health
    now = context.services.clock.now()
    text = clean_text(message.text or "")[:MAX_NOTE]
    if not text:
        return
    try:
        found = await health.answerable(round_id, now)
        if not await _member(context, found.chat_id, user.id):
            nothing_changed(context)
            await reply(update, "Only members of the partnership's group can comment.")
            return
        await health.comment(round_id, user.id, text, now)
    except HealthCheckError as error:
        nothing_changed(context)
        await reply(update, html.escape(str(error), quote=False))
        return
    await reply(update, "Comment saved, unsigned. A new reply replaces it.")


async def start_link(update: Update, context: AccordContext) -> None:
    """``/start hc<round>``: the questions, here in private."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    assert user is not None
    round_id = int((message.text or "").split()[1].removeprefix(DEEP_LINK_PREFIX))
    health = context.services.health
    try:
        found = await health.answerable(round_id, context.services.clock.now())
    except HealthCheckError as error:
        await reply(update, html.escape(str(error), quote=False))
        return
    chat = await context.services.chats.get(found.chat_id)
    if not await _member(context, found.chat_id, user.id):
        await reply(update, "Only members of the partnership's group can answer its health check.")
        return
    title = (chat.title if chat else None) or "your partnership"
    await message.reply_text(
        question_text(title), reply_markup=_markup(question_rows(found.round_id))
    )


async def ask_waiting(update: Update, context: AccordContext) -> None:
    """A plain ``/start`` in private: the questions of each open round in the person's
    groups that they haven't answered (they may have missed the group's link)."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    assert user is not None
    now = context.services.clock.now()
    for found, title in await context.services.health.unanswered(user.id, now):
        if await _member(context, found.chat_id, user.id):
            await message.reply_text(
                question_text(title), reply_markup=_markup(question_rows(found.round_id))
            )
