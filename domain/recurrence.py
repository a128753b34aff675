"""How an action repeats: a rule stored as data, and the dates it falls on.

The arithmetic is dateutil's: ``rrule`` for anchored rules, ``relativedelta`` for plain
intervals (a month after 31 January is 28 or 29 February).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, WEEKLY, rrule

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_INTERVAL = {"day": 365, "week": 52, "month": 24, "year": 5}


class RecurrenceError(ValueError):
    """Words that start a recurrence ("every …") but can't be read as one."""


@dataclass(frozen=True)
class Recurrence:
    """How an action repeats: every ``interval`` ``unit``s, on an optional anchor day.

    ``weekday`` (0 = Monday) anchors a weekly rule; ``monthday`` (1-31, or -1 for the
    last day) a monthly one; a day past a month's end falls on its last day.
    """

    unit: str
    interval: int = 1
    weekday: int | None = None
    monthday: int | None = None

    def __post_init__(self) -> None:
        if self.unit not in MAX_INTERVAL or not 1 <= self.interval <= MAX_INTERVAL[self.unit]:
            raise RecurrenceError(
                f"I can repeat an action every 1 to {MAX_INTERVAL.get(self.unit, 1)} {self.unit}s."
            )
        if self.weekday is not None and (self.unit != "week" or not 0 <= self.weekday <= 6):
            raise RecurrenceError("A day of the week goes with weeks: every Friday.")
        if self.monthday is not None and (
            self.unit != "month" or not (1 <= self.monthday <= 31 or self.monthday == -1)
        ):
            raise RecurrenceError("A day of the month goes with months: every month by the 5th.")

    def to_json(self) -> str:
        """The rule as stored with the action."""
        data: dict[str, object] = {"unit": self.unit, "interval": self.interval}
        if self.weekday is not None:
            data["weekday"] = self.weekday
        if self.monthday is not None:
            data["monthday"] = self.monthday
        return json.dumps(data, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Recurrence:
        """The rule ``to_json`` stored."""
        data = json.loads(text)
        return cls(data["unit"], data["interval"], data.get("weekday"), data.get("monthday"))

    def describe(self) -> str:
        """``every Friday``, ``every month on the 5th``, ``every 2 weeks``."""
        if self.weekday is not None:
            day = _DAY_NAMES[self.weekday]
            return f"every {day}" if self.interval == 1 else f"every {self.interval} weeks on {day}"
        text = f"every {self.unit}" if self.interval == 1 else f"every {self.interval} {self.unit}s"
        if self.monthday == -1:
            return f"{text} on its last day"
        if self.monthday is not None:
            return f"{text} on the {_ordinal(self.monthday)}"
        return text

    def first(self, today: date) -> date:
        """The first due day from ``today`` on (today counts): the anchor day, or today for
        a rule that names no day ("every week" starts this week, due today)."""
        if self.anchored:  # the next such day, whatever the interval: the series starts there
            rule = Recurrence(self.unit, 1, self.weekday, self.monthday)._rule(today)
            return rule.after(_midnight(today), inc=True).date()
        return today

    def after(self, previous: date, today: date) -> date:
        """The occurrence that follows one due on ``previous``, and not before ``today``."""
        day = previous
        while True:
            if self.anchored:
                day = self._rule(day).after(_midnight(day)).date()
            else:
                day = day + self._step()
            if day >= today:
                return day

    @property
    def anchored(self) -> bool:
        """Whether the rule names its day (a weekday or a day of the month)."""
        return self.weekday is not None or self.monthday is not None

    def _step(self) -> relativedelta | timedelta:
        if self.unit == "day":
            return timedelta(days=self.interval)
        if self.unit == "week":
            return timedelta(weeks=self.interval)
        if self.unit == "month":
            return relativedelta(months=self.interval)
        return relativedelta(years=self.interval)

    def _rule(self, start: date) -> rrule:
        """The occurrences counted from ``start``: its phase for every-N rules."""
        if self.weekday is not None:
            return rrule(
                WEEKLY, interval=self.interval, byweekday=self.weekday, dtstart=_midnight(start)
            )
        day = self.monthday or -1
        days = (day,) if day == -1 or day <= 28 else (day, -1)  # 31st: the month's last
        return rrule(
            MONTHLY,
            interval=self.interval,
            bymonthday=days,
            bysetpos=1,
            dtstart=_midnight(start.replace(day=1)),
        )


def _midnight(day: date) -> datetime:
    """``day`` at midnight, naive: what ``rrule`` counts in."""
    return datetime(day.year, day.month, day.day)


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"
