"""The partnership's charter: its agreed goals, its roles and the decisions it takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

MAX_CHARTER_TEXT = 300  # a goal's or decision's text, a role's "covers"
MAX_ROLE_NAME = 60


@dataclass(frozen=True)
class Goal:
    """One agreed goal of a chat, numbered per chat."""

    goal_id: int
    chat_id: int
    number: int
    text: str
    closed_at: datetime | None
    created_at: datetime

    @property
    def closed(self) -> bool:
        """A closed goal is kept (its actions stay linked) but takes no new actions."""
        return self.closed_at is not None


@dataclass(frozen=True)
class GoalProgress:
    """How a goal's actions stand: done, open and (of the open) overdue, and how many
    were done since the last digest."""

    goal: Goal
    done: int = 0
    open: int = 0
    overdue: int = 0
    done_since: int = 0


@dataclass(frozen=True)
class Role:
    """A role in the partnership's terms of reference, held by exactly one of a person
    (``user_id``), an @name not seen yet (``handle``) or a partner (``partner_id``)."""

    role_id: int
    chat_id: int
    name: str
    holder: str  # the person's or partner's name, as people read it
    user_id: int | None = None
    handle: str | None = None
    partner_id: int | None = None
    covers: str | None = None

    @property
    def label(self) -> str:
        """``Data lead — HSCB: monthly data returns``."""
        covers = f": {self.covers}" if self.covers else ""
        return f"{self.name} — {self.holder}{covers}"


class DecisionStatus(StrEnum):
    """Where a decision stands; the value is what the database stores."""

    OPEN = "open"  # recorded; partners may still agree or object
    CONFIRMED = "confirmed"  # a coordinator confirmed it (objections or not)
    WITHDRAWN = "withdrawn"


class Answer(StrEnum):
    """A partner's answer to a decision."""

    AGREE = "agree"
    OBJECT = "object"


@dataclass(frozen=True)
class Response:
    """One person's answer to a decision, with the partner they are from."""

    user_id: int
    name: str
    partner: str | None
    answer: Answer
    at: datetime


@dataclass(frozen=True)
class Decision:
    """A decision of a chat, numbered per chat, with the answers to it."""

    decision_id: int
    chat_id: int
    number: int
    text: str
    status: DecisionStatus
    proposer_name: str
    created_at: datetime
    resolved_at: datetime | None = None
    responses: tuple[Response, ...] = ()

    @property
    def objections(self) -> int:
        """How many object."""
        return sum(r.answer is Answer.OBJECT for r in self.responses)

    @property
    def flagged(self) -> bool:
        """Open with an objection: shown in the digest until a coordinator resolves it."""
        return self.status is DecisionStatus.OPEN and self.objections > 0


@dataclass(frozen=True)
class CharterEvent:
    """One change to a goal, role or decision: who, when, what, old → new."""

    subject: str  # goal, role or decision
    subject_id: int
    actor_name: str | None
    at: datetime
    kind: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class CharterDigest:
    """What the digest opens with: each open goal's progress, the decisions recorded
    since the last digest, and open decisions someone objects to."""

    goals: tuple[GoalProgress, ...] = ()
    decided: tuple[Decision, ...] = ()
    flagged: tuple[Decision, ...] = ()

    @property
    def news(self) -> bool:
        """Whether there is anything a digest must carry even with no actions."""
        return bool(self.decided or self.flagged)
