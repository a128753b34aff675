"""The register's vocabulary: statuses, actions, owners, events, partners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.due import Due
from domain.recurrence import Recurrence


class Status(StrEnum):
    """Where an action stands; the value is what the database stores."""

    OPEN = "open"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BLOCKED = "blocked"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        """How people write it: ``on track``."""
        return self.value.replace("_", " ")

    @property
    def closed(self) -> bool:
        """Done and dropped actions are closed; the rest are open."""
        return self in (Status.DONE, Status.DROPPED)


OPEN_STATUSES = frozenset(s for s in Status if not s.closed)
# Telegram's stand-in sender for a group administrator posting as the group itself.
ANONYMOUS_ADMIN_ID = 1087968824
MAX_TITLE = 300
MAX_NOTE = 1000


@dataclass(frozen=True)
class OwnerRef:
    """Who an action is for, as the command named them.

    Exactly one of ``user_id`` (a known person) and ``handle`` (an @name not seen yet).
    """

    user_id: int | None = None
    handle: str | None = None
    name: str | None = None
    is_me: bool = False


@dataclass(frozen=True)
class Actor:
    """The person doing something, and whether they coordinate this chat.

    ``posting_as``: set when the message was sent as a chat ("the group", for an
    anonymous administrator, or a channel); then no person stands behind it.
    """

    user_id: int
    name: str
    is_coordinator: bool
    posting_as: str | None = None

    @property
    def anonymous(self) -> bool:
        """Sent as a chat, not by a person: "me" means no one."""
        return self.posting_as is not None


@dataclass(frozen=True)
class ChatScope:
    """The chat a command runs in: every query is scoped by it."""

    chat_id: int
    title: str
    zone: ZoneInfo
    date_order: str = "DMY"  # how numeric dates are read (the DATE_ORDER setting)


@dataclass(frozen=True)
class Partner:
    """A partner organisation of one chat."""

    partner_id: int
    chat_id: int
    name: str
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Action:
    """One action in a chat's register."""

    action_id: int
    chat_id: int
    number: int
    title: str
    owner_user_id: int | None
    owner_handle: str | None
    owner_name: str
    partner_id: int | None
    partner_name: str | None
    status: Status
    due: Due | None
    last_note: str | None
    created_by: int
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    chat_title: str | None = None
    chat_timezone: str | None = None  # the chat's own; None: the configured default
    supporters: tuple[str, ...] = ()  # supporting people and partners, by name
    recurrence: Recurrence | None = None
    series_id: int | None = None  # the first action of its series, if it recurs
    goal_id: int | None = None  # the partnership goal it serves (domain/charter.py)
    goal_number: int | None = None

    def is_overdue(self, now: datetime, zone: ZoneInfo) -> bool:
        """Open and past its due moment (a due day: once that day has ended in ``zone``)."""
        return not self.status.closed and self.due is not None and self.due.deadline(zone) < now

    def owned_by(self, user_id: int) -> bool:
        """Whether ``user_id`` owns this action."""
        return self.owner_user_id == user_id


@dataclass(frozen=True)
class Supporter:
    """A person or partner supporting an action (RACI's Consulted, not its owner):
    exactly one of a person's ``user_id``, a pending ``handle``, or a ``partner_id``."""

    name: str
    user_id: int | None = None
    handle: str | None = None
    partner_id: int | None = None


@dataclass(frozen=True)
class ActionEvent:
    """One change to an action: who, when, what, old → new."""

    action_id: int
    number: int
    actor_user_id: int | None
    actor_name: str | None
    at: datetime
    kind: str
    old_value: str | None
    new_value: str | None
    note: str | None

    @property
    def actor_label(self) -> str:
        """Who made the change, as people read it."""
        if self.actor_name:
            return self.actor_name
        if self.actor_user_id is None:
            return "Accord"
        return "An anonymous admin" if self.actor_user_id == ANONYMOUS_ADMIN_ID else "Someone"
