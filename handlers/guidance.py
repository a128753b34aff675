"""Guidance: /ask, plain questions (private text, replies to Accord, mentions of it),
browsing with /principles, /benefits and /challenges, feedback, and /unanswered."""

from __future__ import annotations

import re

from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from app.context import AccordContext
from charter.render import decisions_text, role_line
from domain.model import ChatScope
from formatting.html import clip, escape
from guidance.asking import asks_advice
from guidance.decline import (
    decline_text,
    local_fact_text,
    plausible,
    suggestion,
    suggestion_text,
)
from guidance.knowledge import ACCORD, Entry
from guidance.render import (
    BROWSE,
    DRAFT_NOTE,
    answer_text,
    faq_answer_text,
    faq_guess_text,
    related_entries,
)
from guidance.routing import (
    RegisterQuestion,
    asks_for_help,
    asks_local_fact,
    asks_to_draft,
    is_small_talk,
    is_thanks,
    register_question,
)
from handlers.catalogue import CommandInfo, add_commands
from handlers.common import (
    chat_scope,
    command_arguments,
    current_actor,
    friendly_errors,
    group_only,
    nothing_changed,
    reply,
    throttled,
)
from handlers.pages import Listing, listings_of, page_words, reply_page
from handlers.remote import group_scope
from register.parsing import UsageError
from register.render import matches_lines
from register.service import RegisterError
from register.text import clean_text
from register.usage import usage_text
from storage.guidance import UNANSWERED_KEPT, UnansweredQuestion

COMMANDS = (
    CommandInfo("ask", "Ask about partnership working", "/ask how do we build trust?"),
    CommandInfo("principles", "Browse the principles of partnership working", "/principles"),
    CommandInfo("benefits", "Browse the benefits of partnership working", "/benefits"),
    CommandInfo("challenges", "Browse the challenges and what helps", "/challenges"),
    CommandInfo("unanswered", "Questions I could not answer", "/unanswered", in_private=False,
                coordinators_only=True, writes=True, bare_reads=True),
)  # fmt: skip
OPEN = re.compile(r"^kb:open:([a-z0-9-]{1,48})$")
FEEDBACK = re.compile(r"^kb:fb:([01]):([a-z0-9-]{1,48})$")
# /unanswered dismiss 3, or several: "dismiss 1 3", "dismiss 1, 3"
_DISMISS = re.compile(r"^dismiss\s+((?:#?\d{1,9}(?:\s*,\s*|\s+|$))+)$", re.IGNORECASE)
_LISTED = re.compile(r"^(\d{1,3})\. ", re.MULTILINE)  # a question's line in /unanswered
ANSWERS_PER_PAGE = 10  # /unanswered questions (and their Answer buttons) on a page
DECISIONS_SHOWN = 5  # decisions a "what did we decide…" answer lists


def register(application: Application) -> None:
    """Add the guidance handlers (before the fallback, after the register's)."""
    callbacks = {"ask": ask_command, "unanswered": unanswered} | dict.fromkeys(BROWSE, browse)
    add_commands(application, *((command, callbacks[command.name]) for command in COMMANDS))
    listings_of(application)["unanswered"] = Listing(
        unanswered_text,
        "/unanswered",
        buttons=answer_buttons,
        per_page=ANSWERS_PER_PAGE,
        export_hint=False,  # questions, not the register (trial 10d)
    )
    application.add_handler(CallbackQueryHandler(open_topic, pattern=OPEN))
    application.add_handler(CallbackQueryHandler(feedback, pattern=FEEDBACK))
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, private_text)
    )
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.GROUPS, group_text)
    )


def entry_keyboard(entry: Entry, related: list[Entry]) -> InlineKeyboardMarkup:
    """Buttons for the related entries (the overview's main topics), then helpful / not
    helpful."""
    rows = [[InlineKeyboardButton(_label(r), callback_data=f"kb:open:{r.id}")] for r in related]
    rows.append(
        [
            InlineKeyboardButton("👍 Helpful", callback_data=f"kb:fb:1:{entry.id}"),
            InlineKeyboardButton("👎 Not helpful", callback_data=f"kb:fb:0:{entry.id}"),
        ]
    )
    return InlineKeyboardMarkup(rows)


def _label(entry: Entry) -> str:
    title = entry.title.strip('"')
    return title if len(title) <= 48 else title[:45] + "…"


