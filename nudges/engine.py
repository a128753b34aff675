"""The nudge engine: one ``tick(now)`` claims what is due in the database, sends it, and
moves each schedule on to its next slot.

The database is the source of truth: a restart loses nothing and repeats nothing, and a
test drives ``tick`` with any clock. Each nudge is claimed (its schedule moved on, or its
reminder marked) in a committed transaction before it is sent, so a crash in between
loses that one nudge rather than sending it twice: delivery is at most once.

A send known to have failed (Telegram unreachable, timing out or answering 5xx after the
transport's retries) is logged ``failed`` and tried again, backing off from a minute to
an hour, while it is within ``LATE_LIMIT`` of its slot; the retry is claimed the same
way. Each nudge is sent on its own, so one chat's failure never stops another chat's.

Every instance on one database ticks; a claim taken by one is lost by the others (on
PostgreSQL, ``FOR UPDATE SKIP LOCKED``: see ``ScheduleRepository``), so each nudge goes
out once whichever instance wins, with the same at-most-once and retry rules.

Owner reminders are the exception to one message a nudge: those due in one tick are
claimed, logged and retried one by one, but sent together, one private message per
owner and one group message per chat (split at Telegram's limits), so a flood of
actions due at once is a few messages rather than one per action.

A check-in sends each owner who started the bot a private message of their own (a
nudge of kind ``checkin-owner``, logged and retried apart, so one owner's chat never
holds up another's) and asks the others in one group message.

A nudge of several messages (a long digest or group check-in) is tried again only
if none of its messages arrived. Once one has, resending would repeat it to everyone,
so it is logged ``partial`` and not retried; a partial digest does not count as the
last digest, so what its missing part carried comes again in the next one.
"""

from __future__ import annotations

import asyncio
import logging
import time as timer
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from charts.progress import progress_data, render_progress
from domain.charter import CharterDigest
from domain.due import day_label, stamp
from domain.model import OPEN_STATUSES, Action, Status
from domain.schedule import (
    DEFAULT_CHECKIN,
    DEFAULT_DIGEST,
    QuietHours,
    Schedule,
    next_quarterly,
)
from formatting.html import MESSAGE_LIMIT, escape, split_message
from nudges.compose import (
    MAX_CHECKIN_ACTIONS,
    UNSEEN_AFTER,
    Due,
    checkin_group,
    checkin_private,
    digest,
    reminders,
)
from nudges.schedule import LATE_LIMIT, reminder_moments
from storage.actions import ActionRepository
from storage.chats import ChatRecord, ChatRepository
from storage.nudges import Retry, ScheduleRepository, StoredSchedule
from storage.people import PeopleRepository

logger = logging.getLogger(__name__)

Buttons = list[list[tuple[str, str]]]
LATE_AFTER = timedelta(minutes=5)  # beyond two ticks: say the nudge comes late
REMINDER_HORIZON = timedelta(days=2)
GROUP_TYPES = ("group", "supergroup")
RETRY_FIRST = timedelta(minutes=1)
LATE_BECAUSE = {False: ", while Accord was offline.", True: "; Telegram could not be reached then."}
RETRY_MOST = timedelta(hours=1)
CHECKIN_OWNER = "checkin-owner"  # one owner's private check-in; its number: their user id
MAX_BUTTONS = 100  # Telegram's limit on one message's inline buttons
PART_LIMIT = MESSAGE_LIMIT - 96  # a reminders message's HTML, with room to spare


class ChatUnavailableError(Exception):
    """The bot can no longer post in the chat (removed, kicked, chat deleted)."""


class RecipientUnavailableError(Exception):
    """A person's private chat can't be reached (blocked the bot, never started it)."""


class DeliveryFailedError(Exception):
    """Telegram could not be reached, timed out or failed (5xx) even after the transport's
    retries: the message did not arrive (after a timeout, probably not), so try later."""


class NudgeRefusedError(Exception):
    """Telegram refused the message itself (a bad request): sending it again won't help."""


class ChatMovedError(Exception):
    """The group became a supergroup with a new id."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(new_chat_id)
        self.new_chat_id = new_chat_id


class ChatMergedError(Exception):
    """The group moved into a supergroup whose register renumbered its actions: what was
    composed for it names stale numbers (and its buttons would act on other actions)."""

    def __init__(self, new_chat_id: int, renumbered: dict[int, int]) -> None:
        super().__init__(new_chat_id)
        self.new_chat_id = new_chat_id
        self.renumbered = renumbered


class Outbox(Protocol):
    """Sends a nudge; raises the errors above for the failures the engine handles."""

    def send(self, chat_id: int, text: str, buttons: Buttons | None = None) -> Awaitable[None]:
        """Send ``text`` (HTML) to ``chat_id`` with optional inline buttons."""
        ...

    def send_photo(self, chat_id: int, png: bytes, caption: str) -> Awaitable[None]:
        """Send a PNG image with a plain-text caption."""
        ...


class Outcome(StrEnum):
    """What happened to one nudge, as ``nudge_log`` records it."""

    SENT = "sent"
    LATE = "late"  # sent, saying it comes late
    EMPTY = "empty"  # nothing to say
    SKIPPED = "skipped"  # too late to be worth sending
    FAILED = "failed"  # Telegram unreachable: tried again while within LATE_LIMIT
    PARTIAL = "partial"  # some of its messages arrived: not repeated
    REFUSED = "refused"  # Telegram refused it: not repeated
    GONE = "gone"  # the chat can't be reached any more: its nudges stop
    ERROR = "error"  # a bug; logged with its traceback


@dataclass
class TickReport:
    """What one tick did."""

    sent: int = 0
    late: int = 0
    skipped: int = 0
    empty: int = 0
    failed: int = 0
    privately: int = 0  # private check-ins that arrived

    def count(self, outcome: Outcome) -> None:
        """Add one nudge's outcome."""
        if outcome in (Outcome.SENT, Outcome.LATE, Outcome.PARTIAL):
            self.sent += 1
            self.late += outcome is Outcome.LATE
        elif outcome is Outcome.EMPTY:
            self.empty += 1
        elif outcome is Outcome.SKIPPED:
            self.skipped += 1
        else:
            self.failed += 1


