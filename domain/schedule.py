"""When nudges fire: digest and check-in schedules, and quiet hours.

Calendar and daylight-saving arithmetic is APScheduler's (``CronTrigger``): a 09:00
nudge fires once at 09:00 local time, whatever the clocks did overnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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


def next_quarterly(zone: ZoneInfo, after: datetime) -> datetime:
    """The quarterly health check's next slot strictly after ``after`` (UTC): the first
    Monday of January, April, July and October at 09:00 local (a working morning, not
    New Year's Day)."""
    trigger = CronTrigger(
        month="1,4,7,10", day="1-7", day_of_week="mon", hour=9, minute=0, timezone=zone
    )
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
