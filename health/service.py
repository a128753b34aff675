"""Health-check rounds: open one and ask every member, take answers, aggregate results."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.health import MIN_ANSWERS, HealthResults, Round, aggregate
from domain.model import ANONYMOUS_ADMIN_ID
from health.questions import invite_text, question_rows, question_text
from nudges.engine import (
    ChatUnavailableError,
    DeliveryFailedError,
    NudgeEngine,
    NudgeRefusedError,
    Outbox,
    Outcome,
    RecipientUnavailableError,
)
from nudges.schedule import LATE_LIMIT
from storage.health import HealthRepository
from storage.people import PeopleRepository

logger = logging.getLogger(__name__)
ROUND_DAYS = 7  # a round takes answers for a week unless closed earlier


class HealthCheckError(Exception):
    """A refusal to tell the person (plain text)."""


@dataclass(frozen=True)
class Started:
    """A new round and how its questions went out."""

    round: Round
    privately: int  # members asked in their private chat
    invited: int  # members asked to open one (the group message)
    group_failed: bool = False  # the group message could not be sent


class HealthChecks:
    """Opens rounds, records answers and computes results for each chat."""

    def __init__(self, rounds: HealthRepository, people: PeopleRepository) -> None:
        self.rounds = rounds
        self.people = people

    async def current(self, chat_id: int, now: datetime) -> Round | None:
        """The chat's open round, if any."""
        latest = await self.rounds.of_chat(chat_id)
        return latest[0] if latest and latest[0].is_open(now) else None

    async def start(
        self,
        chat_id: int,
        title: str,
        now: datetime,
        outbox: Outbox,
        deep_link: Callable[[int], str],
        opened_by: tuple[int, str] | None = None,
    ) -> Started:
        """Open a round and send each member the questions: privately to those who have
        started the bot, one group message with a link for the rest."""
        who, name = opened_by or (None, None)
        opened = await self.rounds.open_round(
            chat_id, now, now + timedelta(days=ROUND_DAYS), who, name
        )
        if opened is None:
            current = await self.current(chat_id, now)
            until = f" until {current.closes_at:%d %b}" if current else ""
            raise HealthCheckError(
                f"A health check is already open here{until}. /healthcheck results shows "
                "it so far; /healthcheck close ends it."
            )
        privately = invited = 0
        for person in await self.people.in_chat(chat_id):
            if person.user_id == ANONYMOUS_ADMIN_ID:  # the group itself, not a member
                continue
            if person.has_private_chat:
                try:
                    await outbox.send(
                        person.user_id, question_text(title), question_rows(opened.round_id)
                    )
                    privately += 1
                    continue
                except RecipientUnavailableError:
                    await self.people.lost_private_chat(person.user_id)
                except (DeliveryFailedError, NudgeRefusedError) as error:
                    logger.warning("Health check not delivered to %s: %s", person.user_id, error)
            invited += 1
        failed = False
        if invited:
            link = [[("Answer privately", deep_link(opened.round_id))]]
            try:
                await outbox.send(chat_id, invite_text(title, invited), link)
            except (ChatUnavailableError, DeliveryFailedError, NudgeRefusedError) as error:
                logger.warning("Health-check invitation not sent to %s: %s", chat_id, error)
                failed = True
        return Started(opened, privately, invited, failed)

    async def tick(
        self, now: datetime, outbox: Outbox, link: Callable[[int], str], engine: NudgeEngine
    ) -> int:
        """Open the quarterly rounds that are due; how many opened. At most once, like
        the other nudges: the slot is moved on before the questions go out, so a second
        tick or a crash part way never asks twice (members who missed the questions
        answer through the group message's link, or at the next round)."""
        opened = 0
        for chat in await engine.chats.healthchecks_due(now):
            slot = chat.healthcheck_next_at
            assert slot is not None
            following = engine.next_healthcheck(chat, max(now, slot))
            if not await engine.chats.claim_healthcheck(chat.chat_id, slot, following):
                continue
            outcome = Outcome.SKIPPED  # too late (Accord was down), or a round is open
            if now - slot <= LATE_LIMIT:
                try:
                    title = chat.title or "your partnership"
                    started = await self.start(chat.chat_id, title, now, outbox, link)
                    outcome = Outcome.PARTIAL if started.group_failed else Outcome.SENT
                    opened += 1
                except HealthCheckError:
                    pass
                except Exception:
                    logger.exception("The health check for chat %s failed", chat.chat_id)
                    outcome = Outcome.ERROR
            await engine.schedules.log(chat.chat_id, "healthcheck", slot, outcome, now)
        return opened

    async def unanswered(self, user_id: int, now: datetime) -> list[tuple[Round, str]]:
        """The open rounds of the person's groups that they haven't answered yet, with
        each group's title (someone starting the bot mid-round still gets asked)."""
        waiting = []
        for chat_id, title in await self.people.groups_of(user_id):
            current = await self.current(chat_id, now)
            if current is not None and not await self.rounds.has_answered(
                current.round_id, user_id
            ):
                waiting.append((current, title or "your partnership"))
        return waiting

    async def seen_in(self, chat_id: int, user_id: int) -> bool:
        """Whether the person has been seen in the chat (a member, as far as Accord knows)."""
        return await self.people.was_seen_in(chat_id, user_id)

    async def answerable(self, round_id: int, now: datetime) -> Round:
        """The round, if it still takes answers."""
        found = await self.rounds.get(round_id)
        if found is None:
            raise HealthCheckError("That health check no longer exists.")
        if not found.is_open(now):
            raise HealthCheckError(
                "That health check has closed; /healthcheck results in the group shows it."
            )
        return found

    async def rate(
        self, round_id: int, user_id: int, principle: str, rating: int, now: datetime
    ) -> None:
        """Record one rating (the caller has checked the person is a member)."""
        await self.answerable(round_id, now)
        await self.rounds.rate(round_id, user_id, principle, rating)

    async def comment(self, round_id: int, user_id: int, text: str, now: datetime) -> None:
        """Record one comment (the caller has checked the person is a member)."""
        await self.answerable(round_id, now)
        await self.rounds.comment(round_id, user_id, text)

    async def close(self, chat_id: int, now: datetime, by: int, by_name: str) -> Round:
        """Close the chat's open round early."""
        current = await self.current(chat_id, now)
        if current is None or not await self.rounds.close(current.round_id, now, by, by_name):
            raise HealthCheckError("No health check is open here. /healthcheck starts one.")
        return Round(current.round_id, chat_id, current.opened_at, current.closes_at, now)

    async def results(self, chat_id: int, now: datetime) -> HealthResults | None:
        """The latest round's results: while it is open only how many have answered (its
        figures come when it closes); ``None`` if the chat never had a round."""
        rounds = await self.rounds.of_chat(chat_id)
        if not rounds:
            return None
        return await self.results_of(rounds[0], rounds[1:], now)

    async def results_of(self, shown: Round, earlier: list[Round], now: datetime) -> HealthResults:
        """One round's aggregates, once it has closed, with the change since the latest
        earlier round that had figures."""
        respondents = await self.rounds.respondents(shown.round_id)
        if shown.is_open(now):
            return HealthResults(shown, respondents, aggregate({}), closed=False)
        previous: dict[str, float | None] = {}
        for before in earlier:  # newest first
            if await self.rounds.respondents(before.round_id) >= MIN_ANSWERS:
                results = aggregate(await self.rounds.ratings(before.round_id))
                previous = {r.principle.key: r.mean for r in results}
                break
        if respondents < MIN_ANSWERS:
            return HealthResults(shown, respondents, aggregate({}))
        return HealthResults(
            shown,
            respondents,
            aggregate(await self.rounds.ratings(shown.round_id), previous),
            tuple(await self.rounds.comments(shown.round_id)),
        )

    async def history(self, chat_id: int, now: datetime) -> list[HealthResults]:
        """Every round's aggregates, oldest first (for /export; an open round's none)."""
        rounds = await self.rounds.of_chat(chat_id)
        return [await self.results_of(r, rounds[i + 1 :], now) for i, r in enumerate(rounds)][::-1]
