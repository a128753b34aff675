"""When nudges fire: digest and check-in schedules, quiet hours, owner reminders.

Calendar and daylight-saving arithmetic is APScheduler's (``CronTrigger``): a 09:00
nudge fires once at 09:00 local time, whatever the clocks did overnight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from register.dates import WEEKDAYS, Due, DueDateError, read_clock

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
REMINDER_HOUR = time(9, 0)
LATE_LIMIT = timedelta(hours=12)


class ScheduleError(ValueError):
    """A schedule, time or quiet-hours setting that can't be used; the message says why."""


@dataclass(frozen=True)
class Schedule:
    """A repeating nudge: daily, or weekly on ``weekday`` (0 = Monday), at ``at`` local."""

    kind: str  # "digest" or "checkin"
    enabled: bool
    frequency: str  # "daily" or "weekly"
    weekday: int | None
    at: time

    def describe(self) -> str:
        """``weekly on Monday at 09:00`` or ``daily at 17:30`` (or ``off``)."""
        if not self.enabled:
            return "off"
        if self.frequency == "daily":
            return f"daily at {self.at:%H:%M}"
        day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        return f"weekly on {day[self.weekday or 0]} at {self.at:%H:%M}"

    def next_slot(self, zone: ZoneInfo, after: datetime) -> datetime:
        """The first slot strictly after ``after``, in UTC."""
        fields: dict[str, object] = {"hour": self.at.hour, "minute": self.at.minute}
        if self.frequency == "weekly":
            fields["day_of_week"] = WEEKDAY_NAMES[self.weekday or 0]
        trigger = CronTrigger(timezone=zone, **fields)
        slot = trigger.get_next_fire_time(None, after + timedelta(seconds=1))
        return slot.astimezone(UTC)


DEFAULT_DIGEST = Schedule("digest", True, "weekly", 0, time(9, 0))
DEFAULT_CHECKIN = Schedule("checkin", False, "weekly", 4, time(15, 0))


@dataclass(frozen=True)
class QuietHours:
    """Nothing is sent from ``start`` to ``end`` local time (over midnight if start > end),
    nor all weekend when ``weekends``."""

    start: time
    end: time
    weekends: bool = False

    def describe(self) -> str:
        """``20:00–08:00`` plus ``and weekends``."""
        text = f"{self.start:%H:%M}–{self.end:%H:%M}"
        return f"{text} and all weekend" if self.weekends else text

    def _quiet(self, local: datetime) -> bool:
        if self.weekends and local.weekday() >= 5:
            return True
        clock = local.time()
        if self.start <= self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def release(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """``moment`` if it is outside quiet hours, else when they end (UTC)."""
        local = moment.astimezone(zone)
        for _ in range(4):  # at most: evening → morning → (weekend) → Monday morning
            if not self._quiet(local):
                return local.astimezone(UTC)
            if self.weekends and local.weekday() >= 5:
                monday = local.date() + timedelta(days=7 - local.weekday())
                local = datetime.combine(monday, time(0, 0), tzinfo=zone)
                continue
            end_day = local.date()
            if self.start > self.end and local.time() >= self.start:
                end_day += timedelta(days=1)
            local = datetime.combine(end_day, self.end, tzinfo=zone)
        return local.astimezone(UTC)


def parse_time(text: str) -> time:
    """A time of day as due dates take it (``09:00``, ``9am``, ``3pm``, ``17:30``,
    ``noon``) → a time; ``ScheduleError`` otherwise."""
    try:
        clock = read_clock(text)
    except DueDateError as error:
        raise ScheduleError(str(error)) from None
    if clock is None:
        raise ScheduleError(f"{text!r} is not a time like 9am, 3pm, 09:00 or 17:30")
    return clock


def parse_schedule(kind: str, words: list[str], current: Schedule) -> Schedule:
    """``weekly mon 09:00`` / ``daily 17:30`` / ``on`` / ``off`` for ``kind``."""
    lowered = [word.lower() for word in words]
    if lowered in (["off"], ["on"]):
        return Schedule(kind, lowered == ["on"], current.frequency, current.weekday, current.at)
    # The time may be two words ("3 pm") or start with "at" ("at 9am"): at most three.
    if 2 <= len(lowered) <= 4 and lowered[0] == "daily":
        return Schedule(kind, True, "daily", None, parse_time(" ".join(lowered[1:])))
    if 3 <= len(lowered) <= 5 and lowered[0] == "weekly":
        days = re.split(r"[,/&+]|\s+(?:and\s+)?", " ".join(lowered[1:]))
        if len([day for day in days if day.strip() in WEEKDAYS]) > 1:  # never one of them
            raise ScheduleError(
                f"A {kind} goes out on one day a week; say one (e.g. /nudges {kind} weekly "
                f"mon 9am), or /nudges {kind} daily 9am"
            )
        if lowered[1] not in WEEKDAYS:  # "monkey" is no Monday
            raise ScheduleError(f"{words[1]!r} is not a day of the week (mon … sun)")
        at = parse_time(" ".join(lowered[2:]))
        return Schedule(kind, True, "weekly", WEEKDAYS[lowered[1]], at)
    raise ScheduleError(
        f"Usage: /nudges {kind} weekly <day> <time>, /nudges {kind} daily <time>, "
        f"or /nudges {kind} off  e.g. /nudges {kind} weekly mon 9am"
    )


def parse_quiet(words: list[str]) -> QuietHours | None:
    """``20:00-08:00 [weekends]`` → quiet hours; ``off`` → ``None``."""
    lowered = [word.lower() for word in words]
    if lowered == ["off"]:
        return None
    weekends = bool(lowered) and lowered[-1] == "weekends"
    hours = " ".join(lowered[:-1] if weekends else lowered)  # "8pm-8am", "8pm - 8am"
    if not hours or len(lowered) > 6:
        raise ScheduleError(
            "Usage: /quiet <from>-<to> [weekends] or /quiet off  e.g. /quiet 8pm-8am"
        )
    start, separator, end = hours.partition("-")
    if not separator:
        raise ScheduleError("Give quiet hours as <from>-<to>, e.g. /quiet 8pm-8am or 20:00-08:00")
    quiet = QuietHours(parse_time(start), parse_time(end), weekends)
    if quiet.start == quiet.end:
        raise ScheduleError("Quiet hours must start and end at different times")
    return quiet


def reminder_moments(due: Due, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """When to remind an owner: 09:00 local the day before the due date, and the first
    09:00 local at or after the moment the action becomes overdue (both UTC)."""
    day = due.day_in(zone)
    before = datetime.combine(day - timedelta(days=1), REMINDER_HOUR, tzinfo=zone)
    same_day = due.at is not None and due.at.astimezone(zone).time() < REMINDER_HOUR
    overdue_day = day + timedelta(days=0 if same_day else 1)
    overdue = datetime.combine(overdue_day, REMINDER_HOUR, tzinfo=zone)
    return before.astimezone(UTC), overdue.astimezone(UTC)
