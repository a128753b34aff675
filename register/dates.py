"""Due dates in plain words, read in the chat's timezone.

The forms a UK partnership coordinator writes ("Weds", "Monday week", "COB Friday",
"the 15th", "31/12", "end of Q1", "within a fortnight", "Christmas", "mid-January",
"3pm") take a fast path of our own; anything else goes to dateparser. Where a phrase
can be read more than one way, the reading says how it was taken.
"""

from __future__ import annotations

import calendar
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from domain.due import Due

_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS = {name: index for index, name in enumerate(_DAY_NAMES)} | {
    name[:3]: index for index, name in enumerate(_DAY_NAMES)
}
WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})
_CLOCK = (
    r"(?:(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>am|pm)"
    r"|(?P<h24>\d{1,2}):(?P<m24>\d{2})|(?P<word>noon|midday|midnight))"
)
_TIME = re.compile(r"(?:^|\s+)(?:at\s+|@\s*)?" + _CLOCK + r"$")
# "at 5", "at 10": an hour with no am or pm, after a day ("tomorrow at 5"); 1 to 7 are
# read as afternoon hours (nobody's action is due at 5am), 8 to 12 as morning and noon,
# 13 to 23 as the 24-hour clock, and the reading says so.
_BARE_HOUR = re.compile(r"\s+at\s+(?P<h>\d{1,2})$")
_LEADING_TIME = re.compile(r"^(?:at\s+)?" + _CLOCK + r"(?:\s+|$)")
_WHOLE_TIME = re.compile(r"^(?:at\s+)?" + _CLOCK + r"$")
_NUMBER_WORDS = (
    "a couple of|a couple|couple of|couple|a|an|one|two|three|four|five|six|seven|eight|nine"
    "|ten|eleven|twelve"
)
_IN = re.compile(
    r"^(?P<in>(?:in|within)\s+(?:the\s+next\s+)?)?"
    rf"(?P<n>\d+|{_NUMBER_WORDS})\s+(?P<unit>day|week|wk|fortnight|month)s?"
    r"(?P<tail>\s+time|\s+from\s+(?:now|today))?$"
)
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})$")
# An ISO 8601 moment, as a calendar app copies it: "2027-01-31T10:00+05:00" (lower case
# once cleaned); with no offset it is in the chat's timezone.
_ISO_MOMENT = re.compile(
    r"^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}(?::?\d{2})?)?$"
)
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
_ORD = r"(?P<d>\d{1,2})(?P<suffix>st|nd|rd|th)"
_DAY_MONTH = re.compile(
    r"^(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>[a-z]+)(?:\s+(?P<y>\d{4}))?$"
)
_MONTH_DAY = re.compile(
    r"^(?P<mon>[a-z]+)\s+(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s+(?P<y>\d{4}))?$"
)
_ORDINAL = re.compile(
    r"^(?:the\s+)?" + _ORD + r"(?:\s+of\s+(?P<of>(?:the\s+)?(?:next|this)\s+month|the\s+month))?$"
)
_NUMERIC = re.compile(r"^(?P<a>\d{1,2})[/.](?P<b>\d{1,2})(?:[/.](?P<y>\d{2}|\d{4}))?$")
_WEEKDAY_AND_DATE = re.compile(r"^(?P<wd>[a-z]+)\s+(?P<rest>(?:the\s+)?\d.*)$")
_END_OF = re.compile(r"^(?:the\s+)?end\s+(?:of\s+)?(?:the\s+)?(?P<what>.+)$")
_MID = re.compile(r"^(?:the\s+)?(?:mid|middle\s+of)\s+(?:the\s+)?(?P<what>[a-z]+)$")
_START_OF = re.compile(r"^(?:the\s+)?(?:start|beginning)\s+of\s+(?:the\s+)?(?P<what>.+)$")
_QUARTER = re.compile(r"^(?:q|quarter\s+)(?P<q>[1-4])$")
# "Friday afternoon" is Friday: the day is what a due date holds.
_PART_OF_DAY = re.compile(r"(?:^|\s+)(?:morning|afternoon|evening)$")
# End of the working day: read as that day (an all-day due date ends with the day).
_WORKING_DAY_END = re.compile(
    r"(?:^|\s)(?:cob|eod|close\s+of\s+(?:play|business)|end\s+of\s+(?:play|business)"
    r"|end\s+of\s+(?:the\s+)?day)(?=\s|$)"
)
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "couple": 2, "couple of": 2, "a couple": 2, "a couple of": 2,
}  # fmt: skip
# Days of the month in words ("the fifteenth", "the twenty-first"), read as "the 15th".
_ORDINAL_WORDS = {
    word: index
    for index, word in enumerate(
        (
            "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
            "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
            "twentieth"
        ).split(),
        1,
    )
}
_ORDINAL_WORDS |= {f"twenty {word}": 20 + _ORDINAL_WORDS[word] for word in list(_ORDINAL_WORDS)[:9]}
_ORDINAL_WORDS |= {"thirtieth": 30, "thirty first": 31}
_SPELLED_DAY = re.compile(
    r"\bthe\s+(?P<word>"
    + "|".join(w.replace(" ", "[\\s-]") for w in sorted(_ORDINAL_WORDS, key=len, reverse=True))
    + r")\b"
)
# "in January", "during next month", "in the new year": some time in that period, so due
# by its end (the new year: its first day, as "by the new year").
_DURING = re.compile(
    r"^(?:in|during)\s+(?:the\s+month\s+of\s+)?(?:(?P<month>[a-z]+)|(?P<rel>this|next)\s+month"
    r"|(?P<holiday>(?:the\s+)?new\s+year))$"
)
# The markers after which "next month" is its first day ("by next month"); with none, or
# after "due" or "in", it is some time next month: due at its end.
_BY_MARKERS = frozenset(("by", "b4", "before", "until", "till", "for", "no later than"))
_HOLIDAYS = {
    "christmas": (12, 25), "xmas": (12, 25), "christmas day": (12, 25),
    "christmas eve": (12, 24), "boxing day": (12, 26), "new year": (1, 1),
    "the new year": (1, 1), "new year day": (1, 1), "new years day": (1, 1),
    "new year eve": (12, 31), "new years eve": (12, 31), "halloween": (10, 31),
}  # fmt: skip
# Holidays people round to: "by Christmas" may mean the last working day before it.
_ROUGH_HOLIDAYS = ("christmas", "xmas", "new year", "the new year", "easter")
# "w/c 7 Dec", "the week commencing 7th Dec", "w/b 7 Dec": due on that day.
_WEEK_OF = r"w/c|w/b|(?:the\s+)?week\s+(?:commencing|beginning|starting)"
_MARKER = re.compile(
    rf"^(?:by|b4|on|due|before|until|till|for|{_WEEK_OF}|no\s+later\s+than)(?:\s+|$)"
)
# Courtesy after a due date ("by Friday, please", "by Friday - thanks!") is no part of it.
# "asap" after a date is dropped too (the date says how soon); alone it names no day, so
# an action "Send the report asap" keeps it in its title, with no due date.
_COURTESY = re.compile(
    r"(?:[\s,;:!.\-\u2013\u2014]+(?:please|pls|plz|thanks|many\s+thanks|thank\s+you|thx|ta"
    r"|cheers|if\s+possible|asap)[.!]*)+$",
    re.IGNORECASE,
)
# "by Friday at the latest", "by Friday latest": Friday. Only in a due clause: a title
# may end "the latest".
_LATEST = re.compile(r"\s+(?:at\s+(?:the\s+)?(?:very\s+)?)?latest$")
# "early January", "late next month": no one day, so refused with the forms to use.
_EARLY_LATE = re.compile(r"^(?P<when>early|late)\s+(?P<what>[a-z]+|next\s+month|this\s+month)$")
# The words a typo in a due date is checked against, to say "did you mean Friday?".
_SPELLINGS = (*_DAY_NAMES, *_MONTH_NAMES, "tomorrow", "christmas", "fortnight")
# "first thing Monday" is Monday, as "Monday morning" is.
_FIRST_THING = re.compile(r"^first\s+thing(?:\s+on)?\s+")
# Words that name a day only each school (or area) knows.
_HALF_TERM = re.compile(r"\bhalf[\s-]?term\b")
# How far back a day and month with no year may be and still be this year's, refused as
# past ("25/11" on 26 November): further back, it is next year's, with a note.
_JUST_PASSED = timedelta(days=61)
# A named month read as next year's is said to be only when that is this far ahead.
_NAMED_MONTH_NOTED = 183
# A due date is a few words: longer text is refused before any parsing, so no message
# can make the parser (dateparser's above all) work for long.
# The words dateparser (English) can read: a phrase with any other word (and no digit in
# it) is one it would refuse, after a millisecond; it is refused without asking.
_DATEPARSER_WORDS = frozenset(WEEKDAYS) | frozenset(MONTHS) | frozenset(_NUMBERS) | frozenset((
    "today", "tomorrow", "yesterday", "tonight", "now", "noon", "midnight", "midday", "last",
    "next", "this", "ago", "in", "the", "of", "at", "on", "and", "day", "days", "week", "weeks",
    "month", "months", "year", "years", "hour", "hours", "minute", "minutes", "after", "from",
    "fortnight", "morning", "afternoon", "evening", "night", "am", "pm", "weekend",
))  # fmt: skip
_KNOWN_WORDS = _DATEPARSER_WORDS | frozenset(_SPELLINGS)
MAX_DUE_CHARS = 64
MAX_DUE_WORDS = 8
# Further ahead is a typo (or a prank) that would break date arithmetic near year 9999.
MAX_YEARS_AHEAD = 10
DATE_ORDERS = ("DMY", "MDY")


