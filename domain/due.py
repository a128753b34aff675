"""When an action is due: a day of the chat's calendar or a moment, and how a day is written."""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

END_OF_DAY = time(23, 59)


@dataclass(frozen=True)
class Due:
    """When an action is due: a day of the chat's calendar, or a moment.

    ``on`` is set when only a day was given. It is a date, not an instant, so it stays
    the same day whatever the chat's timezone is or becomes; it is overdue once that day
    has ended in the chat's timezone. ``at`` (UTC) is set when a time of day was given:
    a moment, shown in the chat's timezone. Exactly one of the two is set.
    """

    on: date | None = None
    at: datetime | None = None

    def __post_init__(self) -> None:
        if (self.on is None) == (self.at is None):
            raise ValueError("a due date is a day or a moment")

    @property
    def all_day(self) -> bool:
        """Only a day was given."""
        return self.at is None

    @property
    def _day(self) -> date:
        assert self.on is not None
        return self.on

    def day_in(self, zone: ZoneInfo) -> date:
        """The day it is due in ``zone``."""
        return self.at.astimezone(zone).date() if self.at else self._day

    def deadline(self, zone: ZoneInfo) -> datetime:
        """The moment (UTC) it becomes overdue: its time, or the end of its day in ``zone``."""
        return self.at if self.at is not None else _end_of_day(self._day, zone)

    def local(self, zone: ZoneInfo) -> datetime:
        """The due moment in ``zone``; a day counts as its last minute, 23:59."""
        if self.at is not None:
            return self.at.astimezone(zone)
        return datetime.combine(self._day, END_OF_DAY, tzinfo=zone)

    @property
    def key(self) -> str:
        """The due date as text: the ISO date of a day, the ISO moment (UTC) of a time.
        How it is stored, kept in the history and compared by the reminders."""
        return self.at.isoformat(timespec="seconds") if self.at else self._day.isoformat()

    @classmethod
    def from_key(cls, key: str) -> Due:
        """The due date ``key`` describes."""
        if len(key) == len("2026-11-27"):
            return cls(on=date.fromisoformat(key))
        return cls(at=datetime.fromisoformat(key))

    def later(self, delta: timedelta) -> Due:
        """The same kind of due date, ``delta`` later (a day stays a day)."""
        if self.at is not None:
            return Due(at=self.at + delta)
        return Due(on=self._day + delta)

    def describe(self, zone: ZoneInfo, now: datetime) -> str:
        """``Fri 27 Nov`` or ``Fri 27 Nov 17:00`` (with the year when not ``now``'s)."""
        day = self.day_in(zone)
        text = day_label(day)
        if day.year != now.astimezone(zone).year:
            text += f" {day.year}"
        return text if self.at is None else f"{text} {self.at.astimezone(zone):%H:%M}"


def stamp(due: Due | None) -> str:
    """A short stamp of a due date (or of none) for a Snooze button's data: a press acts
    only on the date its message showed, so a double tap moves it once."""
    return format(zlib.crc32((due.key if due else "none").encode()), "x")


def day_label(day: date) -> str:
    """``Fri 27 Nov``, ``Sun 6 Dec``: how Accord writes a day everywhere (no leading 0)."""
    return f"{day:%a} {day.day} {day:%b}"


@functools.lru_cache(maxsize=4096)
def _end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """When ``day`` ends in ``zone``, in UTC: asked for every action of every listing,
    and a long register has only a few distinct due days."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