async def send_entry(
    message: Message, context: AccordContext, entry: Entry, question: str | None = None
) -> None:
    """Reply with an entry's answer, its source and the follow-up buttons; in a group,
    remember the ``question`` it answers, for a "not helpful" on it (/unanswered)."""
    services = context.services
    knowledge = services.retriever.knowledge
    sent = await message.reply_text(
        answer_text(entry), reply_markup=entry_keyboard(entry, related_entries(knowledge, entry))
    )
    if question and message.chat.type != Chat.PRIVATE:
        question = " ".join(clean_text(question).split())
        await services.guidance.remember_answer(
            sent.chat_id, sent.message_id, question, services.clock.now()
        )


@friendly_errors
async def ask_command(update: Update, context: AccordContext) -> None:
    """/ask <question>."""
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    if not text:
        await reply(update, escape(usage_text("ask")))
        return
    await answer_question(update, context, text)


async def private_text(update: Update, context: AccordContext) -> None:
    """In a private chat, any plain text is a question."""
    await answer_question(update, context, update.effective_message.text or "")  # type: ignore[union-attr]


async def group_text(update: Update, context: AccordContext) -> None:
    """In a group, a reply to Accord or a message mentioning it is a question."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    username = (context.bot.username or "").lower()
    replied = message.reply_to_message
    to_bot = bool(replied and replied.from_user and replied.from_user.id == context.bot.id)
    mentions = [
        value
        for value in message.parse_entities([MessageEntity.MENTION]).values()
        if value.lstrip("@").lower() == username
    ]
    if not (to_bot or mentions):
        return
    question = message.text
    for mention in mentions:
        question = question.replace(mention, " ")
    await answer_question(update, context, " ".join(question.split()))


async def answer_question(update: Update, context: AccordContext, question: str) -> None:
    """Answer from the register when it asks about this chat's actions, else from the
    knowledge base; decline plainly (and log the question) when nothing fits."""
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None
    assert chat is not None
    if question.strip() and is_thanks(question):
        await message.reply_text("You're welcome!")
        return
    if not question.strip() or is_small_talk(question):
        await message.reply_text(
            "Hello! Ask me anything about partnership working, e.g. how do we build trust "
            "between partners? Send /help for everything I can do."
        )
        return
    if asks_for_help(question):
        await message.reply_text(
            "I keep your partnership's register of actions (who does what by when), remind "
            "owners and post a digest, and answer questions about partnership working. "
            "Send /help for everything I can do here. Or ask me about partnership working in "
            "your own words, e.g. how do we build trust between partners?"
        )
        return
    routed = register_question(question)
    if routed is not None and await _answer_from_register(update, context, routed, question):
        return
    # "what is Carers Together responsible for": a name this register doesn't know, not
    # guidance that happens to share a word with it ("together")
    if routed is not None and routed.names_someone and await _said_unknown(update, context, routed):
        return
    services = context.services
    if asks_advice(question):  # "how often should a steering group meet": advice first
        await services.guidance_ready()
        advice = services.retriever.ask(question).best
        if advice is not None and advice.entry.category != ACCORD:
            await send_entry(message, context, advice.entry, question)
            return
    if await _answer_from_faq(update, context, question):
        return
    in_group = chat.type != Chat.PRIVATE
    if asks_local_fact(question):  # "who is our IG lead?": not general guidance's to say
        coordinator = in_group and (await current_actor(update, context)).is_coordinator
        if in_group:
            await _log_unanswered(update, context, question)
        titles = await _faq_groups(update, context)
        near = await services.faq.nearest(list(titles), question)
        await message.reply_text(
            local_fact_text(coordinator=coordinator, in_group=in_group)
            if near is None
            else faq_guess_text(near, titles[near.chat_id])
        )
        return
    await services.guidance_ready()
    result = services.retriever.ask(question)
    if result.best is not None and result.best.entry.category == ACCORD:
        # A request Accord can't do as asked: its own help, not guidance (no source, no
        # feedback) and not a knowledge gap (not logged).
        await message.reply_text(escape(result.best.entry.answer))
        return
    if result.best is not None:
        if asks_to_draft(question):  # "draft our terms of reference for us"
            await message.reply_text(DRAFT_NOTE)
        await send_entry(message, context, result.best.entry, question)
        return
    if routed is not None and await _said_unknown(update, context, routed):  # "what does bob own"
        return
    if in_group:  # only a group's /unanswered shows them
        await _log_unanswered(update, context, question)
    guess = suggestion(result)
    topics = plausible(result)
    if guess is not None:  # a plausible match: offered as a guess, first, not as outside
        topics = [guess, *(e for e in topics if e.id != guess.id)]
    keyboard = [[InlineKeyboardButton(_label(e), callback_data=f"kb:open:{e.id}")] for e in topics]
    await message.reply_text(
        suggestion_text(guess)
        if guess is not None
        else decline_text(topics=bool(topics), in_group=in_group, outside=result.outside),
        reply_markup=InlineKeyboardMarkup(keyboard) if keyboard else None,
    )


async def _answer_from_faq(update: Update, context: AccordContext, question: str) -> bool:
    """Answer from the partnership's own FAQ when one of its entries asks the question:
    in a group its own; in a private chat each of the person's groups that has one,
    naming the group."""
    message = update.effective_message
    assert message is not None
    answers = await _faq_answers(update, context, question)
    if not answers:
        return False
    await reply(update, "\n\n".join(answers))
    return True


async def _faq_groups(update: Update, context: AccordContext) -> dict[int, str | None]:
    """The groups whose FAQ answers here, by title: in a group its own (None: "this
    partnership"); in a private chat those the person is seen in."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if chat.type != Chat.PRIVATE:
        return {chat.id: None}
    groups = await context.services.people.groups_of(user.id) if user is not None else []
    return {chat_id: title or "your group" for chat_id, title in groups}


async def _faq_answers(update: Update, context: AccordContext, question: str) -> list[str]:
    """The FAQ answers to ``question`` here, each group's shown with its source."""
    titles = await _faq_groups(update, context)
    entries = await context.services.faq.answers(list(titles), question)
    return [faq_answer_text(entry, titles[entry.chat_id]) for entry in entries]


async def _log_unanswered(update: Update, context: AccordContext, question: str) -> None:
    """Log a question for /unanswered: every one is kept (a repeat is counted on its
    row), so a coordinator never loses one; the chat keeps its newest
    ``UNANSWERED_KEPT``, as /unanswered says."""
    services, chat, user = context.services, update.effective_chat, update.effective_user
    assert chat is not None
    question = " ".join(clean_text(question).split())  # no bidi tricks in /unanswered
    await services.guidance.log_unanswered(
        chat.id, user.id if user else None, question, services.clock.now()
    )


async def _answer_from_register(
    update: Update, context: AccordContext, routed: RegisterQuestion, question: str
) -> bool:
    """Answer a register question; ``False`` to let the knowledge base answer instead."""
    chat = update.effective_chat
    assert chat is not None
    private = chat.type == Chat.PRIVATE
    if routed.kind == "status":  # "which actions are stuck?": /actions blocked
        if private:
            await reply(update, "Ask that in your partnership's group: I answer it from /actions.")
        else:
            await reply_page(update, context, "actions", routed.subject)
        return True
    if routed.kind == "decided":  # "what did we decide about the venue": /decisions
        scope = await _register_scope(update, context)
        if scope is None:
            await reply(
                update, "Ask that in your partnership's group: I answer it from /decisions."
            )
        else:
            await _answer_decided(update, context, routed.subject, scope)
        return True
    responsibilities = routed.kind == "owns" or (routed.kind == "overdue" and routed.subject)
    if responsibilities or routed.kind in ("who", "role"):
        scope = await _register_scope(update, context)
        if scope is None and not responsibilities:
            return False  # "who is a partnership broker?": the knowledge base's turn
        if scope is None:  # in private, and not in exactly one group
            await reply(
                update,
                "Ask that in your partnership's group: I answer it from that group's "
                "register and roles.",
            )
            return True
        if responsibilities:
            return await _answer_responsibilities(update, context, routed, scope)
        return await _answer_who(update, context, routed, scope, question)
    if routed.kind == "all":  # "who owns what?": the group's open actions, by partner
        if private:
            await reply(
                update, "Ask that in your partnership's group: I answer it from its register."
            )
        else:
            await reply_page(update, context, "actions", "")
    elif routed.kind == "mine":
        await reply_page(update, context, "mine", str(update.effective_user.id))  # type: ignore[union-attr]
    elif private:
        await reply_page(update, context, "overdue", str(update.effective_user.id))  # type: ignore[union-attr]
    else:
        await reply_page(update, context, "actions", "overdue")
    return True


async def _answer_decided(
    update: Update, context: AccordContext, subject: str, scope: ChatScope
) -> None:
    """ "What did we decide about the venue?" from the decisions recorded with /decide
    (Accord keeps no minutes): those that mention it, or the latest few."""
    charter = context.services.charter
    found = await charter.decisions_about(scope, subject)
    if found:
        title = f"{scope.title}: about “{clip(subject)}”" if subject else scope.title
        await reply(update, decisions_text(title, found[:DECISIONS_SHOWN], scope.zone))
        return
    latest = (await charter.decisions(scope))[:DECISIONS_SHOWN]
    if not latest:
        await reply(update, decisions_text(scope.title, [], scope.zone))
        return
    await reply(
        update,
        f"No decision recorded here mentions “{escape(clip(subject))}”. The latest:\n"
        + decisions_text(scope.title, latest, scope.zone)
        + "\n/decisions lists them all; a coordinator records one with /decide.",
    )


async def _answer_who(
    update: Update,
    context: AccordContext,
    routed: RegisterQuestion,
    scope: ChatScope,
    question: str,
) -> bool:
    """ "Who is doing the newsletter?" from the register, "who chairs?" from the roles
    (with the FAQ's answer too when it has one: neither hides the other); ``False`` when
    neither knows (the FAQ's or the knowledge base's turn)."""
    if routed.kind == "who":
        register = context.services.register
        actions = await register.who(scope, routed.subject)
        closed = [] if actions else await register.who_closed(scope, routed.subject)
        if not actions and not closed:
            return False
        now = context.services.clock.now()
        lines = [f"<b>Who owns “{escape(clip(routed.subject))}”</b>"]
        if closed:
            lines.append("No open action matches; closed:")
        lines.extend(matches_lines(actions or closed, scope.zone, now))
        await reply(update, "\n".join(lines))
        return True
    roles = await context.services.charter.roles_named(scope, routed.subject)
    if not roles:
        return False  # "who is Accord?": the knowledge base may know
    text = "\n".join(role_line(role) for role in roles)
    faq = await _faq_answers(update, context, question)  # "who is our IG lead": both
    await reply(update, "\n\n".join([f"<i>From /roles</i>\n{text}", *faq]) if faq else text)
    return True


async def _register_scope(update: Update, context: AccordContext) -> ChatScope | None:
    """Which register a question about "who" or "what X is responsible for" reads: the
    group's own; in a private chat, that of the person's one group (``None`` when they
    are in none or several, or no longer in it)."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if chat.type != Chat.PRIVATE:
        return await chat_scope(update, context)
    groups = await context.services.people.groups_of(user.id) if user is not None else []
    if len(groups) != 1 or user is None:
        return None
    try:
        scope, _ = await group_scope(context, groups[0][0], user)
    except RegisterError:
        return None
    return scope


async def _answer_responsibilities(
    update: Update, context: AccordContext, routed: RegisterQuestion, scope: ChatScope
) -> bool:
    """ "What is HSCB responsible for?", "what's overdue for the council?": from the
    register, when the words name one of the group's partners or people."""
    now = context.services.clock.now()
    overdue = routed.kind == "overdue"
    try:
        found = await context.services.register.responsibilities(scope, routed.subject)
    except RegisterError as error:  # the words fit several partners: say which
        await reply(update, escape(str(error)))
        return True
    if found is None:
        if overdue:  # never guidance's: "whats overdue for the council" asks the register
            await _reply_unknown(update, context, routed.subject, scope)
            return True
        return False  # "what does the chair do": guidance may answer, else _reply_unknown
    label, open_actions = found
    actions = (
        [a for a in open_actions if a.is_overdue(now, scope.zone)] if overdue else open_actions
    )
    heading = f"Overdue for {label}" if overdue else f"What {label} is responsible for"
    lines = [f"<b>{escape(heading)}</b>"]
    if not overdue:  # the roles they hold in the terms of reference (/roles)
        roles = await context.services.charter.roles_held(scope, label)
        lines.extend(f"Role: {role_line(role)}" for role in roles)
    nothing = "Nothing open."
    if overdue and open_actions:
        nothing = f"Nothing overdue ({len(open_actions)} open: /actions {escape(label)})."
    elif overdue:
        nothing = "Nothing overdue, and nothing open."
    lines.extend(matches_lines(actions, scope.zone, now) or [nothing])
    if not overdue:
        lines.append(f"\n<i>Also: /actions with {escape(label)} (what they support)</i>")
    await reply(update, "\n".join(lines))
    return True


async def _said_unknown(update: Update, context: AccordContext, routed: RegisterQuestion) -> bool:
    """For a question about what someone owns, say their name isn't in this group's
    register (when there is one group to answer for); whether it was said."""
    if routed.kind != "owns":
        return False
    scope = await _register_scope(update, context)
    if scope is None:
        return False
    await _reply_unknown(update, context, routed.subject, scope)
    return True


async def _reply_unknown(
    update: Update, context: AccordContext, subject: str, scope: ChatScope
) -> None:
    """A register question naming no partner or person known in the group: say so,
    with the partners it does know, rather than decline or answer with guidance."""
    chat = update.effective_chat
    where = "this group's" if chat is not None and chat.type != Chat.PRIVATE else None
    where = where or f"{escape(scope.title)}'s"
    partners = await context.services.register.partners_here(scope)
    known = (
        f"partners: {', '.join(escape(p.name) for p in partners)}; see /partners"
        if partners
        else "No partners here yet: a coordinator adds them with /partner add &lt;Name&gt;"
    )
    await reply(
        update,
        f"I don't know “{escape(clip(subject))}” in {where} register ({known}). A person "
        "is known once they have written in the group; ask by @name, e.g. what does @name own?",
    )


async def browse(update: Update, context: AccordContext) -> None:
    """/principles, /benefits, /challenges: the entries as buttons."""
    message = update.effective_message
    assert message is not None
    command = (message.text or "").split()[0].lstrip("/").split("@")[0].lower()
    title, categories, intro = BROWSE[command]
    entries = context.services.retriever.knowledge.in_category(*categories)
    buttons = [InlineKeyboardButton(_label(e), callback_data=f"kb:open:{e.id}") for e in entries]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    await message.reply_text(f"<b>{title}</b>\n{intro}", reply_markup=InlineKeyboardMarkup(rows))


async def open_topic(update: Update, context: AccordContext) -> None:
    """A topic button: send that entry (anyone may read the guidance)."""
    query = update.callback_query
    assert query is not None
    match = OPEN.match(query.data or "")
    entry = context.services.retriever.knowledge.get(match.group(1)) if match else None
    if entry is None or query.message is None or not isinstance(query.message, Message):
        await query.answer("That topic is no longer available.")
        return
    await query.answer()
    await send_entry(query.message, context, entry)


@throttled
async def feedback(update: Update, context: AccordContext) -> None:
    """Helpful / not helpful: recorded per person, answer and chat."""
    query = update.callback_query
    assert query is not None
    match = FEEDBACK.match(query.data or "")
    chat = update.effective_chat
    known = match and context.services.retriever.knowledge.get(match.group(2))
    if not known or chat is None:
        await query.answer("That answer is no longer available.")
        return
    helpful = match.group(1) == "1"  # type: ignore[union-attr]
    services, now = context.services, context.services.clock.now()
    question = (
        await services.guidance.answered(chat.id, query.message.message_id)
        if query.message is not None and chat.type != Chat.PRIVATE
        else None
    )
    await services.guidance.record_feedback(
        chat.id, query.from_user.id, known.id, helpful, now, question
    )
    if question is not None and not helpful:  # listed, to be answered for the FAQ
        await services.guidance.log_unanswered(
            chat.id, query.from_user.id, question, now, unhelpful=known.id
        )
    elif question is not None:  # changed their mind: no longer counted there
        await services.guidance.withdraw_unhelpful(chat.id, query.from_user.id, question, known.id)
    await query.answer("Thanks, noted." if helpful else "Thanks: noted, so the answer can improve.")


@group_only("unanswered")
@friendly_errors
async def unanswered(update: Update, context: AccordContext) -> None:
    """/unanswered (coordinators): questions Accord declined here, newest first, and the
    answers people marked not helpful; what the knowledge base's editors need."""
    words, page = page_words(command_arguments(update.effective_message)[0])  # type: ignore[arg-type]
    dismiss = _DISMISS.match(words)
    if dismiss is None:
        if words:
            raise UsageError(usage_text("unanswered"))
        nothing_changed(context)  # "/unanswered page 2" only reads
        await reply_page(update, context, "unanswered", "", page)
        return
    numbers = list(dict.fromkeys(int(n) for n in re.findall(r"\d+", dismiss.group(1))))
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    services = context.services
    services.register.require_coordinator(actor, "dismiss questions from /unanswered")
    # Every number is read against the list as it stands (as the coordinator saw it),
    # and none is dismissed unless all are there.
    questions = await services.guidance.unanswered(scope.chat_id)
    for number in numbers:
        if not 1 <= number <= len(questions):
            raise RegisterError(f"/unanswered has no question {number} here.")
    now = services.clock.now()
    dismissed = [
        (number, await services.faq.dismiss(scope, actor, questions[number - 1].question_id, now))
        for number in numbers
    ]
    lines = [f"{n}. {escape(clip(text, 300))}" for n, text in dismissed]
    rest = len(questions) - len(dismissed)
    others = "The other question is" if rest == 1 else f"The other {rest} are"
    after = f"\n{others} numbered again: /unanswered." if rest else ""
    await reply(update, "Dismissed from /unanswered:\n" + "\n".join(lines) + after)


async def unanswered_text(update: Update, context: AccordContext, _: str) -> str:
    """The unanswered questions, then the questions whose answers were marked not
    helpful (numbered on, each to be answered for the FAQ), then other unhelpful answers
    (coordinators only)."""
    actor = await current_actor(update, context)
    context.services.register.require_coordinator(actor, "see unanswered questions")
    scope = await chat_scope(update, context)
    listed = await context.services.guidance.unanswered(scope.chat_id)
    unhelpful = await context.services.guidance.unhelpful(scope.chat_id)
    if not listed and not unhelpful:
        return "No unanswered questions in this chat."
    knowledge = context.services.retriever.knowledge

    def title(entry_id: str) -> str:
        return escape(entry.title if (entry := knowledge.get(entry_id)) else entry_id)

    declined = [q for q in listed if q.unhelpful is None]
    marked = [q for q in listed if q.unhelpful is not None]
    lines = []
    if declined:
        lines.append(f"<b>Questions I could not answer in {escape(scope.title)}</b>")
    for number, question in enumerate(declined, 1):
        when = question.asked_at.astimezone(scope.zone).strftime("%d %b %H:%M")
        lines.append(
            f"{number}. {when} · {escape(question.asker or 'someone')}: "
            f"{escape(clip(question.text, 300))}{_asked(question)}"
        )
    if declined:
        lines.append(
            "Answer one for this partnership's FAQ: its button, or /faq answer &lt;n&gt;. "
            f"Newest first; the newest {UNANSWERED_KEPT} are kept, older ones dropped."
        )
    if marked or unhelpful:
        lines.append(f"\n<b>Answers marked not helpful in {escape(scope.title)}</b>")
    for number, question in enumerate(marked, len(declined) + 1):
        lines.append(
            f"{number}. Not helpful: {title(question.unhelpful or '')} for "
            f"“{escape(clip(question.text, 300))}” ({question.people})"
        )
    lines.extend(f"{title(entry_id)}: {count}" for entry_id, count in unhelpful)
    return "\n".join(lines).lstrip("\n")


def _asked(question: UnansweredQuestion) -> str:
    """How often a question was asked, and by how many people when by more than one
    (a repeat by someone else is not the first asker's)."""
    if question.times <= 1:
        return ""
    by = f", by {question.people} people" if question.people > 1 else ""
    return f" <i>(asked {question.times} times{by})</i>"


async def answer_buttons(
    update: Update, context: AccordContext, page: str
) -> list[list[InlineKeyboardButton]]:
    """For each question on this page of /unanswered, numbered as the list is, a button
    to answer it: the answer becomes a FAQ entry (checked on press)."""
    chat = update.effective_chat
    assert chat is not None
    shown = {int(n) for n in _LISTED.findall(page)}
    questions = await context.services.guidance.unanswered(chat.id)
    buttons = []
    for number, question in enumerate(questions, 1):
        if number not in shown:
            continue
        label = f"✍️ Answer {number}: {clip(question.text, 40)}"
        data = answer_data(question.question_id)
        buttons.append([InlineKeyboardButton(label, callback_data=data)])
    return buttons


def answer_data(question_id: int) -> str:
    """The data of the button that answers a logged question (handlers/faq.py reads it)."""
    return f"faq:ans:{question_id}"