@dataclass(frozen=True)
class Nudge:
    """One nudge to deliver: its chat, kind, slot, and (for reminders) the action."""

    chat: ChatRecord
    kind: str  # digest, checkin, reminder-before, reminder-overdue
    slot_at: datetime
    number: int = 0
    retrying: bool = False


class TickMetrics(Protocol):
    """Where the engine records its ticks (app/metrics.py's ``Metrics``)."""

    def tick_done(self, report: TickReport, seconds: float) -> None:
        """A tick did what ``report`` says in ``seconds``."""
        ...


Send = Callable[[str | None], Awaitable[Outcome]]  # given the late note, if any
# The charter's part of a chat's digest: (chat id, its timezone, now, the last digest).
CharterSource = Callable[[int, ZoneInfo, datetime, datetime | None], Awaitable[CharterDigest]]
Owners = list[tuple[int | None, str, list[Action]]]  # owner id, name, their open actions


class NudgeEngine:
    """Schedules, sends and records digests, check-ins and owner reminders."""

    def __init__(
        self,
        chats: ChatRepository,
        schedules: ScheduleRepository,
        actions: ActionRepository,
        people: PeopleRepository,
        default_timezone: str,
        concurrency: int = 32,
        charter: CharterSource | None = None,
        metrics: TickMetrics | None = None,
    ) -> None:
        self.chats = chats
        self.schedules = schedules
        self.actions = actions
        self.people = people
        self.default_timezone = default_timezone
        self._concurrency = concurrency
        self.charter = charter  # what the digest opens with: goals and decisions
        self._tick_lock = asyncio.Lock()
        self._metrics = metrics
        # When the last tick that finished started (its ``now``): /healthz says a stalled
        # or failing tick is unhealthy, so a tick that raised (the database down) leaves it.
        self.last_tick_at: datetime | None = None

    # --- settings ------------------------------------------------------------------------

    def zone_of(self, chat: ChatRecord | None) -> ZoneInfo:
        """The chat's timezone, else the default."""
        return ZoneInfo((chat.timezone if chat else None) or self.default_timezone)

    @staticmethod
    def quiet_of(chat: ChatRecord | None) -> QuietHours | None:
        """The chat's quiet hours, if set."""
        if chat is None or not chat.quiet_start or not chat.quiet_end:
            return None
        start, end = (time.fromisoformat(t) for t in (chat.quiet_start, chat.quiet_end))
        return QuietHours(start, end, chat.quiet_weekends)

    def _planned(self, chat: ChatRecord, schedule: Schedule, after: datetime) -> StoredSchedule:
        """The schedule with its next slot after ``after`` (none when off or inactive)."""
        if not schedule.enabled or not chat.active:
            return StoredSchedule(chat.chat_id, schedule, None, None)
        zone = self.zone_of(chat)
        slot = schedule.next_slot(zone, after)
        quiet = self.quiet_of(chat)
        return StoredSchedule(
            chat.chat_id, schedule, slot, quiet.release(slot, zone) if quiet else slot
        )

    async def chat_seen(self, chat_id: int, now: datetime) -> None:
        """A group's record changed: give it default schedules, pause or resume them."""
        chat = await self.chats.get(chat_id)
        if chat is None or chat.type not in GROUP_TYPES:
            return
        await self.schedules.ensure(
            [self._planned(chat, s, now) for s in (DEFAULT_DIGEST, DEFAULT_CHECKIN)]
        )
        if not chat.active:
            await self.schedules.pause(chat_id)
        else:
            await self.replan(chat_id, now, only_paused=True)

    def next_healthcheck(self, chat: ChatRecord, after: datetime) -> datetime:
        """When the chat's quarterly health check next opens (after quiet hours)."""
        zone = self.zone_of(chat)
        slot = next_quarterly(zone, after)
        quiet = self.quiet_of(chat)
        return quiet.release(slot, zone) if quiet else slot

    async def set_healthcheck(self, chat_id: int, quarterly: bool, now: datetime) -> None:
        """Turn the quarterly health check on (planning its next round) or off."""
        chat = await self.chats.get(chat_id)
        assert chat is not None
        await self.chats.update_settings(
            chat_id,
            healthcheck_quarterly=int(quarterly),
            healthcheck_next_at=self.next_healthcheck(chat, now) if quarterly else None,
        )

    async def replan(self, chat_id: int, now: datetime, only_paused: bool = False) -> None:
        """Recompute the chat's next slots (after a timezone, quiet-hours or schedule change)."""
        chat = await self.chats.get(chat_id)
        if chat is None:
            return
        if chat.healthcheck_quarterly and not only_paused:
            await self.chats.update_settings(
                chat_id, healthcheck_next_at=self.next_healthcheck(chat, now)
            )
        for stored in (await self.schedules.of_chat(chat_id)).values():
            if only_paused and stored.next_fire_at is not None:
                continue
            await self.schedules.save(self._planned(chat, stored.schedule, now))

    async def set_schedule(self, chat_id: int, schedule: Schedule, now: datetime) -> StoredSchedule:
        """Replace one of the chat's schedules and plan its next slot."""
        chat = await self.chats.get(chat_id)
        assert chat is not None
        planned = self._planned(chat, schedule, now)
        await self.schedules.save(planned)
        return planned

    # --- the tick -------------------------------------------------------------------------

    async def tick(self, now: datetime, outbox: Outbox) -> TickReport:
        """Send every digest, check-in and reminder that is due at ``now``."""
        report = TickReport()
        async with self._tick_lock:
            started = timer.perf_counter()
            gate = asyncio.Semaphore(self._concurrency)

            async def run(job: Awaitable[object]) -> None:
                async with gate:
                    await job

            progress = True
            while progress and (due := await self.schedules.due(now)):
                claimed, progress = [], False
                for stored in due:
                    chat = await self.chats.get(stored.chat_id)
                    if chat is None or not chat.active:
                        await self.schedules.pause(stored.chat_id)
                        progress = True
                        continue
                    after = max(now, stored.slot_at or now)
                    following = self._planned(chat, stored.schedule, after)
                    if await self.schedules.claim(
                        stored, following.slot_at, following.next_fire_at, now
                    ):
                        claimed.append((stored, chat))
                        progress = True
                # Nothing taken: what is still due is another instance's, being claimed
                # (or comes next tick); don't read it again and again meanwhile.
                await asyncio.gather(
                    *(run(self._fire(s, c, now, outbox, report)) for s, c in claimed)
                )
            retries = [
                r
                for r in await self.schedules.due_retries(now)
                if await self.schedules.claim_retry(r)
            ]
            others = [r for r in retries if not r.kind.startswith("reminder-")]
            await asyncio.gather(*(run(self._retry(r, now, outbox, report)) for r in others))
            retried = [await self._retried_reminder(r) for r in retries if r not in others]
            await self._reminders(now, outbox, report, run, [r for r in retried if r])
            await self.schedules.prune_log(now)
            self.last_tick_at = now
            if self._metrics is not None:
                self._metrics.tick_done(report, timer.perf_counter() - started)
        return report

    async def _fire(
        self,
        stored: StoredSchedule,
        chat: ChatRecord,
        now: datetime,
        outbox: Outbox,
        report: TickReport,
    ) -> None:
        kind = stored.schedule.kind
        await self._drop_retries(chat.chat_id, kind)  # this one says it all anew
        nudge = Nudge(chat, kind, stored.next_fire_at or now)
        await self._deliver(nudge, now, report, self._sender(nudge, now, outbox, report))

    async def _drop_retries(self, chat_id: int, kind: str) -> None:
        await self.schedules.drop_retries(chat_id, kind)
        if kind == "checkin":
            await self.schedules.drop_retries(chat_id, CHECKIN_OWNER)

    def _sender(self, nudge: Nudge, now: datetime, outbox: Outbox, report: TickReport) -> Send:
        """Sends the nudge's digest, check-ins or one owner's check-in."""

        async def send(chat_id: int, late_note: str | None, again: bool = False) -> Outcome:
            if nudge.kind == "digest":
                return await self.send_digest(chat_id, now, outbox, late_note)
            if nudge.kind == CHECKIN_OWNER:
                return await self._owner_checkin(nudge, chat_id, now, outbox, late_note)
            privately = not (nudge.retrying or again)  # private check-ins are retried apart
            return await self._checkins(nudge, chat_id, now, outbox, late_note, report, privately)

        async def sender(late_note: str | None) -> Outcome:
            try:
                return await send(nudge.chat.chat_id, late_note)
            except ChatMergedError as merged:  # compose it again, with the supergroup's numbers
                return await send(merged.new_chat_id, late_note, again=True)

        return sender

    async def send_now(
        self,
        chat_id: int,
        kind: str,
        now: datetime,
        outbox: Outbox,
        report: TickReport | None = None,
    ) -> Outcome:
        """/digest or /checkin: send now, logged and retried like a scheduled one;
        ``report`` counts what went out (private check-ins among it)."""
        chat = await self.chats.get(chat_id)
        if chat is None:
            return Outcome.EMPTY
        await self._drop_retries(chat_id, kind)  # this one says it all anew
        nudge, report = Nudge(chat, kind, now), report or TickReport()
        return await self._deliver(nudge, now, report, self._sender(nudge, now, outbox, report))

    async def _deliver(
        self, nudge: Nudge, now: datetime, report: TickReport, send: Send
    ) -> Outcome:
        """Send one nudge unless it is too late; log what happened; retry it if the
        network failed. Nothing raised here reaches another chat's nudge."""
        chat_id, lateness = nudge.chat.chat_id, now - nudge.slot_at
        if lateness > LATE_LIMIT:
            outcome = Outcome.SKIPPED
            logger.warning("Skipped the %s for chat %s: %s late", nudge.kind, chat_id, lateness)
        else:
            try:
                outcome = await send(self._late_note(nudge, lateness))
            except DeliveryFailedError:
                outcome = Outcome.FAILED
                await self._retry_later(nudge, now)
            except NudgeRefusedError:
                outcome = Outcome.REFUSED
                logger.error("Telegram refused the %s for chat %s", nudge.kind, chat_id)
            except Exception:
                outcome = Outcome.ERROR
                logger.exception("The %s for chat %s failed", nudge.kind, chat_id)
        report.count(outcome)
        await self.schedules.log(chat_id, nudge.kind, nudge.slot_at, outcome, now)
        return outcome

    def _late_note(self, nudge: Nudge, lateness: timedelta) -> str | None:
        """Why a digest or check-in comes late, when it does."""
        if lateness <= LATE_AFTER:
            return None
        local = nudge.slot_at.astimezone(self.zone_of(nudge.chat))
        when = f"{day_label(local.date())} {local:%H:%M}"
        return f"Late: this was due {when}{LATE_BECAUSE[nudge.retrying]}"

    async def _retry_later(self, nudge: Nudge, now: datetime) -> None:
        """Try again after as long as it has been late (one minute to an hour), while
        that is still within the lateness window."""
        delay = min(max(now - nudge.slot_at, RETRY_FIRST), RETRY_MOST)
        retry_at = now + delay
        if retry_at - nudge.slot_at > LATE_LIMIT:
            logger.warning("Gave up on the %s for chat %s", nudge.kind, nudge.chat.chat_id)
            return
        logger.warning("The %s for chat %s failed; retrying at %s", nudge.kind,
                       nudge.chat.chat_id, retry_at.isoformat(timespec="seconds"))  # fmt: skip
        await self.schedules.add_retry(
            Retry(nudge.chat.chat_id, nudge.kind, nudge.number, nudge.slot_at, retry_at)
        )

    async def _retry(self, retry: Retry, now: datetime, outbox: Outbox, report: TickReport) -> None:
        """Send a failed digest or check-in again, if it still means something."""
        chat = await self.chats.get(retry.chat_id)
        if chat is None or not chat.active:
            return
        nudge = Nudge(chat, retry.kind, retry.slot_at, retry.number, retrying=True)
        await self._deliver(nudge, now, report, self._sender(nudge, now, outbox, report))

    async def _retried_reminder(self, retry: Retry) -> Reminder | None:
        """A failed reminder to send again with this tick's, if it still means something."""
        chat = await self.chats.get(retry.chat_id)
        if chat is None or not chat.active or not chat.reminders_enabled:
            return None
        action = await self.actions.get(chat.chat_id, retry.number)
        if action is None or action.status.closed or action.due is None:
            return None
        kind = retry.kind.removeprefix("reminder-")
        before, overdue = self._reminder_moments(action, chat)
        if (before if kind == "before" else overdue) != retry.slot_at:
            return None  # its due date changed: that reminder means nothing now
        nudge = Nudge(chat, retry.kind, retry.slot_at, retry.number, retrying=True)
        return Reminder(nudge, action, kind, self.zone_of(chat))

    # --- what is sent ---------------------------------------------------------------------

    async def send_digest(
        self, chat_id: int, now: datetime, outbox: Outbox, late_note: str | None = None
    ) -> Outcome:
        """Send the chat's digest now; ``DeliveryFailedError`` if none of it arrived."""
        chat = await self.chats.get(chat_id)
        if chat is None:
            return Outcome.EMPTY
        zone = self.zone_of(chat)
        actions = await self.actions.for_digest(chat_id, chat.last_digest_at)
        answers = await self.actions.chat_history(chat_id, since=chat.last_digest_at)
        charter = (
            await self.charter(chat_id, zone, now, chat.last_digest_at)
            if self.charter is not None
            else None
        )
        messages = digest(
            chat.title or "your partnership",
            actions,
            answers,
            zone,
            now,
            chat.last_digest_at,
            late_note,
            charter,
            frozenset(a.number for a in await self._long_unseen(actions, now)),
        )
        if not messages:
            return Outcome.EMPTY
        for index, text in enumerate(messages):
            target = await self._send_part(chat_id, text, None, outbox, now, index)
            if not isinstance(target, int):
                return target
            chat_id = target  # a migrated chat's digest goes on in its new home
        await self.chats.update_settings(chat_id, last_digest_at=now)
        if chat.digest_chart:
            await self._send_chart(chat_id, zone, now, outbox)
        return Outcome.LATE if late_note else Outcome.SENT

    async def _send_chart(
        self, chat_id: int, zone: ZoneInfo, now: datetime, outbox: Outbox
    ) -> None:
        """The /progress chart after the digest (``/nudges digest chart on``). The digest
        itself has arrived, so a chart that fails is logged, not retried: the next
        digest brings a fresh one."""
        chat = await self.chats.get(chat_id)
        title = (chat.title if chat else None) or "your partnership"
        data = progress_data(await self.actions.in_chat(chat_id, list(Status)), now, zone)
        if not data.partners:  # nothing recorded: no empty chart
            return
        try:
            png = await asyncio.to_thread(render_progress, data, title)
            await outbox.send_photo(chat_id, png, data.summary())
        except Exception:  # the text digest stands on its own
            logger.exception("The digest chart for chat %s could not be sent", chat_id)

    async def _long_unseen(self, actions: list[Action], now: datetime) -> list[Action]:
        """The open actions whose owner is an @name not seen write here in the
        ``UNSEEN_AFTER`` since it was named their owner (at creation or a /reassign)."""
        candidates = [
            a
            for a in actions
            if a.owner_user_id is None
            and not a.status.closed
            and a.created_at <= now - UNSEEN_AFTER
        ]
        if not candidates:
            return []
        named = await self.actions.owners_named_at(candidates[0].chat_id)
        return [a for a in candidates if named.get(a.action_id, a.created_at) <= now - UNSEEN_AFTER]

    async def _owners(self, chat_id: int) -> dict[tuple[int | None, str], list[Action]]:
        """The chat's open actions by owner."""
        by_owner: dict[tuple[int | None, str], list[Action]] = {}
        for action in await self.actions.in_chat(chat_id, OPEN_STATUSES):
            by_owner.setdefault((action.owner_user_id, action.owner_name), []).append(action)
        return by_owner

    async def _reachable(self, owner_id: int | None) -> bool:
        """Whether an owner has started the bot (and not blocked it since)."""
        person = await self.people.get(owner_id) if owner_id else None
        return person is not None and person.has_private_chat

    async def _checkins(
        self,
        nudge: Nudge,
        chat_id: int,
        now: datetime,
        outbox: Outbox,
        late_note: str | None,
        report: TickReport,
        privately: bool = True,
    ) -> Outcome:
        """Ask each owner with open actions how they stand: privately those who started
        the bot (each a nudge of its own, logged and retried apart), the others in one
        group message. Without ``privately`` (a retry), only the group message."""
        chat = await self.chats.get(chat_id)
        if chat is None:
            return Outcome.EMPTY
        by_owner = await self._owners(chat_id)
        all_open = [a for owned in by_owner.values() for a in owned]
        unseen = await self._long_unseen(all_open, now)
        for key, owned in list(by_owner.items()):  # never seen here: not asked, named once
            if not (owned := [a for a in owned if a not in unseen]):
                del by_owner[key]
            else:
                by_owner[key] = owned
        if not by_owner:
            return Outcome.EMPTY
        in_group: Owners = []
        private: list[Outcome] = []
        for (owner_id, name), owned in by_owner.items():
            if not await self._reachable(owner_id):
                in_group.append((owner_id, name, owned))
            elif privately:
                assert owner_id is not None
                one = Nudge(chat, CHECKIN_OWNER, nudge.slot_at, owner_id)
                fallback: Owners = []

                def send(
                    note: str | None, it: Nudge = one, owner: int = owner_id, to: Owners = fallback
                ) -> Awaitable[Outcome]:
                    return self._owner_checkin(it, chat_id, now, outbox, note, owner, to)

                outcome = await self._deliver(one, now, report, send)
                report.privately += outcome in (Outcome.SENT, Outcome.LATE)
                private.append(outcome)
                in_group.extend(fallback)
        if in_group:
            return await self._group_checkin(chat_id, in_group, now, outbox, late_note, unseen)
        arrived = [o for o in private if o in (Outcome.SENT, Outcome.LATE)]
        return arrived[0] if arrived else (private[0] if private else Outcome.EMPTY)

    async def _owner_checkin(
        self,
        nudge: Nudge,
        chat_id: int,
        now: datetime,
        outbox: Outbox,
        late_note: str | None,
        owner_id: int | None = None,
        to_group: Owners | None = None,
    ) -> Outcome:
        """One owner's check-in in their private chat. If they blocked the bot, it goes
        in ``to_group`` (with the group's message) or, on a retry, to the group now."""
        owner_id = owner_id or nudge.number
        owned = await self.actions.in_chat(chat_id, OPEN_STATUSES, owner_user_id=owner_id)
        if not owned:
            return Outcome.EMPTY
        chat = await self.chats.get(chat_id)
        title = (chat.title if chat else None) or "your group"
        zone = self.zone_of(chat)
        if await self._reachable(owner_id):
            text = checkin_private(title, owned, zone, now)
            if late_note:
                text = f"<i>{escape(late_note)}</i>\n{text}"
            try:
                await outbox.send(owner_id, text, checkin_rows(owned, chat_id))
                return Outcome.LATE if late_note else Outcome.SENT
            except RecipientUnavailableError:
                logger.info("Owner %s can't be reached privately; checking in in the group",
                            owner_id)  # fmt: skip
                await self.people.lost_private_chat(owner_id)
        owners: Owners = [(owner_id, owned[0].owner_name, owned)]
        if to_group is not None:
            to_group.extend(owners)
            return Outcome.GONE
        return await self._group_checkin(chat_id, owners, now, outbox, late_note)

    async def _group_checkin(
        self,
        chat_id: int,
        owners: Owners,
        now: datetime,
        outbox: Outbox,
        late_note: str | None,
        unseen: list[Action] | None = None,
    ) -> Outcome:
        """One group message (split if long) mentioning every owner in ``owners``, with
        status buttons when they fit in one message, else a pointer to the commands;
        owners not seen for a while (``unseen``) named once, not asked."""
        chat = await self.chats.get(chat_id)
        shown = [a for _, _, owned in owners for a in owned[:MAX_CHECKIN_ACTIONS]]
        buttons = len(shown) * len(CHECKIN_ANSWERS) <= MAX_BUTTONS
        text = checkin_group(owners, self.zone_of(chat), now, buttons, unseen)
        if late_note:
            text = f"<i>{escape(late_note)}</i>\n{text}"
        parts = split_message(text)
        for index, part in enumerate(parts):
            rows = checkin_rows(shown) if buttons and index == len(parts) - 1 else None
            target = await self._send_part(chat_id, part, rows, outbox, now, index)
            if not isinstance(target, int):
                return target
            chat_id = target
        return Outcome.LATE if late_note else Outcome.SENT

    async def _reminders(
        self,
        now: datetime,
        outbox: Outbox,
        report: TickReport,
        run: Callable[[Awaitable[object]], Awaitable[None]],
        retried: list[Reminder],
    ) -> None:
        """Owner reminders: the day before the due date and once overdue, at 09:00 local.
        Each is claimed on its own; those due now (with ``retried``) go out together."""
        chats: dict[int, ChatRecord | None] = {}
        due = list(retried)
        for waiting in await self.schedules.awaiting_reminders(now + REMINDER_HORIZON):
            action = waiting.action
            if action.chat_id not in chats:
                chats[action.chat_id] = await self.chats.get(action.chat_id)
            chat = chats[action.chat_id]
            if chat is None or action.due is None:
                continue
            zone = self.zone_of(chat)
            before, overdue = self._reminder_moments(action, chat)
            for kind, moment, done in (
                ("overdue", overdue, waiting.overdue_done),
                ("before", before, waiting.before_done),
            ):
                if done or moment > now:
                    continue
                if not await self.schedules.claim_reminder(action, kind):
                    continue
                nudge = Nudge(chat, f"reminder-{kind}", moment, action.number)
                if moment < action.created_at or (kind == "before" and overdue <= now):
                    report.skipped += 1
                    await self.schedules.log(chat.chat_id, nudge.kind, moment, "skipped", now)
                    continue
                due.append(Reminder(nudge, action, kind, zone))
        await self._send_reminders(due, now, outbox, report, run)

    async def _send_reminders(
        self,
        due: list[Reminder],
        now: datetime,
        outbox: Outbox,
        report: TickReport,
        run: Callable[[Awaitable[object]], Awaitable[None]],
    ) -> None:
        """One private message per owner who opened a private chat with Accord (their
        actions, buttons for each), then one group message per chat for the rest (each
        owner mentioned), and for owners whose private chat can't be reached: a flood of
        actions due together is a few messages, not one per action. Messages are split
        within Telegram's limits; each part is delivered, logged and retried apart."""
        private: dict[int, list[Reminder]] = {}
        group: dict[int, list[Reminder]] = {}
        reachable: dict[int, bool] = {}  # owner: has a private chat with Accord
        for item in sorted(due, key=lambda r: (r.action.chat_id, r.action.number, r.kind)):
            lateness = now - item.nudge.slot_at
            if lateness > LATE_LIMIT:
                logger.warning("Skipped the %s for chat %s: %s late", item.nudge.kind,
                               item.action.chat_id, lateness)  # fmt: skip
                await self._settle([item], Outcome.SKIPPED, now, report)
                continue
            owner = item.action.owner_user_id
            if owner is not None and owner not in reachable:
                person = await self.people.get(owner)
                reachable[owner] = person is not None and person.has_private_chat
            if owner is not None and reachable[owner]:
                private.setdefault(owner, []).append(item)
            else:
                group.setdefault(item.action.chat_id, []).append(item)
        unreachable: list[Reminder] = []
        await asyncio.gather(
            *(
                run(self._remind_person(user_id, items, now, outbox, report, unreachable))
                for user_id, items in private.items()
            )
        )
        for item in sorted(unreachable, key=lambda r: (r.action.chat_id, r.action.number)):
            group.setdefault(item.action.chat_id, []).append(item)
        await asyncio.gather(
            *(
                run(self._remind_group(sorted(items, key=_by_owner), now, outbox, report))
                for items in group.values()
            )
        )

    async def _remind_person(
        self,
        user_id: int,
        due: list[Reminder],
        now: datetime,
        outbox: Outbox,
        report: TickReport,
        unreachable: list[Reminder],
    ) -> None:
        """A person's reminders in their private chat; if they blocked the bot, the rest
        go to ``unreachable`` (reminded in their groups)."""
        several_groups = len({item.action.chat_id for item in due}) > 1
        for part in _parts(due, now, in_group=False):
            buttons = [
                row
                for item in part
                for row in reminder_buttons(
                    item.action,
                    item.action.chat_id,
                    len(due) > 1,
                    group=item.nudge.chat.title if several_groups else None,
                )
            ]
            text = reminders([item.due for item in part], now, in_group=False)
            try:
                await outbox.send(user_id, text, buttons)
                outcome = Outcome.SENT
            except RecipientUnavailableError:
                logger.info("Owner %s can't be reached privately; reminding in the group", user_id)
                unreachable.extend(due[due.index(part[0]) :])
                return
            except Exception as error:
                outcome = _failure(error, "reminders", user_id)
            await self._settle(part, outcome, now, report)

    async def _remind_group(
        self, due: list[Reminder], now: datetime, outbox: Outbox, report: TickReport
    ) -> None:
        """Reminders in their group, each owner mentioned, with Done / Update / Snooze
        buttons as in a private chat (the press is checked: the owner or a coordinator);
        a group that became a supergroup with renumbered actions is reminded with the
        new numbers."""
        for part in _parts(due, now, in_group=True):
            chat_id = part[0].action.chat_id
            try:
                try:
                    text = reminders([item.due for item in part], now, in_group=True)
                    buttons = _group_buttons([item.action for item in part])
                    sent = await self._send(chat_id, text, buttons, outbox, now)
                except ChatMergedError as merged:
                    moved = [
                        replace(
                            item.action,
                            chat_id=merged.new_chat_id,
                            number=merged.renumbered.get(item.action.number, item.action.number),
                        )
                        for item in part
                    ]
                    text = reminders(
                        [(a, i.kind, i.zone) for a, i in zip(moved, part, strict=True)],
                        now,
                        in_group=True,
                    )
                    buttons = _group_buttons(moved)
                    sent = await self._send(merged.new_chat_id, text, buttons, outbox, now)
                outcome = Outcome.GONE if sent is None else Outcome.SENT
            except Exception as error:
                outcome = _failure(error, "reminders", chat_id)
            await self._settle(part, outcome, now, report)

    async def _settle(
        self, part: list[Reminder], outcome: Outcome, now: datetime, report: TickReport
    ) -> None:
        """Count and log each reminder of a message; a failed one is retried later."""
        for item in part:
            report.count(outcome)
            await self.schedules.log(
                item.nudge.chat.chat_id, item.nudge.kind, item.nudge.slot_at, outcome, now
            )
            if outcome is Outcome.FAILED:
                await self._retry_later(item.nudge, now)

    def _reminder_moments(self, action: Action, chat: ChatRecord) -> tuple[datetime, datetime]:
        """When the action's two reminders go out, quiet hours respected (UTC)."""
        assert action.due is not None
        zone, quiet = self.zone_of(chat), self.quiet_of(chat)
        before, overdue = reminder_moments(action.due, zone)
        if quiet:
            before, overdue = quiet.release(before, zone), quiet.release(overdue, zone)
        return before, overdue

    async def next_moment(self, now: datetime, until: datetime) -> datetime | None:
        """The first moment after ``now`` and by ``until`` when something is due to go
        out: lets the console move its clock through every nudge on the way."""
        moments = [
            s.next_fire_at
            for s in await self.schedules.due(until)
            if s.next_fire_at is not None and s.next_fire_at > now
        ]
        moments += [r.retry_at for r in await self.schedules.due_retries(until) if r.retry_at > now]
        for waiting in await self.schedules.awaiting_reminders(until + REMINDER_HORIZON):
            chat = await self.chats.get(waiting.action.chat_id)
            if chat is None or waiting.action.due is None:
                continue
            before, overdue = self._reminder_moments(waiting.action, chat)
            moments += [
                moment
                for moment, done in ((before, waiting.before_done), (overdue, waiting.overdue_done))
                if not done and now < moment <= until
            ]
        return min(moments, default=None)

    async def _send_part(
        self,
        chat_id: int,
        text: str,
        buttons: Buttons | None,
        outbox: Outbox,
        now: datetime,
        index: int,
    ) -> int | Outcome:
        """Send part ``index`` of a nudge; the chat id used, or the outcome that ends it.

        A failure after a part has arrived ends the nudge as partial, not failed: a
        retry would repeat what people have already seen.
        """
        try:
            target = await self._send(chat_id, text, buttons, outbox, now)
        except (DeliveryFailedError, NudgeRefusedError):
            if index == 0:
                raise
            logger.warning("Part %d of a nudge for chat %s failed; not repeating it",
                           index + 1, chat_id)  # fmt: skip
            return Outcome.PARTIAL
        return Outcome.GONE if target is None else target

    async def _send(
        self, chat_id: int, text: str, buttons: Buttons | None, outbox: Outbox, now: datetime
    ) -> int | None:
        """Send to a group, following a migration once; the chat id used, or None if the
        chat is gone (its nudges then stop)."""
        for _ in range(2):
            try:
                await outbox.send(chat_id, text, buttons)
                return chat_id
            except ChatMovedError as moved:
                logger.info("Chat %s moved to %s; its register follows", chat_id, moved.new_chat_id)
                merged = await self.chats.migrate(chat_id, moved.new_chat_id, now)
                chat_id = moved.new_chat_id
                if merged is not None and (notice := merged.notice()):
                    await outbox.send(chat_id, escape(notice))
                if merged is not None and merged.renumbered:
                    raise ChatMergedError(chat_id, merged.renumbered) from None
            except (ChatUnavailableError, RecipientUnavailableError):
                logger.warning("Chat %s is no longer reachable: its nudges stop", chat_id)
                await self.chats.set_active(chat_id, False, now)
                await self.schedules.pause(chat_id)
                return None
        return None