def examples(today: date) -> str:
    """Forms to try, with the dates in them after ``today`` (a fixed example date would
    one day be in the past)."""
    soon = today + timedelta(days=40)
    later = today + timedelta(days=75)
    return (
        f"Friday, next Tuesday, the 15th, {soon.day} {soon:%b}, in 2 weeks, end of month, "
        f"tomorrow 5pm or {later.isoformat()}"
    )


class DueDateError(ValueError):
    """A due date that cannot be read, or that is in the past; the message says which.

    ``understood`` is true when the words were read as a date that can't be used (in
    the past, or no such day), as opposed to words that are no date at all; ``past`` when
    they were read as a day gone by.
    """

    def __init__(self, message: str, understood: bool = False, past: bool = False) -> None:
        super().__init__(message)
        self.understood = understood
        self.past = past


def horizon(now: datetime, zone: ZoneInfo) -> date:
    """The last day a due date may fall on: ten years from today in ``zone``."""
    today = now.astimezone(zone).date()
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)


@dataclass(frozen=True)
class Reading:
    """A due date read from words, and ``note`` saying how when they could mean another day
    ("I read '05/12' as Sat 5 Dec")."""

    due: Due
    note: str | None = None


def parse_due(
    text: str, now: datetime, zone: ZoneInfo, *, slow: bool = True, order: str = "DMY"
) -> Due:
    """Read ``text`` as a due date after ``now`` in ``zone``; ``DueDateError`` if it can't."""
    return read_due(text, now, zone, slow=slow, order=order).due


