"""Due dates in plain words, read in the chat's timezone.

Common forms ("Friday", "next Tuesday", "tomorrow 5pm", "end of month", "in 2 weeks",
ISO dates) take a fast path of our own; anything else goes to dateparser.
"""

from __future__ import annotations

import calendar
import contextlib
import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS = {name: index for index, name in enumerate(_DAY_NAMES)} | {
    name[:3]: index for index, name in enumerate(_DAY_NAMES)
}
WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3})
_CLOCK = (
    r"(?:(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm)"
    r"|(?P<h24>\d{1,2}):(?P<m24>\d{2})|(?P<word>noon|midday|midnight))"
)
_TIME = re.compile(r"(?:^|\s+)(?:at\s+|@\s*)?" + _CLOCK + r"$")
_LEADING_TIME = re.compile(r"^(?:at\s+)?" + _CLOCK + r"(?:\s+|$)")
_IN = re.compile(
    r"^in\s+(?P<n>\d{1,3}|a|an|one|two|three|four|five|six)\s+(?P<unit>day|week|month)s?$"
)
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})$")
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTHS = {name: index for index, name in enumerate(_MONTH_NAMES, 1)} | {
    name[:3]: index for index, name in enumerate(_MONTH_NAMES, 1)
}
MONTHS["sept"] = 9
_DAY_MONTH = re.compile(
    r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>[a-z]+)(?:\s+(?P<y>\d{4}))?$"
)
_MONTH_DAY = re.compile(r"^(?P<mon>[a-z]+)\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s+(?P<y>\d{4}))?$")
_SLASHED = re.compile(r"^(?P<d>\d{1,2})/(?P<mo>\d{1,2})(?:/(?P<y>\d{2}|\d{4}))?$")
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
END_OF_DAY = time(23, 59)
# A due date is a few words: longer text is refused before any parsing, so no message
# can make the parser (dateparser's above all) work for long.
MAX_DUE_CHARS = 64
MAX_DUE_WORDS = 8
# Further ahead is a typo (or a prank) that would break date arithmetic near year 9999.
MAX_YEARS_AHEAD = 10
_EXAMPLES = "Friday, next Tuesday, 31 Jan, in 2 weeks, end of month, tomorrow 5pm or 2026-01-31"


class DueDateError(ValueError):
    """A due date that cannot be read, or that is in the past; the message says which.

    ``understood`` is true when the words were read as a date that can't be used (in
    the past, or no such day), as opposed to words that are no date at all.
    """

    def __init__(self, message: str, understood: bool = False) -> None:
        super().__init__(message)
        self.understood = understood


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
        text = f"{day:%a} {day.day} {day:%b}"
        if day.year != now.astimezone(zone).year:
            text += f" {day.year}"
        return text if self.at is None else f"{text} {self.at.astimezone(zone):%H:%M}"


