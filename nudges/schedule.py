"""Nudge settings read from words (schedules, times, quiet hours), and when owner
reminders fall. The types themselves are in ``domain.schedule``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.due import Due
from domain.schedule import QuietHours, Schedule
from register.dates import WEEKDAYS, DueDateError, read_clock

REMINDER_HOUR = time(9, 0)
LATE_LIMIT = timedelta(hours=12)


class ScheduleError(ValueError):
    """A schedule, time or quiet-hours setting that can't be used; the message says why."""


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