def read_due(
    text: str,
    now: datetime,
    zone: ZoneInfo,
    *,
    slow: bool = True,
    order: str = "DMY",
    strict: bool = False,
) -> Reading:
    """Read ``text`` as a due date after ``now`` in ``zone`` (see :func:`_read_due`); a
    date read but unusable (past, no such day) is refused with examples to try, all of
    them in the future."""
    try:
        return _read_due(text, now, zone, slow=slow, order=order, strict=strict)
    except DueDateError as error:
        message, hint = str(error), examples(now.astimezone(zone).date())
        if not error.understood or hint in message:  # unread words, or examples given
            raise
        raise DueDateError(f"{message}. Try: {hint}", understood=True, past=error.past) from None


def _read_due(
    text: str,
    now: datetime,
    zone: ZoneInfo,
    *,
    slow: bool = True,
    order: str = "DMY",
    strict: bool = False,
) -> Reading:
    """Read ``text`` as a due date after ``now`` in ``zone``; ``DueDateError`` if it can't.

    With ``slow`` false only our own forms are read (dateparser is not tried); ``strict``
    also refuses the forms that are only dates after "by" (a bare month, "2 weeks", "the
    15th"), for words found at the end of a title with no "by" before them. ``order`` is
    how numeric dates are read: "DMY" (31/12) or "MDY" (12/31).
    """
    local_now = now.astimezone(zone)
    today = local_now.date()
    too_long = f"That due date is too long; say it in a few words: {examples(today)}"
    if len(text) > 4 * MAX_DUE_CHARS:  # before any regular expression sees it
        raise DueDateError(too_long)
    cleaned = _clean(text)
    if len(cleaned) > MAX_DUE_CHARS or cleaned.count(" ") >= MAX_DUE_WORDS:
        raise DueDateError(too_long)
    cleaned, markers = _strip_markers(cleaned)  # "due by Friday", "before Friday"
    before = "before" in markers
    if not cleaned:
        raise DueDateError("the due date is empty")
    if _HALF_TERM.search(cleaned):
        raise DueDateError(
            f"I can't read {_shown(text)!r}: half term depends on the school. Give the date: "
            f"{examples(today)}",
            understood=True,
        )
    if _ISO_MOMENT.match(cleaned):
        return _iso_moment(cleaned, text, local_now, zone)
    clock, day_words, guessed = _split_time(cleaned)
    # "by midnight": the end of that day, which is when a due day falls due anyway
    midnight = clock == time(0) and "midnight" in cleaned.split()
    if midnight:
        clock = None
    day_words = _PART_OF_DAY.sub("", _WORKING_DAY_END.sub("", day_words)).strip()
    day_words = _FIRST_THING.sub("", _MARKER.sub("", day_words, count=1))  # "3pm on Friday"
    if clock is None and re.fullmatch(r"[0-9]{1,2}", day_words) and 1 <= int(day_words) <= 31:
        raise _hour_or_day(text, int(day_words))
    if day_words == "this month" or (day_words == "next month" and _BY_MARKERS.isdisjoint(markers)):
        day_words = f"in {day_words}"  # some time in it: due at its end
    fast = _fast_day(day_words, today, order, strict) if day_words else ((today, False), _relative)
    if fast is None:
        if strict or not slow or not _dateparser_might_read(cleaned):
            raise _unreadable(text, today)
        return Reading(_slow_parse(cleaned, text, local_now, zone))
    (day, ambiguous), reader = fast
    # "before Friday": due the day before (Thursday); "before 3pm" is by 3pm, and "before
    # Christmas" or "before the end of May" keep the reading of the period or holiday.
    day_before = before and clock is None and not midnight and reader in _DAY_READERS
    due = _due(day - timedelta(days=day_before), clock, text, local_now, zone)
    if midnight:
        return Reading(due, f"I read {_shown(text)!r} as the end of {due.describe(zone, now)}")
    if day_before:
        return Reading(due, f"I read {_shown(text)!r} as {due.describe(zone, now)}, the day before")
    if reader is _during and (period := _DURING.match(day_words)) and not period["holiday"]:
        month = period["month"]
        what = (
            f"{period['rel']} month" if period["rel"] else _MONTH_NAMES[MONTHS[month] - 1].title()
        )
        described = f"{due.describe(zone, now)}, the end of {what}"
        return Reading(due, f"I read {_shown(text)!r} as {described}")
    if reader is _weekday and day == today:  # "on Thursday", said on a Thursday
        return Reading(due, f"I read {_shown(text)!r} as today, {due.describe(zone, now)}")
    note = f"I read {_shown(text)!r} as {due.describe(zone, now)}" if ambiguous or guessed else None
    return Reading(due, note)


