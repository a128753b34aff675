"""/faq: each partnership's own answers. Coordinators add, edit and remove them (or
answer a question from /unanswered, by its button or /faq answer <n>); anyone lists
them, and questions are answered from them (handlers/guidance.py)."""

from __future__ import annotations

import re

from telegram import ForceReply, Message, Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters
from telegram.helpers import mention_html

from app.context import AccordContext
from domain.faq import MAX_FAQ_QUESTION
from formatting.html import clip, escape
from guidance.faq import parse_pair
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
from register.service import NotAllowedError, RegisterError
from register.text import clean_text
from register.usage import usage_text

COMMANDS = (
    CommandInfo("faq", "This partnership's own answers", "/faq", in_private=False,
                writes=True, bare_reads=True),
)  # fmt: skip
ANSWER = re.compile(r"^faq:ans:(\d{1,18})$")
# The prompt a coordinator replies to; its text names the question by its number.
PROMPT = re.compile(r"^FAQ answer to question (\d{1,18})\b")
_NUMBERED = re.compile(r"^(edit|remove|answer)\s+#?(\d{1,9})\b\s*(.*)$", re.IGNORECASE | re.DOTALL)


def register(application: Application) -> None:
    """Add /faq, the answer buttons of /unanswered and replies to their prompts (before
    the guidance, which takes other replies to Accord as questions)."""
    add_commands(application, (COMMANDS[0], faq))
    listings_of(application)["faq"] = Listing(faq_text, "/faq", export_hint=False)
    application.add_handler(CallbackQueryHandler(answer_press, pattern=ANSWER))
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
        entry = await services.faq.add(scope, actor, question, answer, now)
        await reply(update, f"Added to this partnership's FAQ as #{entry.number}: "
                    f"{escape(entry.question)}")  # fmt: skip
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
    try:
        prompt = await _prompt(update, context, int(match.group(1)))
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
    prompt = await _prompt(update, context, questions[number - 1].question_id)
    await message.reply_text(prompt, reply_markup=_force_reply())


async def _prompt(update: Update, context: AccordContext, question_id: int) -> str:
    """The prompt asking the coordinator for the answer to an /unanswered question."""
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    question = await context.services.faq.unanswered(scope, actor, question_id)
    return (
        f"FAQ answer to question {question_id} — {mention_html(actor.user_id, actor.name)}, "
        f"reply to this message with the answer to:\n“{escape(clip(question, 300))}”"
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
    question_id = int(match.group(1))
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    services = context.services
    question = clean_text(await services.faq.unanswered(scope, actor, question_id))
    if len(question) > MAX_FAQ_QUESTION:
        raise UsageError(
            f"That question is longer than a FAQ question's {MAX_FAQ_QUESTION} characters: "
            "add it shorter with /faq add <question> | <answer>."
        )
    _, answer = parse_pair(f"{question} | {message.text or ''}")
    entry = await services.faq.add(
        scope, actor, question, answer, services.clock.now(), answered=question_id
    )
    await reply(update, f"Added to this partnership's FAQ as #{entry.number}: "
                f"{escape(entry.question)}")  # fmt: skip