CHECKIN_ANSWERS = (("on_track", "On track"), ("at_risk", "At risk"), ("blocked", "Blocked"),
                   ("done", "Done"))  # fmt: skip


def checkin_buttons(number: int, chat_id: int | None = None) -> list[tuple[str, str]]:
    """On track / At risk / Blocked / Done for action ``#number``; a private message's
    buttons carry the group's id."""
    where = f":{chat_id}" if chat_id is not None else ""
    return [(f"#{number} {label}", f"ci:{key}:{number}{where}") for key, label in CHECKIN_ANSWERS]


def checkin_rows(actions: list[Action], chat_id: int | None = None) -> Buttons:
    """One row of answers per action (the first ``MAX_CHECKIN_ACTIONS``)."""
    return [checkin_buttons(a.number, chat_id) for a in actions[:MAX_CHECKIN_ACTIONS]]


GROUP_LABEL = 14  # characters of a group's title on a button


def reminder_buttons(
    action: Action, chat_id: int | None, numbered: bool = False, group: str | None = None
) -> Buttons:
    """Done / Update / Snooze for ``action`` (Snooze carries the due date shown, so a
    double tap moves it once): in a private chat the buttons carry
    its group ``chat_id``, in the group itself (``None``) they act there. ``numbered``
    labels them "#3 Done" (a message about several actions), and ``group`` "Partners #3
    Done" (several groups' actions: each has its own #3)."""
    number, due = action.number, action.due
    where = f":{chat_id}" if chat_id is not None else ""
    label = f"#{number} " if numbered or group else ""
    if group:
        short = group if len(group) <= GROUP_LABEL else group[: GROUP_LABEL - 1].rstrip() + "…"
        label = f"{short} {label}"
    return [
        [
            (f"{label}Done", f"act:done:{number}{where}"),
            (f"{label}Update", f"act:update:{number}{where}"),
            (f"{label}Snooze 1 week", f"act:snooze:{number}{where}:s{stamp(due)}"),
        ]
    ]


