"""Reading the register's commands: owners, titles, due dates, action numbers.

Parsers take the text after the command and the mentions in it (positions in that
text) and return a request, or raise :class:`UsageError` with a message for the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from domain.model import MAX_TITLE, OwnerRef, Status
from domain.recurrence import Recurrence, RecurrenceError
from register.dates import (
    MAX_DUE_WORDS,
    MONTHS,
    WEEKDAYS,
    DueDateError,
    did_you_mean,
    drop_courtesy,
    examples,
    parse_due,
    read_due,
)
from register.recurrence import split_recurrence
from register.supporting import (
    HANDLE,
    SupporterError,
    SupporterRef,
    find_supporters,
    parse_supporters,
)
from register.text import clean_text
from register.usage import usage_text

STRONG_MARKERS = ("by", "due", "b4")
WEAK_MARKERS = ("on", "before", "until", "till", "in", "within", "for", "w/c", "w/b")
# "week commencing 7 Dec": a marker of two words, taken from its "week" (and a "the").
_WEEK_OF = ("commencing", "beginning", "starting")
# Punctuation around a due clause: "(by Friday)", "by Friday!", "Bid, … by Friday".
_CLOSING = re.compile(r"[.!?)\]]+$")
_TITLE_TAIL = " ,;:-–—(["
_DATE_WORDS = (
    "today", "tomorrow", "tonight", "yesterday", "next", "week", "month", "end",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "fortnight", "christmas", "xmas",
    "easter", "quarter", "weekend", "year", "tues", "weds", "thurs", "cob", "eod", "mid",
)  # fmt: skip
# The last word of a title that may end a due date written with no "by" before it; the
# words from a day name to the end are tried only when the last word is one of these.
_TAIL_WORDS = frozenset(WEEKDAYS) | frozenset(MONTHS) | frozenset((
    "today", "tonight", "tomorrow", "tmrw", "tmr", "tomoz", "cob", "eod", "eow", "eom", "eoy",
    "play", "business", "day", "week", "weeks", "wks", "month", "months", "year", "time",
    "now", "fortnight", "quarter", "q1", "q2", "q3", "q4", "christmas", "xmas", "eve",
    "easter", "halloween", "noon", "midday", "midnight", "weekend", "end", "morning",
    "afternoon", "evening", "latest",
))  # fmt: skip
# Words that, at the end of a title, are a date that can't be read unless something
# else says otherwise: day names, today/tomorrow, holidays, numbers shaped like dates.
_DATE_ENDINGS = frozenset(WEEKDAYS) | frozenset((
    "today", "tonight", "tomorrow", "tmrw", "tomoz", "cob", "eod", "fortnight", "christmas", "xmas",
))  # fmt: skip
_DATE_SHAPE = re.compile(  # "3.2" with no year is a number ("section 3.2"), not a date
    r"^(?:\d{1,2}(?:st|nd|rd|th)|\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{1,2}\.\d{1,2}\.\d{2,4}"
    r"|\d{4}-\d{1,2}-\d{1,2})$"
)
# A numeric pair after these counts things ("Check items 1/2", "Read pages 3/4"): with no
# "by" or "due" before it, it is part of the title, not a date.
_COUNTING_NOUNS = frozenset((
    "item", "items", "point", "points", "page", "pages", "pp", "question", "questions",
    "slide", "slides", "step", "steps", "section", "sections", "part", "parts", "chapter",
    "chapters", "option", "options", "action", "actions", "task", "tasks", "paragraph",
    "paragraphs", "para", "paras", "line", "lines", "row", "rows", "recommendation",
    "recommendations", "table", "tables", "figure", "figures", "phase", "phases",
    "stage", "stages", "module", "modules",
))  # fmt: skip
# Words a time of day may follow before "on <day>" ("for 2pm on the 4th", "at noon on Friday").
_BEFORE_A_TIME = frozenset(("for", "at", "noon", "midday"))
_PAIR = re.compile(r"^\d{1,2}[/.]\d{1,2}$")
# A date after these is what the action is about, not when it is due ("the minutes
# from Tuesday", "notes on last week").
_PAST_WORDS = frozenset(("last", "yesterday", "ago"))
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NOT_DUE_AFTER = frozenset(("from", "since", "of", "about", "after", "last", "re", "to"))
STATUS_WORDS = {
    "on track": Status.ON_TRACK,
    "on-track": Status.ON_TRACK,
    "at risk": Status.AT_RISK,
    "at-risk": Status.AT_RISK,
    "blocked": Status.BLOCKED,
}
# Room for an owner and a due date around a title of MAX_TITLE characters: anything
# longer is refused before any parsing.
MAX_ASSIGN_CHARS = MAX_TITLE + 200
# How many candidate due clauses may go to dateparser (the slow reader) per title.
_SLOW_ATTEMPTS = 2
# The most words a due date written with no "by" takes ("the 1st of next month").
_LONGEST_FORM = 5
_NUMBER = re.compile(r"^#?(\d{1,9})$")
_ANY_HANDLE = re.compile(r"^@\w+$")
MIN_USERNAME, MAX_USERNAME = 5, 32  # Telegram's bounds for a username
NO_TITLE = "Say what the action is."
PICK_FROM_MENU = "Check the name, or link the person by picking them from the @ menu."
_MORE_NUMBERS = re.compile(r"^[,\s]*#?(\d{1,9})(?=[,\s]|$)")
_HANDLE = HANDLE


# "@carol to draft the newsletter", as minutes put it: the action is "draft the newsletter".
_ACTION_TO = re.compile(r"^to\s+(?=\S+\s+\S)", re.IGNORECASE)
# "/assign @bobby_p @carol …", "/assign me and @bobby_p …": a second owner where the action starts.
_SECOND_OWNER = re.compile(r"^(?:(?:and|&)\s*)?@[A-Za-z0-9_]", re.IGNORECASE)


class UsageError(ValueError):
    """Input that can't be used as given; the message tells the person what to send."""