def read_clock(text: str) -> time | None:
    """A time of day as people write it ("3pm", "9:30am", "17:30", "noon"), or ``None``
    when ``text`` is not one; ``DueDateError`` for one that can't be ("25:00", "13pm").
    Due dates and nudge schedules both read times with it."""
    match = _WHOLE_TIME.match(" ".join(text.lower().split()))
    return None if match is None else _clock(match)


def _clean(text: str) -> str:
    """No courtesy words after the date, lower case, single spaces, no commas, "mid-Jan"
    as "mid jan", "weeks' time" and "a week's time" as "weeks time" and "a week time",
    "Weds." as "weds"."""
    lowered = (
        drop_courtesy(text).lower().replace(",", " ").replace("\u2019", "'").replace("\u2018", "'")
    )
    lowered = re.sub(r"(?<=[a-z])\.(?=\s|$)", "", lowered)
    lowered = re.sub(r"\bmid-", "mid ", lowered)
    lowered = re.sub(r"'s(?=\s|$)|(?<=s)'(?=\s|$)", "", lowered)
    lowered = _LATEST.sub("", " ".join(lowered.split()))
    return _SPELLED_DAY.sub(lambda m: f"the {_ordinal_suffix(_spelled_day(m['word']))}", lowered)


def _spelled_day(words: str) -> int:
    """The day "fifteenth" or "twenty-first" names."""
    return _ORDINAL_WORDS[" ".join(words.replace("-", " ").split())]


def _ordinal_suffix(day: int) -> str:
    """15 as "15th", 1 as "1st", 22 as "22nd"."""
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def drop_courtesy(text: str) -> str:
    """``text`` without courtesy words after the date ("by Friday, please": "by Friday")."""
    return _COURTESY.sub("", text)


def _strip_markers(cleaned: str) -> tuple[str, list[str]]:
    """``cleaned`` without up to two leading markers ("due by"), and those markers."""
    markers = []
    for _ in range(2):
        match = _MARKER.match(cleaned)
        if match is None:
            break
        markers.append(" ".join(match.group().split()))
        cleaned = cleaned[match.end() :]
    return cleaned, markers


def _dateparser_might_read(words: str) -> bool:
    """Whether every word is one dateparser knows (or has a digit), and none is vague."""
    return all(
        word in _DATEPARSER_WORDS or any(ch.isdigit() for ch in word) for word in words.split()
    )


def _shown(text: str) -> str:
    return " ".join(text.split())


def _split_time(text: str) -> tuple[time | None, str, bool]:
    """Split a time of day ("5pm", "17:30", "noon"), trailing or leading, from the day;
    and whether the time was a guess (an hour with no am or pm: "Monday at 10")."""
    match = _TIME.search(text)
    if match is None:
        bare = _BARE_HOUR.search(text)
        if bare and 1 <= (hour := int(bare["h"])) <= 23:  # "Table 4 at 30": no time
            return time(hour + 12 if hour <= 7 else hour), text[: bare.start()].strip(), True
        match = _LEADING_TIME.match(text)
        if match is None:
            return None, text, False
        return _clock(match), text[match.end() :].strip(), False
    return _clock(match), text[: match.start()].strip(), False


