"""/faq: each partnership's own answers. Coordinators add, edit and remove them (or
answer a question from /unanswered, by its button or /faq answer <n>); anyone lists
them, and questions are answered from them (handlers/guidance.py)."""

from __future__ import annotations

import re

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters
from telegram.helpers import mention_html

from app.context import AccordContext
from domain.faq import MAX_FAQ_QUESTION
from formatting.html import clip, escape
from guidance.asking import as_faq_question
from guidance.faq import SameQuestionError, parse_pair
from handlers.catalogue import CommandInfo, add_commands
from handlers.common import (
    RepliesToAccord,
    chat_scope,
    command_arguments,
    current_actor,
    friendly_errors,
    group_only,
    nothing_changed,
    once_per_message,
    read_press,
    reply,
    throttled,
)
from handlers.pages import Listing, listings_of, page_words, reply_page
from register.parsing import UsageError
from register.service import COORDINATORS, NotAllowedError, RegisterError
from register.text import clean_text
from register.usage import usage_text

COMMANDS = (
    CommandInfo("faq", "This partnership's own answers", "/faq", in_private=False,
                writes=True, bare_reads=True),
)  # fmt: skip
ANSWER = re.compile(r"^faq:ans:(\d{1,18})$")
# "Add anyway" / "Edit #n" under a warning that a new question is already in the FAQ.
SAME = re.compile(r"^faq:same:(add|edit):(\d{1,9})$")
# The prompt a coordinator replies to: it names the question by its number in the
# /unanswered list and quotes it, and the reply finds it by its words (the list's
# numbers move as questions come in). Prompts from before named it by its id.
PROMPT = re.compile(r"^FAQ answer to (?:/unanswered question \d{1,9}|question (\d{1,18}))\b")
PENDING_KEY = "faq.same"  # chat_data: additions waiting for "Add anyway", by token
PENDING_KEPT = 20
_NUMBERED = re.compile(r"^(edit|remove|answer)\s+#?(\d{1,9})\b\s*(.*)$", re.IGNORECASE | re.DOTALL)


def register(application: Application) -> None:
    """Add /faq, the answer buttons of /unanswered and replies to their prompts (before
    the guidance, which takes other replies to Accord as questions)."""
    add_commands(application, (COMMANDS[0], faq))
    listings_of(application)["faq"] = Listing(faq_text, "/faq", export_hint=False)
    application.add_handler(CallbackQueryHandler(answer_press, pattern=ANSWER))
    application.add_handler(CallbackQueryHandler(same_press, pattern=SAME))
    application.add_handler(MessageHandler(_PROMPT_REPLIES, prompt_reply))


_PROMPT_REPLIES = (
    RepliesToAccord(lambda replied: PROMPT.match(replied.text or ""))
    & filters.ChatType.GROUPS
    & ~filters.COMMAND
    & filters.UpdateType.MESSAGE
)


@group_only("faq")
@friendly_errors
async def faq(update: Update, context: AccordContext) -> None:
    """/faq [page N] | add <q> | <a> | edit <n> <q> | <a> | remove <n> | answer <n>."""
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    words, page = page_words(text)
    verb = words.split(maxsplit=1)[0].lower() if words else ""
    if verb in ("", "list"):
        nothing_changed(context)  # "/faq page 2" only reads
        await reply_page(update, context, "faq", "", page)
        return
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    services, now = context.services, context.services.clock.now()
    if verb == "add":
        question, answer = parse_pair(text.split(maxsplit=1)[1] if " " in text.strip() else "")
        await _add(update, context, question, answer, None)
        return
    numbered = _NUMBERED.match(text.strip())
    if numbered is None:
        raise UsageError(usage_text("faq"))
    verb, number, rest = numbered.group(1).lower(), int(numbered.group(2)), numbered.group(3)
    if verb == "edit":
        question, answer = parse_pair(rest, "faq edit")
        entry = await services.faq.edit(scope, actor, number, question, answer, now)
        await reply(update, f"Changed #{entry.number} of this partnership's FAQ: "
                    f"{escape(entry.question)}")  # fmt: skip
    elif verb == "remove":
        entry = await services.faq.remove(scope, actor, number, now)
        await reply(update, f"Removed #{entry.number} from this partnership's FAQ: "
                    f"{escape(entry.question)}")  # fmt: skip
    else:
        nothing_changed(context)  # the answer, replied to the prompt, is the change
        await ask_for_answer(update.effective_message, context, number, update)  # type: ignore[arg-type]


async def faq_text(update: Update, context: AccordContext, _: str) -> str:
    """The group's FAQ, each entry with its number, question and answer."""
    scope = await chat_scope(update, context)
    entries = await context.services.faq.entries(scope.chat_id)
    if not entries:
        return (
            f"{escape(scope.title)} has no answers of its own yet. A coordinator adds one "
            "with /faq add &lt;question&gt; | &lt;answer&gt;, e.g. /faq add Where are the "
            "minutes kept? | In the shared drive, under Board/Minutes."
        )
    lines = [f"<b>{escape(scope.title)}'s own answers</b>"]
    for entry in entries:
        who = f" <i>({escape(entry.added_by)})</i>" if entry.added_by else ""
        answer = escape(clip(entry.answer, 300))
        lines.append(f"\n#{entry.number} <b>{escape(entry.question)}</b>{who}\n{answer}")
    return "\n".join(lines)