@dataclass(frozen=True)
class Mention:
    """A mention inside the command's text: ``@name`` or a name linked to a user."""

    start: int
    end: int
    user_id: int | None = None
    username: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class AssignRequest:
    """A parsed ``/assign``."""

    owner: OwnerRef
    title: str
    due_text: str | None
    supporters: tuple[SupporterRef, ...] = ()
    recurrence: Recurrence | None = None
    # With supporters that name no person ("meet with the council"): what to record
    # instead if they are not this chat's partners. None: the supporters must stand.
    plain: AssignRequest | None = None


@dataclass(frozen=True)
class NumberedRequest:
    """A command about action ``#number`` with the rest of its text (which starts at
    ``rest_offset`` in the command's text)."""

    number: int
    rest: str
    rest_offset: int = 0


def usage(command: str, problem: str | None = None) -> UsageError:
    """A ``UsageError`` that says what was wrong, then how to use the command."""
    text = usage_text(command)
    return UsageError(f"{problem}\n{text}" if problem else text)


def parse_owner(text: str, mentions: list[Mention], command: str) -> tuple[OwnerRef, str]:
    """The owner named first in ``text`` (``me``, a mention or an @name) and the rest."""
    stripped = text.lstrip()
    offset = len(text) - len(stripped)
    if not stripped:
        raise usage(command, "Say who owns it.")
    first, rest = [*stripped.split(maxsplit=1), ""][:2]  # a tab is a gap too
    if first.lower() == "me":
        return OwnerRef(is_me=True), rest.strip()
    mention = next((m for m in mentions if m.start == offset), None)
    if mention is not None:
        remainder = text[mention.end :].strip()
        if mention.user_id is not None:
            return OwnerRef(user_id=mention.user_id, name=mention.name), remainder
        handle = (mention.username or text[mention.start + 1 : mention.end]).lower()
        return OwnerRef(handle=handle), remainder
    if match := _HANDLE.match(first):
        return OwnerRef(handle=match.group(1).lower()), rest.strip()
    if _ANY_HANDLE.match(first):
        raise UsageError(f"{not_a_username(first[1:])} {PICK_FROM_MENU}")
    raise usage(command, f"{first!r} is not a person: start with @name or me.")