@functools.lru_cache(maxsize=4096)
def _end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """When ``day`` ends in ``zone``, in UTC: asked for every action of every listing,
    and a long register has only a few distinct due days."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def horizon(now: datetime, zone: ZoneInfo) -> date:
    """The last day a due date may fall on: ten years from today in ``zone``."""
    today = now.astimezone(zone).date()
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)


def parse_due(text: str, now: datetime, zone: ZoneInfo, *, slow: bool = True) -> Due:
    """Read ``text`` as a due date after ``now`` in ``zone``; ``DueDateError`` if it can't.

    With ``slow`` false only the common forms are read (dateparser is not tried).
    """
    cleaned = " ".join(text.lower().replace(",", " ").split())
    if len(cleaned) > MAX_DUE_CHARS or cleaned.count(" ") >= MAX_DUE_WORDS:
        raise DueDateError(f"That due date is too long; say it in a few words: {_EXAMPLES}")
    cleaned = re.sub(r"^(by|on|due|before|until|till)(\s+|$)", "", cleaned)
    if not cleaned:
        raise DueDateError("the due date is empty")
    local_now = now.astimezone(zone)
    clock, day_words = _split_time(cleaned)
    day = _fast_day(day_words, local_now.date()) if day_words else local_now.date()
    if day is None:
        if not slow:
            raise _unreadable(text)
        return _slow_parse(cleaned, text, local_now, zone)
    return _due(day, clock, text, local_now, zone)


def _split_time(text: str) -> tuple[time | None, str]:
    """Split a time of day ("5pm", "17:30", "noon"), trailing or leading, from the day."""
    match = _TIME.search(text)
    if match is None:
        match = _LEADING_TIME.match(text)
        if match is None:
            return None, text
        return _clock(match), text[match.end() :].strip()
    return _clock(match), text[: match.start()].strip()


def _clock(match: re.Match[str]) -> time:
    if match["word"]:
        clock = time(0, 0) if match["word"] == "midnight" else time(12, 0)
    elif match["h24"] is not None:
        hour, minute = int(match["h24"]), int(match["m24"])
        if hour > 23 or minute > 59:
            raise DueDateError(f"{match.group().strip()!r} is not a time of day", understood=True)
        clock = time(hour, minute)
    else:
        hour, minute = int(match["h"]), int(match["m"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise DueDateError(f"{match.group().strip()!r} is not a time of day", understood=True)
        clock = time(hour % 12 + (12 if match["ampm"] == "pm" else 0), minute)
    return clock


def _fast_day(words: str, today: date) -> date | None:
    """The day for the common forms, or ``None`` to let dateparser try."""
    if words in ("today", "tonight", "eod", "end of day", "end of today"):
        return today
    if words == "tomorrow":
        return today + timedelta(days=1)
    if words in ("end of month", "end of the month", "eom"):
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if words in ("end of week", "end of the week", "eow"):
        return _next_weekday(today, 4, allow_today=True)
    if words in ("next week",):
        return today + timedelta(days=7 - today.weekday())
    if words in WEEKDAYS:
        return _next_weekday(today, WEEKDAYS[words], allow_today=True)
    if words.startswith(("next ", "this ")) and words[5:] in WEEKDAYS:
        weekday = WEEKDAYS[words[5:]]
        if words.startswith("this "):
            return _next_weekday(today, weekday, allow_today=True)
        # "next Tuesday": the Tuesday of next week.
        return today + timedelta(days=7 - today.weekday() + weekday)
    if match := _IN.match(words):
        count = _NUMBERS.get(match["n"]) or int(match["n"])
        if match["unit"] == "day":
            return today + timedelta(days=count)
        if match["unit"] == "week":
            return today + timedelta(weeks=count)
        return _add_months(today, count)
    if match := _ISO.match(words):
        return _real_date(words, int(match["y"]), int(match["mo"]), int(match["d"]))
    match = _DAY_MONTH.match(words) or _MONTH_DAY.match(words)
    if match and match["mon"] in MONTHS:
        return _calendar_day(words, today, int(match["d"]), MONTHS[match["mon"]], match["y"])
    if match := _SLASHED.match(words):
        year = match["y"] and (int(match["y"]) + (2000 if len(match["y"]) == 2 else 0))
        return _calendar_day(words, today, int(match["d"]), int(match["mo"]), year)
    return None


def _calendar_day(words: str, today: date, day: int, month: int, year: str | int | None) -> date:
    """A day and month, in ``year`` or else on their next occurrence from today."""
    if year:
        return _real_date(words, int(year), month, day)
    candidate = _real_date(words, today.year, month, day, leap_ok=True)
    if candidate is None or candidate < today:
        return _real_date(words, today.year + 1, month, day)
    return candidate


def _real_date(words: str, year: int, month: int, day: int, leap_ok: bool = False) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        if leap_ok and (month, day) == (2, 29):
            return None  # type: ignore[return-value]  # next year's try decides
        raise DueDateError(f"{words!r} is not a real date", understood=True) from None


def _next_weekday(today: date, weekday: int, allow_today: bool) -> date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and not allow_today:
        ahead = 7
    return today + timedelta(days=ahead)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _slow_parse(cleaned: str, original: str, local_now: datetime, zone: ZoneInfo) -> Due:
    import dateparser  # imported on first use: most due dates never need it

    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
    }
    parsed = dateparser.parse(cleaned, languages=["en"], settings=settings)
    if parsed is None:
        raise _unreadable(original)
    has_time = _TIME.search(cleaned) is not None or _LEADING_TIME.match(cleaned) is not None
    return _due(parsed.date(), parsed.time() if has_time else None, original, local_now, zone)


def _unreadable(original: str) -> DueDateError:
    shown = " ".join(original.split())
    return DueDateError(f"I couldn't read {shown!r} as a date. Try: {_EXAMPLES}")


def _due(day: date, clock: time | None, original: str, local_now: datetime, zone: ZoneInfo) -> Due:
    """The due date for ``day`` (at ``clock``), if it is from now and within reach."""
    shown = " ".join(original.split())
    if day > horizon(local_now, zone):
        raise DueDateError(
            f"{shown!r} is more than {MAX_YEARS_AHEAD} years away; give a nearer date",
            understood=True,
        )
    if clock is None:
        due = Due(on=day)
    else:
        due = Due(at=datetime.combine(day, clock, tzinfo=zone).astimezone(UTC))
    if due.deadline(zone) <= local_now:
        raise DueDateError(f"{shown!r} is in the past; give a date from today on", understood=True)
    return due


def warm_up() -> None:
    """Load dateparser's language data now rather than on a user's first odd date (the
    second form loads what its first time of day would: 25 ms)."""
    for attempt in ("3rd of december", "and 5pm"):
        with contextlib.suppress(DueDateError):  # read or not, the data is loaded
            _slow_parse(attempt, attempt, datetime.now(UTC), ZoneInfo("UTC"))
