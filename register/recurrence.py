"""Recurring actions: "every Friday", "every month by the 5th", "every 2 weeks".

A rule is data (unit, interval and an optional anchor day), stored as JSON with the
action, so the next occurrence is worked out from the rule, never by reading the words
again. The arithmetic is dateutil's: ``rrule`` for anchored rules, ``relativedelta``
for plain intervals (a month after 31 January is 28 or 29 February).
"""

from __future__ import annotations

import re

from domain.recurrence import Recurrence, RecurrenceError
from register.dates import WEEKDAYS

# The longest interval of each unit: the next occurrence stays well inside the ten years
# a due date may lie ahead.
_UNITS = {
    "day": ("day", 1), "week": ("week", 1), "fortnight": ("week", 2),
    "month": ("month", 1), "quarter": ("month", 3), "year": ("year", 1),
}  # fmt: skip
_ADVERBS = {
    "daily": ("day", 1), "weekly": ("week", 1), "fortnightly": ("week", 2),
    "monthly": ("month", 1), "quarterly": ("month", 3), "yearly": ("year", 1),
    "annually": ("year", 1),
}  # fmt: skip
_DUE_MARKERS = ("by", "due", "on", "before", "until", "till", "in", "from")
MAX_RULE_WORDS = 8  # "every 2 weeks on the last day of the month" and shorter
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "other": 2}
_START = re.compile(r"(?:^|\s)(every|each|" + "|".join(_ADVERBS) + r")\b", re.IGNORECASE)
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_MONTHDAY = r"(?:the\s+)?(?P<md>\d{1,2})(?:st|nd|rd|th)?|(?:the\s+)?(?P<last>last\s+day|end)"
_ANCHOR = rf"(?:\s+(?:on|by|due)(?:\s+the)?)?\s+(?:(?P<wd>{_WEEKDAY})s?|{_MONTHDAY})"
_EVERY = re.compile(
    rf"^(?:every|each)\s+(?:(?P<n>\d{{1,3}}|{'|'.join(_NUMBERS)})\s+)?"
    rf"(?:(?P<unit>{'|'.join(_UNITS)})s?(?:{_ANCHOR}(?:\s+of\s+the\s+month)?)?"
    rf"|(?P<day>{_WEEKDAY})s?|(?:the\s+)?(?P<nth>\d{{1,2}})(?:st|nd|rd|th))$",
    re.IGNORECASE,
)
# Rules the model can't hold (one weekday per rule), refused rather than half read.
_END_OF_RULE = r"(?=[\s.,;]*$|\s+(?:by|due|on|before|until|till|from)\b)"
_SEVERAL_DAYS = re.compile(
    rf"\b(?:every|each)\s+(?:{_WEEKDAY})s?(?:\s*(?:,|and|&)\s*(?:{_WEEKDAY})s?)+{_END_OF_RULE}",
    re.IGNORECASE,
)
_WORKING_DAYS = re.compile(
    rf"\b(?:every|each)\s+(?:week|working\s+|work\s+)days?{_END_OF_RULE}", re.IGNORECASE
)
_ADVERB = re.compile(
    rf"^(?P<adverb>{'|'.join(_ADVERBS)})(?:{_ANCHOR}(?:\s+of\s+the\s+month)?)?$", re.IGNORECASE
)


def split_recurrence(text: str) -> tuple[str, Recurrence | None]:
    """Split a trailing "every …" clause off ``text``: the rest, and the rule (or None).

    A rule ends the text, or comes just before its due clause, which stays ("every
    Friday by 5pm": "by 5pm"); "weekly", "monthly" … only after a title ("Weekly
    report" is a title). Words that start like
    a rule but aren't one ("check every box") stay in the text, unless they clearly
    meant one ("every 0 weeks"): then a ``RecurrenceError``.
    """
    if _SEVERAL_DAYS.search(text):
        raise RecurrenceError(
            "I can repeat an action on one day of the week: record one action for each day "
            "(… every Monday, … every Thursday)."
        )
    if _WORKING_DAYS.search(text):
        raise RecurrenceError(
            "I can't repeat an action on weekdays only: say every day, or record one action "
            "for each day (… every Monday, … every Tuesday)."
        )
    for match in reversed(list(_START.finditer(text))):
        words = text[match.start(1) :].split()
        adverb = match[1].lower() in _ADVERBS  # "Weekly report": no rule, a title
        for size in range(min(len(words), MAX_RULE_WORDS), 0, -1):
            rule = read_rule(" ".join(words[:size]).rstrip(".,;"))
            if rule is None:
                continue
            if not _due_follows(words[size:]) or (adverb and match.start() == 0):
                break  # "visit every day centre": words, not a rule
            # what follows the rule ("by 5pm") stays, for the due date
            return " ".join([text[: match.start()].strip(), *words[size:]]).strip(), rule
    return text, None


def _due_follows(words: list[str]) -> bool:
    """Whether ``words`` are nothing, or a due clause ("by Friday")."""
    return not words or words[0].lower() in _DUE_MARKERS


def read_rule(clause: str) -> Recurrence | None:
    """``every month by the 5th`` as a rule; ``None`` if the words are no rule at all."""
    words = " ".join(clause.split()).lower()
    if match := _ADVERB.match(words):
        unit, interval = _ADVERBS[match["adverb"]]
        return _rule(unit, interval, match)
    match = _EVERY.match(words)
    if match is None:
        return None
    count = match["n"]
    interval = 1 if count is None else _NUMBERS.get(count) or int(count)
    if match["day"]:
        return Recurrence("week", interval, weekday=WEEKDAYS[match["day"]])
    if match["nth"]:  # "every 31st": monthly, on the last day of shorter months
        return Recurrence("month", interval, monthday=int(match["nth"]))
    unit, per = _UNITS[match["unit"]]
    return _rule(unit, interval * per, match)


def _rule(unit: str, interval: int, match: re.Match[str]) -> Recurrence:
    if match["wd"]:
        return Recurrence(unit, interval, weekday=WEEKDAYS[match["wd"]])
    if match["last"]:
        return Recurrence(unit, interval, monthday=-1)
    if match["md"]:
        return Recurrence(unit, interval, monthday=int(match["md"]))
    return Recurrence(unit, interval)