def not_a_username(handle: str) -> str:
    """Why ``@handle`` names nobody: Telegram's rule for usernames."""
    return (
        f"@{handle} can't be a Telegram username: they have {MIN_USERNAME} to "
        f"{MAX_USERNAME} letters, digits or underscores."
    )


def parse_assign(
    text: str,
    mentions: list[Mention],
    replied_text: str | None,
    now: datetime,
    zone: ZoneInfo,
    order: str = "DMY",
) -> AssignRequest:
    """``/assign @user <what> [by <when>]``, or as a reply ``/assign @user [by <when>]``."""
    length = len(" ".join(text.split()))
    if length > MAX_ASSIGN_CHARS:
        raise UsageError(
            f"That /assign is {length} characters long; keep the action to {MAX_TITLE} "
            "characters and put the detail in an /update note."
        )
    owner, rest = parse_owner(text, mentions, "assign")
    rest = _ACTION_TO.sub("", rest)  # minutes say "@carol to draft the newsletter"
    if _SECOND_OWNER.match(rest):
        raise usage(
            "assign",
            "One owner per action: the first name owns it. Name the others as supporters "
            "(… with @name), or record an action for each.",
        )
    linked = {  # people picked from the mention menu, by where they are in ``rest``
        m.start - (len(text.rstrip()) - len(rest)): OwnerRef(user_id=m.user_id, name=m.name)
        for m in mentions
        if m.user_id is not None
    }
    try:
        clause = find_supporters(rest, linked)
    except SupporterError as error:
        raise usage("assign", str(error)) from None
    if clause is None:
        return _request(owner, rest, replied_text, now, zone, order)
    if clause.names_people:
        request = _request(owner, clause.rest, replied_text, now, zone, order)
        return replace(request, supporters=clause.supporters)
    # "Meet with the council": supporters if the council is a partner here, else a title
    try:
        request = _request(owner, clause.rest, replied_text, now, zone, order)
    except UsageError:
        return _request(owner, rest, replied_text, now, zone, order)
    try:
        plain: AssignRequest | None = _request(owner, rest, replied_text, now, zone, order)
    except UsageError:
        plain = None
    return replace(request, supporters=clause.supporters, plain=plain)


def _request(
    owner: OwnerRef,
    rest: str,
    replied_text: str | None,
    now: datetime,
    zone: ZoneInfo,
    order: str = "DMY",
) -> AssignRequest:
    """The title, due date and recurrence in ``rest`` (the title: the replied message)."""
    try:
        rest, recurrence = split_recurrence(rest)
    except RecurrenceError as error:
        raise usage("assign", str(error)) from None
    if replied_text and rest:
        if _whole_due(rest, now, zone, order):
            return AssignRequest(owner, check_title(replied_text), rest, recurrence=recurrence)
    elif replied_text:
        return AssignRequest(owner, check_title(replied_text), None, recurrence=recurrence)
    if not rest:
        raise usage("assign", NO_TITLE)
    title, due_text = split_due(rest, now, zone, order)
    return AssignRequest(owner, check_title(title), due_text, recurrence=recurrence)