async def answer_press(update: Update, context: AccordContext) -> None:
    """An /unanswered question's *Answer* button: coordinators only, checked on press."""
    pressed = await read_press(update, ANSWER)
    if pressed is None:
        return
    query, match, message = pressed
    question_id = int(match.group(1))
    listed = await context.services.guidance.unanswered(message.chat.id)
    number = next((n for n, q in enumerate(listed, 1) if q.question_id == question_id), 0)
    try:
        prompt = await _prompt(update, context, question_id, number)
    except RegisterError as error:
        await query.answer(str(error), show_alert=isinstance(error, NotAllowedError))
        return
    await query.answer()
    await message.reply_text(prompt, reply_markup=_force_reply())


async def ask_for_answer(
    message: Message, context: AccordContext, number: int, update: Update
) -> None:
    """/faq answer <n>: the same prompt as the button "Answer <n>" (question n of
    /unanswered, newest first)."""
    chat = update.effective_chat
    assert chat is not None
    questions = await context.services.guidance.unanswered(chat.id)
    if not 1 <= number <= len(questions):
        raise RegisterError(f"/unanswered has no question {number} here.")
    prompt = await _prompt(update, context, questions[number - 1].question_id, number)
    await message.reply_text(prompt, reply_markup=_force_reply())


async def _prompt(update: Update, context: AccordContext, question_id: int, number: int) -> str:
    """The prompt asking the coordinator for the answer to /unanswered question
    ``number`` (as the list and its button name it), quoting it."""
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    question = await context.services.faq.unanswered(scope, actor, question_id)
    return (
        f"FAQ answer to /unanswered question {number} — "
        f"{mention_html(actor.user_id, actor.name)}, reply to this message with the "
        f"answer to:\n“{escape(clip(question, 300))}”"
    )


def _force_reply() -> ForceReply:
    return ForceReply(selective=True, input_field_placeholder="The answer, for this group's FAQ")


@throttled
@once_per_message
@friendly_errors
async def prompt_reply(update: Update, context: AccordContext) -> None:
    """A reply to an answer prompt: the question and this answer become a FAQ entry, and
    the question leaves /unanswered."""
    message = update.effective_message
    assert message is not None
    replied = message.reply_to_message
    match = PROMPT.match(replied.text or "") if replied and replied.from_user else None
    if match is None or replied.from_user.id != context.bot.id:  # type: ignore[union-attr]
        nothing_changed(context)
        return
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    services = context.services
    if match.group(1):  # a prompt from before, naming the question by its id
        question_id: int | None = int(match.group(1))
    else:  # the question quoted at the prompt's end
        quoted = match.string.rpartition("“")[2].removesuffix("”")
        question_id = await services.faq.unanswered_id(scope.chat_id, quoted)
    logged = await services.faq.unanswered(scope, actor, question_id or 0)
    question = as_faq_question(clean_text(logged))  # without its "thx, and"
    if len(question) > MAX_FAQ_QUESTION:
        raise UsageError(
            f"That question is longer than a FAQ question's {MAX_FAQ_QUESTION} characters: "
            "add it shorter with /faq add <question> | <answer>."
        )
    _, answer = parse_pair(f"{question} | {message.text or ''}")
    await _add(update, context, question, answer, question_id)


async def _add(
    update: Update,
    context: AccordContext,
    question: str,
    answer: str,
    answered: int | None,
    confirmed: bool = False,
) -> None:
    """Add an entry; when the FAQ already asks it, warn and offer "Add anyway" (kept
    for the button) or "Edit #n" instead of adding a second answer."""
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    services = context.services
    try:
        entry = await services.faq.add(
            scope, actor, question, answer, services.clock.now(), answered, confirmed
        )
    except SameQuestionError as same:
        nothing_changed(context)
        pending: dict[int, tuple[str, str, int | None]] = context.chat_data.setdefault(  # type: ignore[union-attr]
            PENDING_KEY, {}
        )
        token = max(pending, default=0) + 1
        pending[token] = (question, answer, answered)
        for old in sorted(pending)[:-PENDING_KEPT]:
            del pending[old]
        number = same.entry.number
        buttons = [
            InlineKeyboardButton("Add anyway", callback_data=f"faq:same:add:{token}"),
            InlineKeyboardButton(f"Edit #{number}", callback_data=f"faq:same:edit:{token}"),
        ]
        await reply(update, escape(str(same)), reply_markup=InlineKeyboardMarkup([buttons]))
        return
    await reply(update, f"Added to this partnership's FAQ as #{entry.number}: "
                f"{escape(entry.question)}")  # fmt: skip


async def same_press(update: Update, context: AccordContext) -> None:
    """ "Add anyway" or "Edit #n" under a same-question warning: coordinators only."""
    pressed = await read_press(update, SAME)
    if pressed is None:
        return
    query, match, message = pressed
    pending = (context.chat_data or {}).get(PENDING_KEY, {})
    waiting = pending.get(int(match.group(2)))
    if waiting is None:
        await query.answer("This button no longer works. Send /faq add again.")
        return
    question, answer, answered = waiting
    actor = await current_actor(update, context)
    if not actor.is_coordinator:
        await query.answer(f"Only {COORDINATORS} can change this partnership's FAQ.",
                           show_alert=True)  # fmt: skip
        return
    await query.answer()
    if match.group(1) == "add":
        del pending[int(match.group(2))]
        try:
            await _add(update, context, question, answer, answered, confirmed=True)
        except RegisterError as error:
            await message.reply_text(escape(str(error)))
        return
    entries = await context.services.faq.entries(message.chat.id)
    same = context.services.faq.same_as(entries, message.chat.id, question)
    number = same.number if same else "&lt;n&gt;"
    await message.reply_text(
        f"To change #{number} instead, send:\n/faq edit {number} {escape(question)} | "
        f"{escape(answer)}"
    )