def _clock(match: re.Match[str]) -> time:
    if match["word"]:
        clock = time(0, 0) if match["word"] == "midnight" else time(12, 0)
    elif match["h24"] is not None:
        hour, minute = int(match["h24"]), int(match["m24"])
        if hour > 23 or minute > 59:
            raise _not_a_time(match)
        clock = time(hour, minute)
    else:
        hour, minute = int(match["h"]), int(match["m"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise _not_a_time(match)
        clock = time(hour % 12 + (12 if match["ampm"] == "pm" else 0), minute)
    return clock


def _not_a_time(match: re.Match[str]) -> DueDateError:
    return DueDateError(
        f"{match.group().strip()!r} is not a time of day: try 9am, 5:30pm, noon or 17:30",
        understood=True,
    )


# A reader takes the day words, today and the numeric date order, and whether only the
# unmistakable forms count; it returns the day and whether the words were ambiguous, or
# None when they are not its form.
Found = tuple[date, bool]
Reader = Callable[[str, date, str, bool], Found | None]


def _fast_day(words: str, today: date, order: str, strict: bool) -> tuple[Found, Reader] | None:
    """The day for our own forms and the reader that found it, or ``None`` to let
    dateparser try."""
    for reader in _READERS:
        if (found := reader(words, today, order, strict)) is not None:
            return found, reader
    return None


_RELATIVE_DAYS = {
    "today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1,
    "the day after tomorrow": 2, "day after tomorrow": 2, "a week today": 7,
    "this time next week": 7, "a week tomorrow": 8, "a fortnight today": 14, "tomoz": 1,
    "2moro": 1, "2morrow": 1,
}  # fmt: skip
_END_ALIASES = {
    "eom": "month", "month end": "month", "eow": "week", "eoy": "year", "year end": "year",
    "eoq": "quarter", "quarter end": "quarter", "w/e": "week",
}  # fmt: skip


def _relative(words: str, today: date, order: str, strict: bool) -> Found | None:
    """today, tomorrow, next week, in 2 weeks, within a fortnight, 6 weeks' time, the weekend."""
    if words in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[words]), False
    if words in ("yesterday", "last week"):  # read, to be refused as past
        return today - timedelta(days=1 if words == "yesterday" else 7), False
    if words == "next week":  # its Monday: some mean its Friday, so the reply says which
        return today + timedelta(days=7 - today.weekday()), True
    if words in ("weekend", "the weekend", "this weekend"):  # before it: the Friday
        if today.weekday() >= 5:  # said at the weekend: this one, its Sunday
            return _next_weekday(today, 6, allow_today=True), True
        return _next_weekday(today, 4, allow_today=True), True
    if words in ("the week after next", "week after next"):  # its Monday, as "next week"
        return today + timedelta(days=14 - today.weekday()), True
    if words in ("next month",) and not strict:
        return _add_months(today.replace(day=1), 1), True
    if words in _END_ALIASES:
        return _end_of(_END_ALIASES[words], today)
    match = _IN.match(words)
    if match is None or (strict and not (match["in"] or match["tail"])):
        return None
    count = _NUMBERS.get(match["n"]) or int(match["n"])
    if count > 366 * MAX_YEARS_AHEAD:  # as many days as the horizon, of any unit, is past it
        raise DueDateError(
            f"{_shown(words)!r} is more than {MAX_YEARS_AHEAD} years away; give a nearer date",
            understood=True,
        )
    rough = "couple" in match["n"]  # "a couple of weeks": two, and the reply says so
    if match["unit"] == "day":
        return today + timedelta(days=count), rough
    if match["unit"] in ("week", "wk", "fortnight"):
        return today + timedelta(weeks=count * (2 if match["unit"] == "fortnight" else 1)), rough
    return _add_months(today, count), rough


def _weekday(words: str, today: date, order: str, strict: bool) -> Found | None:
    """Friday, this Friday, next Friday, Friday next week, Monday week, a week on Friday."""
    parts = words.split()
    day = parts[-1] if parts[-1] in WEEKDAYS else parts[0]
    if day not in WEEKDAYS:
        return None
    weekday = WEEKDAYS[day]
    following = today + timedelta(days=7 - today.weekday() + weekday)  # in next week
    rest = " ".join(parts[1:]) if parts[0] == day else " ".join(parts[:-1])
    if rest in ("", "this") or (parts[0] == day and rest == "this week"):
        return _next_weekday(today, weekday, allow_today=True), False
    if parts[0] == day and rest == "next week":
        return following, False
    if rest == "next":
        return following, True
    if rest == "last":
        return today - timedelta(
            days=(today.weekday() - weekday - 1) % 7 + 1
        ), False  # "next Friday" on a Wednesday: this week's or next?
    if rest in ("week", "a week", "a week on") and (rest == "week") == (parts[0] == day):
        return _next_weekday(today, weekday, allow_today=False) + timedelta(weeks=1), True
    return None


def _weekday_and_date(words: str, today: date, order: str, strict: bool) -> Found | None:
    """Fri 4th, Thu 3 Dec, Friday the 27th: the date, if it falls on that weekday."""
    match = _WEEKDAY_AND_DATE.match(words)
    if match is None or match["wd"] not in WEEKDAYS:
        return None
    found = _ordinal(match["rest"], today, order, False) or _day_and_month(
        match["rest"], today, order, False
    )
    if found is None:
        return None
    weekday = WEEKDAYS[match["wd"]]
    if found[0].weekday() != weekday:
        raise DueDateError(
            f"{found[0]:%-d %B %Y} is a {found[0]:%A}, not a {_DAY_NAMES[weekday].title()}",
            understood=True,
        )
    return found


def _ordinal(words: str, today: date, order: str, strict: bool) -> Found | None:
    """the 15th (the next 15th), the 1st of next month, 31st."""
    match = _ORDINAL.match(words)
    if match is None or (strict and not match["of"]):
        return None
    day = int(match["d"])
    if not 1 <= day <= 31:
        raise DueDateError(f"No month has a {match['d']}{match['suffix']}", understood=True)
    of = match["of"] or ""
    if "next" in of:
        first = _add_months(today.replace(day=1), 1)
        return _real_date(words, first.year, first.month, day), False
    if "this" in of:
        return _real_date(words, today.year, today.month, day), False
    year, month = today.year, today.month
    while True:  # a day 1-31 is in one of the next 2 months
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= today:
            return date(year, month, day), False
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _day_and_month(words: str, today: date, order: str, strict: bool) -> Found | None:
    """12th Jan, 12 January 2027, the 3rd of December, March 2nd."""
    match = _DAY_MONTH.match(words) or _MONTH_DAY.match(words)
    if match is None or match["mon"] not in MONTHS:
        return None
    day, noted = _this_or_next_year(
        words, today, int(match["d"]), MONTHS[match["mon"]], match["y"], False
    )
    # "5 Jan" in November is plainly next January's; "1 Sep" is said to be next year's
    return day, noted and (day - today).days > _NAMED_MONTH_NOTED


def _numeric(words: str, today: date, order: str, strict: bool) -> Found | None:
    """31/12, 05/12 (day first unless ``order`` is MDY), 24.12.2026, 2026-12-01."""
    if match := _ISO.match(words):
        return _real_date(words, int(match["y"]), int(match["mo"]), int(match["d"])), False
    match = _NUMERIC.match(words)
    if match is None:
        return None
    first, second = int(match["a"]), int(match["b"])
    day, month = (second, first) if order == "MDY" else (first, second)
    year = match["y"] and int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
    if strict and not year and "." in words:  # "section 3.2": a decimal number, no date
        return None
    if month > 12 and day <= 12:
        shape = "month/day" if order == "MDY" else "day/month"
        raise DueDateError(
            f"{_shown(words)!r} is not a real date (dates are read {shape})", understood=True
        )
    ambiguous = first <= 12 and second <= 12 and first != second
    return _this_or_next_year(words, today, day, month, year, ambiguous)


def _this_or_next_year(
    words: str, today: date, day: int, month: int, year: int | str | None, noted: bool
) -> Found:
    """A day and month, with a year or not: with none, this year's if it is still to come
    or has just passed (then refused as past: "25/11" or "24 Nov" on 26 November, trial
    10j: "24 Nov" became 24 Nov 2027 without a word), else next year's, with a note."""
    if not year and 1 <= month <= 12 and (month, day) < (today.month, today.day):
        with contextlib.suppress(ValueError):  # 29/2 in a year without one: as below
            this_year = date(today.year, month, day)
            if today - this_year <= _JUST_PASSED:
                return this_year, noted
        noted = True  # read as next year's: say so
    return _calendar_day(words, today, day, month, year), noted


def _end_of(what: str, today: date) -> Found | None:
    """The last day of: the month, next month, the week (its Friday), the year, a quarter,
    Q1-Q4 (calendar quarters), the financial year (31 March), January …"""
    this_month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    what = what.removeprefix("this ")
    if what == "month":
        return this_month_end, False
    if what == "next month":
        return _month_end(_add_months(today.replace(day=1), 1)), False
    if what in ("week", "the week"):
        return _next_weekday(today, 4, allow_today=True), today.weekday() >= 5
    if what == "next week":
        return today + timedelta(days=7 - today.weekday() + 4), False
    if what == "year":
        return date(today.year, 12, 31), False
    if what == "next year":
        return date(today.year + 1, 12, 31), False
    if what == "quarter":
        return _month_end(date(today.year, (today.month - 1) // 3 * 3 + 3, 1)), True
    if what in ("financial year", "fy", "the financial year"):
        return _next_month_end(3, today), True
    if match := _QUARTER.match(what):
        return _next_month_end(3 * int(match["q"]), today), True
    if what in MONTHS:
        return _next_month_end(MONTHS[what], today), False
    return None


def _periods(words: str, today: date, order: str, strict: bool) -> Found | None:
    """end of …, mid-January, mid-month, the start of next month, by January."""
    if match := _END_OF.match(words):
        return _end_of(match["what"], today)
    if match := _MID.match(words):
        what = match["what"]
        if what == "month":
            middle = today.replace(day=15)
            return (middle if middle >= today else _add_months(middle, 1)), True
        if what in MONTHS:
            return _next_month_end(MONTHS[what], today, day=15), True
        return None
    if match := _START_OF.match(words):
        what = match["what"].removeprefix("this ")
        if what in ("month", "next month"):
            return _add_months(today.replace(day=1), 1), False
        if what in ("year", "next year", "the year"):
            return date(today.year + 1, 1, 1), False
        if what in MONTHS:
            return _next_month_end(MONTHS[what], today, day=1), False
        return None
    if match := _EARLY_LATE.match(words):
        _vague_part_of_month(match, today)
    if _QUARTER.match(words) and not strict:  # "by Q2": the end of that quarter
        return _end_of(words, today)
    month = words.removeprefix("the ")
    if month in MONTHS and not strict:  # "by January": its first day
        return _next_month_end(MONTHS[month], today, day=1), True
    return None


def _vague_part_of_month(match: re.Match[str], today: date) -> None:
    """Refuse "early January" or "late next month", saying what to write instead: which
    day they mean is anyone's guess (the 1st? the 7th? the 10th?), so none is guessed."""
    what = match["what"].split()
    if what[-1] == "month":
        first = today.replace(day=1)
        month = (_add_months(first, 1) if what[0] == "next" else first).month
    elif what[0] in MONTHS:
        month = MONTHS[what[0]]
    else:
        return
    name = _MONTH_NAMES[month - 1].title()
    if match["when"] == "early":
        day = _next_month_end(month, today, day=7)
        instead = f"'by {day.day} {day:%b}' or 'by mid-{name}'"
    else:
        day = _next_month_end(month, today, day=24)
        instead = f"'by {day.day} {day:%b}' or 'by the end of {name}'"
    raise DueDateError(
        f"{match['when'].title()} {name} names no one day: say which, like {instead}",
        understood=True,
    )


def _during(words: str, today: date, order: str, strict: bool) -> Found | None:
    """in January, during next month, in this month (the end of it); in the new year."""
    match = _DURING.match(words)
    if match is None:
        return None
    if match["holiday"]:
        return _holiday("new year", today, order, strict)
    if match["rel"]:
        first = today.replace(day=1)
        return _month_end(_add_months(first, 1) if match["rel"] == "next" else first), True
    if match["month"] not in MONTHS:
        return None
    return _next_month_end(MONTHS[match["month"]], today), True


def _holiday(words: str, today: date, order: str, strict: bool) -> Found | None:
    """Christmas, Christmas Eve, Boxing Day, New Year('s Day/Eve), Easter: the next one."""
    if words in ("easter", "easter sunday"):
        from dateutil.easter import easter  # dateparser's dependency

        day = easter(today.year)
        return (day if day >= today else easter(today.year + 1)), True
    if words not in _HOLIDAYS:
        return None
    month, day_of_month = _HOLIDAYS[words]
    day = date(today.year, month, day_of_month)
    if day < today:
        day = day.replace(year=today.year + 1)
    return day, words in _ROUGH_HOLIDAYS


_READERS: tuple[Reader, ...] = (
    _relative,
    _weekday,
    _numeric,
    _ordinal,
    _day_and_month,
    _weekday_and_date,
    _periods,
    _during,
    _holiday,
)

# The readers of a named day ("Friday", "4/12", "the 15th", "3 Dec", "Thu 3 Dec"): the
# ones "before" moves a day earlier.
_DAY_READERS = frozenset((_weekday, _numeric, _ordinal, _day_and_month, _weekday_and_date))


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month_end(month: int, today: date, day: int | None = None) -> date:
    """The last day (or ``day``) of ``month``, this year if it is still to come, else next."""
    for year in (today.year, today.year + 1):
        candidate = _month_end(date(year, month, 1))
        if day is not None:
            candidate = candidate.replace(day=day)
        if candidate >= today:
            return candidate
    raise AssertionError("a month comes round within a year")


def _calendar_day(words: str, today: date, day: int, month: int, year: int | str | None) -> date:
    """A day and month, in ``year`` or else on their next occurrence from today (a 29
    February not in this year, still to come, is refused rather than moved to a leap year)."""
    if year:
        return _real_date(words, int(year), month, day)
    if not 1 <= month <= 12:
        raise DueDateError(f"{_shown(words)!r} is not a real date", understood=True)
    if (month, day) >= (today.month, today.day):
        return _real_date(words, today.year, month, day)
    return _real_date(words, today.year + 1, month, day)


def _real_date(words: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DueDateError(f"{_shown(words)!r} is not a real date", understood=True) from None


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
        raise _unreadable(original, local_now.date())
    has_time = _TIME.search(cleaned) is not None or _LEADING_TIME.match(cleaned) is not None
    return _due(parsed.date(), parsed.time() if has_time else None, original, local_now, zone)


def _iso_moment(cleaned: str, original: str, local_now: datetime, zone: ZoneInfo) -> Reading:
    """An ISO 8601 moment, its offset kept (in the chat's timezone when it has none)."""
    try:
        moment = datetime.fromisoformat(cleaned.upper())
    except ValueError:
        raise DueDateError(f"{_shown(original)!r} is not a real date", understood=True) from None
    offset_given = moment.tzinfo is not None
    moment = moment if offset_given else moment.replace(tzinfo=zone)
    local = moment.astimezone(zone)
    due = _due(local.date(), local.time().replace(tzinfo=None), original, local_now, zone)
    if not offset_given or moment.utcoffset() == local.utcoffset():
        return Reading(due)
    return Reading(due, f"I read {_shown(original)!r} as {due.describe(zone, local_now)}")


def _hour_or_day(original: str, number: int) -> DueDateError:
    """A bare "by 9" could be 9am or the 9th: ask which rather than guess (a guess of the 9th of
    this month was "in the past" at 02:42 on the 26th). Not ``understood``: "Book a table
    for 9" keeps its number in the title."""
    shown = _shown(drop_courtesy(original))
    lead = shown[: -len(str(number))] if shown.endswith(str(number)) else "by "
    day = _ordinal_suffix(number)
    hour = f"{number}am" if number <= 12 else f"{number}:00" if number <= 23 else None
    if hour is None:
        return DueDateError(f"{shown!r} could be the {day}: say '{lead}the {day}'")
    return DueDateError(
        f"{shown!r} could be {hour} or the {day}: say '{lead}{hour}' or '{lead}the {day}'"
    )


def _unreadable(original: str, today: date) -> DueDateError:
    meant = did_you_mean(original)
    question = f": did you mean {meant}?" if meant else "."
    return DueDateError(
        f"I couldn't read {_shown(original)!r} as a date{question} Try: {examples(today)}"
    )


def did_you_mean(text: str) -> str | None:
    """``text`` with its misspelt day, month or "tomorrow" put right ("next Thurzday":
    "next Thursday"), without the "by" before it; ``None`` when no word is a near miss.
    Only a suggestion: the words are refused, never read as the guess."""
    words = _shown(drop_courtesy(text)).split()
    while words and _MARKER.match(words[0].lower()):
        words = words[1:]
    corrected, changed = [], False
    for word in words:
        bare = word.lower().strip(".,;:!?")
        match = None
        if len(bare) >= 4 and bare.isalpha() and bare not in _KNOWN_WORDS:
            match = process.extractOne(bare, _SPELLINGS, scorer=fuzz.ratio, score_cutoff=80)
        if match is None:
            corrected.append(word)
            continue
        changed = True
        corrected.append(match[0] if match[0] in ("tomorrow", "fortnight") else match[0].title())
    return " ".join(corrected) if changed else None


def _due(day: date, clock: time | None, original: str, local_now: datetime, zone: ZoneInfo) -> Due:
    """The due date for ``day`` (at ``clock``), if it is from now and within reach."""
    shown = _shown(original)
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
        raise DueDateError(
            f"{shown!r} is in the past; give a date from today on", understood=True, past=True
        )
    return due


def warm_up() -> None:
    """Load dateparser's language data now rather than on a user's first odd date (the
    second form loads what its first time of day would: 25 ms)."""
    for attempt in ("3rd of december", "and 5pm"):
        with contextlib.suppress(DueDateError):  # read or not, the data is loaded
            _slow_parse(attempt, attempt, datetime.now(UTC), ZoneInfo("UTC"))