def check_title(title: str, command: str = "assign") -> str:
    """A title that is neither empty nor longer than ``MAX_TITLE`` characters, without
    characters that could disguise it (:func:`register.text.clean_text`)."""
    cleaned = clean_text(title)
    for opening, closing in ('""', "''", "“”"):
        if len(cleaned) > 1 and cleaned[0] == opening and cleaned[-1] == closing:
            cleaned = cleaned[1:-1].strip()
    if not cleaned:
        raise usage(command, NO_TITLE)
    if len(cleaned) > MAX_TITLE:
        raise UsageError(
            f"That action is {len(cleaned)} characters long; keep it to {MAX_TITLE} "
            "and put the detail in an /update note."
        )
    return cleaned


def _whole_due(text: str, now: datetime, zone: ZoneInfo, order: str) -> bool:
    try:
        parse_due(text, now, zone, order=order)
    except DueDateError as error:
        if text.split()[0].lower() in STRONG_MARKERS:
            raise UsageError(str(error)) from None
        return False
    return True


def split_due(
    text: str, now: datetime, zone: ZoneInfo, order: str = "DMY"
) -> tuple[str, str | None]:
    """Split a trailing due clause ("by Friday", "in 2 weeks", "31/12", "next Tues") off a
    title.

    Never silent: when the end of the text looks like a date (a clause after "by" or
    "due", a day name, a number shaped like a date) and can't be read, it is an error and
    nothing is recorded; words that only might be dates ("to May", "from Tuesday") stay
    in the title. Only the last few words are looked at, and only the two shortest
    clauses after a marker may go to dateparser: the work is bounded whatever the text.
    """
    words = _CLOSING.sub("", drop_courtesy(text.rstrip())).split()
    first = max(0, len(words) - MAX_DUE_WORDS)
    slow_attempts = 0

    def attempt(clause: str, strict: bool = False) -> None:
        nonlocal slow_attempts
        slow = not strict and slow_attempts < _SLOW_ATTEMPTS
        slow_attempts += slow
        read_due(clause, now, zone, slow=slow, order=order, strict=strict)

    for index in range(len(words) - 1, first - 1, -1):
        marker = words[index].lower().lstrip("([")
        if marker == "week" and index + 1 < len(words) and words[index + 1].lower() in _WEEK_OF:
            if index > 0 and words[index - 1].lower() == "the":
                index -= 1
        elif marker not in STRONG_MARKERS + WEAK_MARKERS:
            continue
        clause = " ".join(words[index:]).lstrip("([")
        try:
            attempt(clause)
        except DueDateError as error:
            strong = marker in STRONG_MARKERS
            meant_a_date = strong and _looks_like_a_date(words[index + 1 :])
            if (error.understood and (strong or not error.past)) or meant_a_date:
                raise UsageError(str(error)) from None
            continue
        if marker not in STRONG_MARKERS:  # "by 3pm on Friday": the whole of it
            index, clause = _from_strong_marker(words, index, clause, now, zone, order)
        return _title(words[:index]), clause
    if len(words) < 2 or _counted(words):
        return text, None
    _refuse_a_start(words, now, zone, order)
    could_end_a_date = _bare(words[-1]) in _TAIL_WORDS or _has_digit(words[-1])
    for size in range(min(_LONGEST_FORM, len(words) - 1) if could_end_a_date else 0, 0, -1):
        if _bare(words[-size - 1]) in _NOT_DUE_AFTER:
            continue
        clause = " ".join(words[-size:])
        try:
            attempt(clause, strict=True)
        except DueDateError as error:
            # "notes on last week": a day gone by that the action is about
            about_the_past = error.past and not _PAST_WORDS.isdisjoint(clause.lower().split())
            if error.understood and not about_the_past:
                raise UsageError(str(error)) from None
            continue
        return _title(words[:-size]), clause
    _refuse_a_date_ending(words, now.astimezone(zone).date())
    return text, None


