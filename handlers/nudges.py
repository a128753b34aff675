"""Nudges in Telegram: the repeating tick, /nudges, /timezone, /quiet, /digest, /checkin,
check-in buttons, and following a group that becomes a supergroup."""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ExtBot,
    JobQueue,
    MessageHandler,
    filters,
)

from app.context import AccordContext, services_of
from app.ratelimit import FAN_OUT
from config.settings import read_timezone
from domain.due import day_label
from domain.model import Status
from formatting.html import escape
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
from handlers.remote import pressed_scope
from health.questions import deep_link
from nudges.compose import CHECKIN_NOTE
from nudges.engine import (
    Buttons,
    ChatMovedError,
    ChatUnavailableError,
    DeliveryFailedError,
    NudgeEngine,
    NudgeRefusedError,
    Outcome,
    RecipientUnavailableError,
    TickReport,
)
from nudges.schedule import ScheduleError, parse_quiet, parse_schedule
from register.parsing import UsageError
from register.service import ClosedError, NotAllowedError, RegisterError
from register.usage import usage_text

if TYPE_CHECKING:
    from app.services import Services

logger = logging.getLogger(__name__)

TICK_SECONDS = 30
COMMANDS = (
    CommandInfo("nudges", "Digest, check-in and reminder schedules",
                "/nudges digest weekly mon 09:00",
                in_private=False, writes=True, bare_reads=True),
    CommandInfo("timezone", "The chat's timezone", "/timezone Europe/London", in_private=False,
                coordinators_only=True, writes=True, bare_reads=True),
    CommandInfo("quiet", "Quiet hours: nothing is sent then", "/quiet 20:00-08:00 weekends",
                in_private=False, coordinators_only=True, writes=True, bare_reads=True),
    CommandInfo("digest", "Post the digest now", "/digest", in_private=False,
                coordinators_only=True, writes=True),
    CommandInfo("checkin", "Ask owners for an update now", "/checkin", in_private=False,
                coordinators_only=True, writes=True),
)  # fmt: skip
# A private check-in's buttons carry their group's id after the number.
CHECKIN = re.compile(r"^ci:(on_track|at_risk|blocked|done):(\d{1,9})(?::(-\d{1,15}))?$")


class TelegramOutbox:
    """Sends nudges through the bot, paced as fan-out, with Telegram's errors mapped."""

    def __init__(self, bot: ExtBot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, text: str, buttons: Buttons | None = None) -> None:
        """Send one nudge message."""
        markup = (
            InlineKeyboardMarkup([[_button(label, data) for label, data in row] for row in buttons])
            if buttons
            else None
        )
        try:
            await self.bot.send_message(chat_id, text, reply_markup=markup, rate_limit_args=FAN_OUT)
        except ChatMigrated as error:
            raise ChatMovedError(error.new_chat_id) from error
        except Forbidden as error:
            raise (RecipientUnavailableError if chat_id > 0 else ChatUnavailableError)() from error
        except BadRequest as error:  # before NetworkError: PTB 22 makes it one
            if "chat not found" not in str(error).lower():
                raise NudgeRefusedError(type(error).__name__) from error
            raise (RecipientUnavailableError if chat_id > 0 else ChatUnavailableError)() from error
        except (NetworkError, RetryAfter) as error:  # TimedOut and 5xx too, after retries
            raise DeliveryFailedError(type(error).__name__) from error

    async def send_photo(self, chat_id: int, png: bytes, caption: str) -> None:
        """Send a chart (the caption is plain text)."""
        try:
            await self.bot.send_photo(
                chat_id, png, caption=escape(caption), filename="progress.png",
                rate_limit_args=FAN_OUT,
            )  # fmt: skip
        except ChatMigrated as error:
            raise ChatMovedError(error.new_chat_id) from error
        except Forbidden as error:
            raise (RecipientUnavailableError if chat_id > 0 else ChatUnavailableError)() from error
        except BadRequest as error:
            raise NudgeRefusedError(type(error).__name__) from error
        except (NetworkError, RetryAfter) as error:
            raise DeliveryFailedError(type(error).__name__) from error


