"""The decisions log: /decide, /decisions, /decision <n> [confirm|withdraw], and the
Agree / Object buttons."""

from __future__ import annotations

import contextlib
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from app.context import AccordContext
from charter.parsing import parse_number
from charter.render import decision_text, decisions_text, history_text
from charter.service import DecisionClosedError
from domain.charter import Answer, Decision, DecisionStatus
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
from handlers.remote import group_scope
from register.parsing import UsageError
from register.service import RegisterError
from register.text import clean_text
from register.usage import usage_text

COMMANDS = (
    CommandInfo("decide", "Record a decision; partners agree or object",
                "/decide Pool the budgets for 2027", in_private=False, coordinators_only=True,
                writes=True, repeat_safe=True),
    CommandInfo("decisions", "The decisions log, latest first", "/decisions",
                in_private=False),
    CommandInfo("decision", "One decision and its answers; confirm or withdraw it",
                "/decision 3", in_private=False, writes=True),
)  # fmt: skip
_LEADING_COMMAND = re.compile(r"^\s*/\w+(?:@\w+)?\s*")
BUTTON = re.compile(r"^dec:(agree|object):(\d{1,12})$")


def register(application: Application) -> None:
    """Add the decision commands and their buttons."""
    add_commands(application, *zip(COMMANDS, (decide, list_decisions, decision), strict=True))
    application.add_handler(CallbackQueryHandler(answer, pattern=BUTTON))


def keyboard(decision: Decision) -> InlineKeyboardMarkup | None:
    """Agree / Object while the decision is open (the data carries its id)."""
    if decision.status is not DecisionStatus.OPEN:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Agree", callback_data=f"dec:agree:{decision.decision_id}"),
                InlineKeyboardButton("Object", callback_data=f"dec:object:{decision.decision_id}"),
            ]
        ]
    )


@group_only("decide")
@friendly_errors
async def decide(update: Update, context: AccordContext) -> None:
    """/decide <text>, or as a reply: the replied message is the decision, proposed by
    its author (coordinators). A redelivered message records nothing twice."""
    message = update.effective_message
    assert message is not None
    text, _ = command_arguments(message)
    replied = message.reply_to_message
    proposer_user = None
    source = message.message_id
    if replied is not None and not text.strip():
        # a replied command ("/decide Pool the budgets") is its words, not the command;
        # the replied message is the source, so a second reply to it records nothing
        text = _LEADING_COMMAND.sub("", replied.text or replied.caption or "", count=1)
        source = replied.message_id
        proposer_user = replied.from_user
        if proposer_user is not None and proposer_user.id == context.bot.id:
            raise UsageError(
                "Reply /decide to the message that says what was decided, not to mine."
            )
    if not text.strip():
        raise UsageError(usage_text("decide"))
    scope = await chat_scope(update, context)
    actor = await current_actor(update, context)
    proposer = (
        (proposer_user.id, clean_text(proposer_user.full_name))
        if proposer_user is not None
        else (None if actor.anonymous else actor.user_id, actor.name)
    )
    recorded, created = await context.services.charter.decide(
        scope, actor, text, proposer, context.services.clock.now(), source
    )
    if not created:
        nothing_changed(context)
    heading = "Recorded" if created else "Already recorded as"
    await reply(
        update,
        f"{heading} decision {recorded.number}. Partners: Agree or Object below (you can "
        "change your answer).\n" + decision_text(recorded, scope.zone),
        reply_markup=keyboard(recorded),
    )


@group_only("decisions")
@friendly_errors
async def list_decisions(update: Update, context: AccordContext) -> None:
    """/decisions: latest first."""
    scope = await chat_scope(update, context)
    decisions = await context.services.charter.decisions(scope)
    await reply(update, decisions_text(scope.title, decisions, scope.zone))


@group_only("decision")
@friendly_errors
async def decision(update: Update, context: AccordContext) -> None:
    """/decision <n> [history] (anyone) | /decision <n> confirm | withdraw (coordinators)."""
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    number, verb = parse_number(text, "decision")
    scope = await chat_scope(update, context)
    charter = context.services.charter
    if verb.lower() == "history":
        nothing_changed(context)
        events = await charter.history(scope, "decision", number)
        await reply(update, history_text(f"Decision {number}: its changes", events, scope.zone))
        return
    if not verb:
        nothing_changed(context)  # only shows it
        shown = await charter.decision(scope, number)
        await reply(update, decision_text(shown, scope.zone), reply_markup=keyboard(shown))
        return
    if verb.lower() not in ("confirm", "withdraw"):
        raise UsageError(usage_text("decision"))
    actor = await current_actor(update, context)
    resolved = await charter.resolve(
        scope, actor, number, verb.lower(), context.services.clock.now()
    )
    await reply(
        update,
        f"Decision {number} is {resolved.status.value}.\n" + decision_text(resolved, scope.zone),
    )


@throttled
async def answer(update: Update, context: AccordContext) -> None:
    """Agree / Object: checked on press (the presser is a member of the decision's chat,
    the decision is that chat's and still open); toasted, and the message shows the
    answers by partner."""
    pressed = await read_press(update, BUTTON)
    if pressed is None:
        return
    query, match, message = pressed
    chosen, decision_id = Answer(match.group(1)), int(match.group(2))
    now = context.services.clock.now()
    try:
        scope, actor = await group_scope(context, message.chat_id, query.from_user)
        fresh, changed = await context.services.charter.respond(
            scope.chat_id, decision_id, actor, chosen, now
        )
    except RegisterError as error:
        nothing_changed(context)
        await query.answer(str(error), show_alert=True)
        if isinstance(error, DecisionClosedError):  # its message shows how it ended
            with contextlib.suppress(BadRequest):
                await message.edit_text(decision_text(error.decision, scope.zone))
        return
    if not changed:
        nothing_changed(context)
        await query.answer(f"Already recorded: you {_verb(chosen)} decision {fresh.number}.")
        return
    await query.answer(f"Recorded: you {_verb(chosen)} decision {fresh.number}.")
    # BadRequest: the same text (a double tap), or the message is too old to edit
    with contextlib.suppress(BadRequest):
        await message.edit_text(decision_text(fresh, scope.zone), reply_markup=keyboard(fresh))


def _verb(chosen: Answer) -> str:
    return "agree with" if chosen is Answer.AGREE else "object to"