def _refuse_a_start(words: list[str], now: datetime, zone: ZoneInfo, order: str) -> None:
    """Refuse a title that ends "after <a date>" ("Review the budget after Christmas"):
    that says when to start, and a due date read from it would be wrong while a title
    keeping it would hide a date. "… after Christmas by 8 Jan" records it with its due date."""
    for size in range(1, min(_LONGEST_FORM, len(words) - 1) + 1):
        if _bare(words[-size - 1]) != "after":
            continue
        clause = " ".join(words[-size:])
        try:
            start = read_due(clause, now, zone, slow=False, order=order).due.day_in(zone)
        except DueDateError as error:
            if not error.understood or error.past:  # "… after last week": what it is about
                continue
            raise UsageError(str(error)) from None  # "after 31/02": no such day
        later = start + timedelta(days=14)
        after = " ".join(words[-size - 1 :])
        raise UsageError(
            f"{after!r} says when to start, not when it is due: add by when, like "
            f"'… {after} by {later.day} {later:%b}'."
        )


def _from_strong_marker(
    words: list[str], index: int, clause: str, now: datetime, zone: ZoneInfo, order: str
) -> tuple[int, str]:
    """A clause read from a weak marker, taken from a "by" one or two words before it when
    the longer clause reads too ("by 3pm on Friday" rather than "on Friday", "by the week
    commencing 7 Dec"), or from a time of day just before it ("for 2pm on the 4th", "at
    2 pm on the 4th"): the furthest such start that reads."""
    for start in range(max(0, index - 3), index):
        first = words[start].lower().lstrip("([")
        strong = first in STRONG_MARKERS
        if not strong and first not in _BEFORE_A_TIME and not _has_digit(first):
            continue
        longer = " ".join(words[start:]).lstrip("([")
        try:
            reading = read_due(longer, now, zone, slow=False, order=order)
        except DueDateError:
            continue
        if (strong and start >= index - 2) or reading.due.at is not None:
            return start, longer
    return index, clause


def _title(words: list[str]) -> str:
    """The words before a due clause, without the punctuation that led to it."""
    return " ".join(words).rstrip(_TITLE_TAIL)


def _bare(word: str) -> str:
    return word.lower().strip(".,;:!?'\u2019()").rsplit("-", 1)[-1]


def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def _counted(words: list[str]) -> bool:
    """Whether the title ends in a count, not a date: a bare numeric pair after a counting
    noun ("items 1/2"). A pair after any other word is still a date ("report 31/12")."""
    return bool(_PAIR.match(_bare(words[-1]))) and _bare(words[-2]) in _COUNTING_NOUNS


def _refuse_a_date_ending(words: list[str], today: date) -> None:
    """Refuse a title that ends in what looks like a date nobody could read ("next
    Thursdy", "31/13"), unless a word before it says it is what the action is about."""
    last = _bare(words[-1])
    if _bare(words[-2]) in _NOT_DUE_AFTER:
        return
    looks = (
        last in _DATE_ENDINGS
        or bool(_DATE_SHAPE.match(last))
        or (
            len(last) >= 5
            and process.extractOne(last, _DAY_NAMES, scorer=fuzz.ratio, score_cutoff=80) is not None
        )
    )
    if looks:
        shown = " ".join(words[-2:] if _bare(words[-2]) in ("next", "this", "the") else words[-1:])
        meant = did_you_mean(shown)
        question = f": did you mean {meant}?" if meant else "."
        raise UsageError(f"I couldn't read {shown!r} as a date{question} Try: {examples(today)}")


def _looks_like_a_date(words: list[str]) -> bool:
    """Whether words after "by" were probably meant as a date (digits, day or month names)."""
    if not words or len(words) > 5:
        return False
    for word in words:
        lowered = word.lower().strip(".,")
        if any(ch.isdigit() for ch in lowered):
            return True
        if process.extractOne(lowered, _DATE_WORDS, scorer=fuzz.ratio, score_cutoff=75):
            return True
    return False