def _button(label: str, data: str) -> InlineKeyboardButton:
    """A callback button, or a link when ``data`` is an https address (a deep link)."""
    if data.startswith("https://"):
        return InlineKeyboardButton(label, url=data)
    return InlineKeyboardButton(label, callback_data=data)


def register(application: Application) -> None:
    """Add the nudge commands and the check-in buttons (the tick: ``schedule_tick``)."""
    add_commands(
        application,
        *zip(COMMANDS, (nudges, timezone, quiet, digest_now, checkin_now), strict=True),
    )
    application.add_handler(CallbackQueryHandler(checkin_answer, pattern=CHECKIN))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migrated), group=-2)


def schedule_tick(job_queue: JobQueue) -> None:
    """Tick every ``TICK_SECONDS``, from start-up on; the database, not the job queue,
    remembers what is due. A tick that is still running (a slow Telegram) makes the
    next ones skip, by design: one runs at a time, missed ones are run once, and
    APScheduler's warning for each skip is kept out of the logs."""
    job_queue.run_repeating(
        tick_job,
        interval=TICK_SECONDS,
        first=0,
        name="tick",
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": TICK_SECONDS},
    )
    logging.getLogger("apscheduler.scheduler").addFilter(_not_a_skipped_tick)


def tick_at_start(job_queue: JobQueue) -> None:
    """Make the tick's next run now, for the catch-up after downtime. Called in
    post_init: APScheduler gives an interval job added before the scheduler starts its
    first run one interval after it was added, so ``first=0`` alone waits 30 s."""
    for job in job_queue.get_jobs_by_name("tick"):
        job.job.modify(next_run_time=datetime.now(UTC))


def _not_a_skipped_tick(record: logging.LogRecord) -> bool:
    """Drop "skipped: maximum number of running instances reached": the tick before is
    still sending, and the next one sends whatever is due then."""
    return "maximum number of running instances reached" not in record.getMessage()


async def run_tick(application: Application) -> None:
    """One tick at the application's clock (the console calls this after :clock)."""
    services = services_of(application)
    try:
        await _tick(application, services)
    except Exception:
        services.metrics.tick_failed()  # the error handler logs it
        raise


async def _tick(application: Application, services: Services) -> None:
    now, outbox = services.clock.now(), TelegramOutbox(application.bot)
    report = await services.nudges.tick(now, outbox)
    if report.sent or report.skipped or report.failed:
        logger.info("Tick: %s", report)
    link = functools.partial(deep_link, application.bot.username)
    if opened := await services.health.tick(now, outbox, link, services.nudges):
        logger.info("Tick: %s quarterly health checks opened", opened)
    services.outage.answered(services.clock.now())


async def tick_job(context: AccordContext) -> None:
    """The repeating job."""
    await run_tick(context.application)


async def _require_coordinator(update: Update, context: AccordContext, what: str) -> None:
    actor = await current_actor(update, context)
    context.services.register.require_coordinator(actor, what)


def _engine(context: AccordContext) -> NudgeEngine:
    return context.services.nudges


@group_only("nudges")
@friendly_errors
async def nudges(update: Update, context: AccordContext) -> None:
    """/nudges: show the schedules; /nudges <digest|checkin|reminders> <schedule|on|off>."""
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    words = text.split()
    scope = await chat_scope(update, context)
    engine = _engine(context)
    now = context.services.clock.now()
    if words:
        await _require_coordinator(update, context, "change the nudges")
        kind = words[0].lower()
        try:
            switch = words[-1].lower()
            if kind == "reminders" and len(words) == 2 and switch in ("on", "off"):
                await context.services.chats.update_settings(
                    scope.chat_id, reminders_enabled=int(switch == "on")
                )
            elif kind == "digest" and [w.lower() for w in words[1:2]] == ["chart"]:
                if len(words) != 3 or switch not in ("on", "off"):
                    raise UsageError(usage_text("nudges"))
                await context.services.chats.update_settings(
                    scope.chat_id, digest_chart=int(switch == "on")
                )
            elif kind == "healthcheck":
                if len(words) != 2 or switch not in ("quarterly", "off"):
                    raise UsageError(usage_text("nudges"))
                await engine.set_healthcheck(scope.chat_id, switch == "quarterly", now)
            elif kind in ("digest", "checkin"):
                current = (await engine.schedules.of_chat(scope.chat_id))[kind].schedule
                await engine.set_schedule(
                    scope.chat_id, parse_schedule(kind, words[1:], current), now
                )
            else:
                raise UsageError(usage_text("nudges"))
        except ScheduleError as error:
            raise UsageError(str(error)) from None
    await reply(update, await describe_nudges(context, scope.chat_id))