def _group_buttons(actions: list[Action]) -> Buttons:
    """A group reminder's buttons: a row for each action, numbered if there are several."""
    return [row for a in actions for row in reminder_buttons(a, None, len(actions) > 1)]


@dataclass(frozen=True)
class Reminder:
    """One owner reminder due now: its nudge (logged and retried on its own), action,
    kind (before, overdue) and the group's timezone."""

    nudge: Nudge
    action: Action
    kind: str
    zone: ZoneInfo

    @property
    def due(self) -> Due:
        """What :func:`nudges.compose.reminders` lists."""
        return self.action, self.kind, self.zone


def _by_owner(item: Reminder) -> tuple[object, ...]:
    action = item.action
    return (action.owner_user_id is None, action.owner_user_id or 0, action.owner_name,
            action.number, item.kind)  # fmt: skip


def _parts(due: list[Reminder], now: datetime, in_group: bool) -> list[list[Reminder]]:
    """``due`` cut into messages within Telegram's limits: text (``PART_LIMIT``) and
    buttons (three for each action)."""
    most = MAX_BUTTONS // 3
    parts: list[list[Reminder]] = []
    for item in due:
        current = parts[-1] if parts else None
        if (
            current is not None
            and len(current) < most
            and len(reminders([r.due for r in [*current, item]], now, in_group)) <= PART_LIMIT
        ):
            current.append(item)
        else:
            parts.append([item])
    return parts


def _failure(error: Exception, what: str, chat_id: int) -> Outcome:
    """The outcome of a send that raised ``error`` (as :meth:`NudgeEngine._deliver` maps it)."""
    if isinstance(error, DeliveryFailedError):
        return Outcome.FAILED
    if isinstance(error, NudgeRefusedError):
        logger.error("Telegram refused the %s for chat %s", what, chat_id)
        return Outcome.REFUSED
    logger.error("The %s for chat %s failed", what, chat_id, exc_info=error)
    return Outcome.ERROR