def parse_numbered(text: str, command: str, rest_required: bool = False) -> NumberedRequest:
    """``<#> [rest]``: the action number and what follows it."""
    stripped = text.lstrip()
    first, separator, rest = stripped.partition(" ")
    match = _NUMBER.match(first)
    if match is None:
        problem = "Which action? Give its number, like 3 or #3." if first else None
        raise usage(command, problem)
    if rest_required and not rest.strip():
        raise usage(command, "Add a note saying what changed.")
    offset = len(text) - len(stripped) + len(first) + len(separator)
    offset += len(rest) - len(rest.lstrip())
    return NumberedRequest(int(match.group(1)), rest.strip(), offset)


def parse_numbers(text: str, command: str, most: int) -> tuple[list[int], str]:
    """``1 2, #3 [note]``: the run of action numbers at the start (each once, at most
    ``most``) and the note after them. Only the start counts: "3 sent 2 copies" is #3."""
    request = parse_numbered(text, command)
    numbers, rest = [request.number], request.rest
    while match := _MORE_NUMBERS.match(rest):
        numbers.append(int(match.group(1)))
        rest = rest[match.end() :]
    rest = rest.lstrip(", ").strip()
    numbers = list(dict.fromkeys(numbers))
    if len(numbers) > most:
        raise UsageError(f"That is {len(numbers)} actions; close at most {most} at once.")
    return numbers, rest


def parse_reassign(text: str, mentions: list[Mention]) -> tuple[int, OwnerRef]:
    """``<#> @user``: the action number and its new owner."""
    request = parse_numbered(text, "reassign")
    if not request.rest:
        raise usage("reassign", "Say who should own it.")
    owner, _ = parse_owner(request.rest, _after(mentions, request.rest_offset), "reassign")
    return request.number, owner


def parse_supporters_command(
    text: str, mentions: list[Mention]
) -> tuple[int, tuple[SupporterRef, ...]]:
    """``<#> @alexis and HSCB`` or ``<#> none``: the action and its supporters from now."""
    request = parse_numbered(text, "supporters")
    if not request.rest:
        raise usage("supporters", "Name who supports it, or none.")
    if request.rest.lower() == "none":
        return request.number, ()
    linked = {
        m.start: OwnerRef(user_id=m.user_id, name=m.name)
        for m in _after(mentions, request.rest_offset)
        if m.user_id is not None
    }
    try:
        refs = parse_supporters(request.rest, linked)
    except SupporterError as error:
        raise usage("supporters", str(error)) from None
    if not refs:
        raise usage("supporters", "Name who supports it, or none.")
    return request.number, refs


def parse_coordinator(text: str, mentions: list[Mention]) -> tuple[str, OwnerRef]:
    """``add @user`` or ``remove @user``."""
    verb, separator, rest = text.partition(" ")
    if verb.lower() not in ("add", "remove") or not rest.strip():
        raise usage("coordinator")
    offset = len(verb) + len(separator) + len(rest) - len(rest.lstrip())
    owner, _ = parse_owner(rest.lstrip(), _after(mentions, offset), "assign")
    return verb.lower(), owner


def _after(mentions: list[Mention], offset: int) -> list[Mention]:
    """Mentions from ``offset`` on, positioned in the text that starts there."""
    return [
        Mention(m.start - offset, m.end - offset, m.user_id, m.username, m.name)
        for m in mentions
        if m.start >= offset
    ]


# "not on track", "no longer blocked", "isn't at risk": the words deny the status.
_DENIED = re.compile(r"\b(?:not|no longer|isn't|isnt|is not|never|no)\s+$", re.IGNORECASE)


def status_in(note: str) -> Status | None:
    """The status a note sets: "on track", "at risk" or "blocked", the first one named
    and not denied ("not on track" sets nothing; "not at risk any more, on track" sets
    on track)."""
    found = [
        (match.start(), status)
        for word, status in STATUS_WORDS.items()
        for match in re.finditer(rf"\b{word}\b", note, re.IGNORECASE)
        if not _DENIED.search(note[max(0, match.start() - 12) : match.start()])
    ]
    return min(found)[1] if found else None