async def describe_nudges(context: AccordContext, chat_id: int) -> str:
    """The chat's schedules with their next send times."""
    engine = _engine(context)
    chat = await context.services.chats.get(chat_id)
    assert chat is not None
    zone = engine.zone_of(chat)
    stored = await engine.schedules.of_chat(chat_id)
    lines = [f"<b>Nudges in {escape(chat.title or 'this chat')}</b> ({zone.key})"]
    for kind, label in (("digest", "Digest"), ("checkin", "Check-in")):
        entry = stored.get(kind)
        if entry is None:
            continue
        text = f"{label}: {entry.schedule.describe()}"
        if entry.next_fire_at is not None:
            local = entry.next_fire_at.astimezone(zone)
            text += f" — next {day_label(local.date())} {local:%H:%M}"
        if kind == "digest" and chat.digest_chart:
            text += " (with the progress chart)"
        lines.append(text)
    reminders = "on: the day before an action is due and when it becomes overdue, at 09:00"
    lines.append(f"Reminders: {reminders if chat.reminders_enabled else 'off'}")
    health = "off"
    if chat.healthcheck_quarterly and chat.healthcheck_next_at is not None:
        local = chat.healthcheck_next_at.astimezone(zone)
        health = f"quarterly — next {local:%a %d %b %Y} {local:%H:%M}"
    lines.append(f"Health check: {health}")
    quiet_hours = engine.quiet_of(chat)
    lines.append(f"Quiet hours: {quiet_hours.describe() if quiet_hours else 'none'}")
    if not chat.active:
        lines.append("<i>Paused: Accord is not in this chat any more.</i>")
    return "\n".join(lines)


@group_only("timezone")
@friendly_errors
async def timezone(update: Update, context: AccordContext) -> None:
    """/timezone <Area/City> (coordinators)."""
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    scope = await chat_scope(update, context)
    if not text:
        await reply(
            update, f"This chat's timezone is {scope.zone.key}. Change it: /timezone Europe/London"
        )
        return
    await _require_coordinator(update, context, "change the timezone")
    try:
        name, note = read_timezone(text.strip())
    except ValueError as error:
        raise UsageError(str(error)) from None
    await context.services.chats.update_settings(scope.chat_id, timezone=name)
    await _engine(context).replan(scope.chat_id, context.services.clock.now())
    await reply(
        update,
        f"Timezone set to {escape(name)}{f' ({escape(note)})' if note else ''}.\n"
        + await describe_nudges(context, scope.chat_id),
    )


@group_only("quiet")
@friendly_errors
async def quiet(update: Update, context: AccordContext) -> None:
    """/quiet <from>-<to> [weekends] | /quiet off (coordinators)."""
    text, _ = command_arguments(update.effective_message)  # type: ignore[arg-type]
    scope = await chat_scope(update, context)
    await _require_coordinator(update, context, "set quiet hours")
    try:
        hours = parse_quiet(text.split())
    except ScheduleError as error:
        raise UsageError(str(error)) from None
    await context.services.chats.update_settings(
        scope.chat_id,
        quiet_start=hours.start.strftime("%H:%M") if hours else None,
        quiet_end=hours.end.strftime("%H:%M") if hours else None,
        quiet_weekends=int(hours.weekends) if hours else 0,
    )
    await _engine(context).replan(scope.chat_id, context.services.clock.now())
    await reply(update, await describe_nudges(context, scope.chat_id))


@group_only("digest")
@friendly_errors
async def digest_now(update: Update, context: AccordContext) -> None:
    """/digest (coordinators): post the digest now."""
    await _send_now(update, context, "digest")


@group_only("checkin")
@friendly_errors
async def checkin_now(update: Update, context: AccordContext) -> None:
    """/checkin (coordinators): ask each owner for an update now."""
    await _send_now(update, context, "checkin")


async def _send_now(update: Update, context: AccordContext, kind: str) -> None:
    """Send the digest or the check-ins at once, outside their schedule."""
    what = "post the digest" if kind == "digest" else "start a check-in"
    await _require_coordinator(update, context, what)
    scope = await chat_scope(update, context)
    engine = _engine(context)
    now = context.services.clock.now()
    report = TickReport()
    outbox = TelegramOutbox(context.bot)
    outcome = await engine.send_now(scope.chat_id, kind, now, outbox, report)
    if report.privately:  # the group sees no sign of those
        owners = "1 owner" if report.privately == 1 else f"{report.privately} owners"
        await reply(update, f"Check-in sent privately to {owners}.")
    answers = {
        Outcome.EMPTY: {
            "digest": "Nothing to report: nothing is open and nothing closed since the last "
            "digest.",
            "checkin": "Nobody has open actions to check in on.",
        }[kind],
        Outcome.FAILED: "Telegram could not take that just now; I'll try again in a minute.",
        Outcome.PARTIAL: "Telegram stopped taking messages part way; not all of it was sent.",
        Outcome.REFUSED: "Telegram refused that message; it has been logged for a look.",
        Outcome.ERROR: "Sorry, something went wrong while sending that; it has been logged.",
    }
    if outcome in answers:
        await reply(update, answers[outcome])


@throttled
async def checkin_answer(update: Update, context: AccordContext) -> None:
    """A check-in button: record the answer on the action (its owner or a coordinator)."""
    pressed = await read_press(update, CHECKIN)
    if pressed is None:
        return
    query, match, message = pressed
    status, number = Status(match.group(1)), int(match.group(2))
    group_id = int(match.group(3)) if match.group(3) else None
    register_ = context.services.register
    now = context.services.clock.now()
    try:
        scope, actor = await pressed_scope(update, context, group_id)
        if status is Status.DONE:
            action = await register_.complete(scope, actor, number, CHECKIN_NOTE, now)
        else:
            action = await register_.set_status(
                scope, actor, number, status, now, note=CHECKIN_NOTE
            )
    except (RegisterError, UsageError) as error:
        nothing_changed(context)  # a refused press is not counted
        await query.answer(str(error), show_alert=isinstance(error, NotAllowedError))
        if isinstance(error, ClosedError):  # closed meanwhile: nothing left to answer
            await _drop_answered(query, message.reply_markup, number, group_id)
        return
    await query.answer(f"#{action.number}: {action.status.label}. Thanks!")
    await _drop_answered(query, message.reply_markup, number, group_id)


async def _drop_answered(
    query: CallbackQuery, markup: InlineKeyboardMarkup | None, number: int, group_id: int | None
) -> None:
    """Take action ``#number``'s row of answers off the check-in: answered (or closed),
    it needs no more presses, and the rows left show who still has to answer."""
    where = None if group_id is None else str(group_id)
    rows = [
        row
        for row in (markup.inline_keyboard if markup else ())
        if not any(
            (found := CHECKIN.match(b.callback_data if isinstance(b.callback_data, str) else ""))
            and (int(found.group(2)), found.group(3)) == (number, where)
            for b in row
        )
    ]
    if markup is not None and len(rows) < len(markup.inline_keyboard):
        with contextlib.suppress(BadRequest):  # too old to edit: the toast said it
            await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)


async def migrated(update: Update, context: AccordContext) -> None:
    """The group became a supergroup: move its register, partners and schedules."""
    message = update.effective_message
    if message is None:
        return
    now = context.services.clock.now()
    if message.migrate_to_chat_id is not None:
        old_id, new_id = message.chat_id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old_id, new_id = message.migrate_from_chat_id, message.chat_id
    else:
        return
    merged = await context.services.chats.migrate(old_id, new_id, now)
    notice = merged.notice() if merged else None
    if notice:
        await context.bot.send_message(new_id, escape(notice))
