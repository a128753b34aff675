"""Reading the register's commands: owners, titles, due dates, action numbers.

Parsers take the text after the command and the mentions in it (positions in that
text) and return a request, or raise :class:`UsageError` with a message for the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from register.dates import MAX_DUE_WORDS, DueDateError, parse_due
from register.model import MAX_TITLE, OwnerRef, Status
from register.recurrence import Recurrence, RecurrenceError, split_recurrence
from register.supporting import (
    HANDLE,
    SupporterError,
    SupporterRef,
    find_supporters,
    parse_supporters,
)

USAGE = {
    "assign": (
        "/assign @name <what> [by <when>]  e.g. /assign @sam Draft the funding bid by Friday\n"
        "/assign me <what>  for yourself; as a reply to a message: /assign @sam [by <when>]\n"
        "… with @alex and HSCB (supporters), … every Friday / every month by the 5th (repeats)\n"
        "Several at once: /assign, then one action a line (or /assign replying to the minutes)"
    ),
    "done": "/done <#> [note]  e.g. /done 3 sent to the board",
    "update": "/update <#> <note>  e.g. /update 3 at risk: waiting for the figures",
    "reassign": "/reassign <#> @name  e.g. /reassign 3 @alex",
    "due": "/due <#> <when>  e.g. /due 3 next Tuesday",
    "drop": "/drop <#> [reason]  e.g. /drop 3 no longer needed",
    "history": "/history <#>  e.g. /history 3",
    "supporters": "/supporters <#> @name and <partner>  e.g. /supporters 3 @alex and HSCB; "
    "/supporters 3 none",
    "who": "/who <words>  e.g. /who funding bid",
    "actions": (
        "/actions [overdue | done | @name | <partner> | with @name | with <partner>]"
        "  e.g. /actions overdue"
    ),
}
STRONG_MARKERS = ("by", "due")
WEAK_MARKERS = ("on", "before", "until", "till", "in")
_DATE_WORDS = (
    "today", "tomorrow", "tonight", "yesterday", "next", "week", "month", "end",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
)  # fmt: skip
_STATUS_WORDS = {
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
_NUMBER = re.compile(r"^#?(\d{1,9})$")
_HANDLE = HANDLE


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
    text = f"Usage: {USAGE[command]}"
    return UsageError(f"{problem}\n{text}" if problem else text)


def parse_owner(text: str, mentions: list[Mention], command: str) -> tuple[OwnerRef, str]:
    """The owner named first in ``text`` (``me``, a mention or an @name) and the rest."""
    stripped = text.lstrip()
    offset = len(text) - len(stripped)
    if not stripped:
        raise usage(command, "Say who owns it.")
    first, _, rest = stripped.partition(" ")
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
    raise usage(command, f"{first!r} is not a person: start with @name or me.")


def parse_assign(
    text: str, mentions: list[Mention], replied_text: str | None, now: datetime, zone: ZoneInfo
) -> AssignRequest:
    """``/assign @user <what> [by <when>]``, or as a reply ``/assign @user [by <when>]``."""
    length = len(" ".join(text.split()))
    if length > MAX_ASSIGN_CHARS:
        raise UsageError(
            f"That /assign is {length} characters long; keep the action to {MAX_TITLE} "
            "characters and put the detail in an /update note."
        )
    owner, rest = parse_owner(text, mentions, "assign")
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
        return _request(owner, rest, replied_text, now, zone)
    if clause.names_people:
        request = _request(owner, clause.rest, replied_text, now, zone)
        return replace(request, supporters=clause.supporters)
    # "Meet with the council": supporters if the council is a partner here, else a title
    try:
        request = _request(owner, clause.rest, replied_text, now, zone)
    except UsageError:
        return _request(owner, rest, replied_text, now, zone)
    try:
        plain: AssignRequest | None = _request(owner, rest, replied_text, now, zone)
    except UsageError:
        plain = None
    return replace(request, supporters=clause.supporters, plain=plain)


def _request(
    owner: OwnerRef, rest: str, replied_text: str | None, now: datetime, zone: ZoneInfo
) -> AssignRequest:
    """The title, due date and recurrence in ``rest`` (the title: the replied message)."""
    try:
        rest, recurrence = split_recurrence(rest)
    except RecurrenceError as error:
        raise usage("assign", str(error)) from None
    if replied_text and rest:
        if _whole_due(rest, now, zone):
            return AssignRequest(owner, check_title(replied_text), rest, recurrence=recurrence)
    elif replied_text:
        return AssignRequest(owner, check_title(replied_text), None, recurrence=recurrence)
    if not rest:
        raise usage("assign", "Say what the action is.")
    title, due_text = split_due(rest, now, zone)
    return AssignRequest(owner, check_title(title), due_text, recurrence=recurrence)


def check_title(title: str) -> str:
    """A title that is neither empty nor longer than ``MAX_TITLE`` characters."""
    cleaned = " ".join(title.split())
    for opening, closing in ('""', "''", "“”"):
        if len(cleaned) > 1 and cleaned[0] == opening and cleaned[-1] == closing:
            cleaned = cleaned[1:-1].strip()
    if not cleaned:
        raise usage("assign", "Say what the action is.")
    if len(cleaned) > MAX_TITLE:
        raise UsageError(
            f"That action is {len(cleaned)} characters long; keep it to {MAX_TITLE} "
            "and put the detail in an /update note."
        )
    return cleaned


def _whole_due(text: str, now: datetime, zone: ZoneInfo) -> bool:
    try:
        parse_due(text, now, zone)
    except DueDateError as error:
        if text.split()[0].lower() in STRONG_MARKERS:
            raise UsageError(str(error)) from None
        return False
    return True


def split_due(text: str, now: datetime, zone: ZoneInfo) -> tuple[str, str | None]:
    """Split a trailing due clause ("by Friday", "in 2 weeks", "tomorrow 5pm") off a title.

    A clause after "by" or "due" that looks like a date but can't be read is an error
    (nothing is recorded); other words that only might be dates stay in the title.
    Only the last few words are looked at, and only the two shortest candidate clauses
    may go to dateparser: the work is bounded whatever the text.
    """
    words = text.split()
    first = max(0, len(words) - MAX_DUE_WORDS)
    attempts = 0

    def attempt(clause: str) -> None:
        nonlocal attempts
        attempts += 1
        parse_due(clause, now, zone, slow=attempts <= _SLOW_ATTEMPTS)

    for index in range(len(words) - 1, first - 1, -1):
        marker = words[index].lower()
        if marker not in STRONG_MARKERS + WEAK_MARKERS:
            continue
        clause = " ".join(words[index:])
        try:
            attempt(clause)
        except DueDateError as error:
            meant_a_date = marker in STRONG_MARKERS and _looks_like_a_date(words[index + 1 :])
            if error.understood or meant_a_date:
                raise UsageError(str(error)) from None
            continue
        return " ".join(words[:index]), clause
    for size in (3, 2, 1):
        if len(words) > size and words[-size].lower() in ("today", "tomorrow", "tonight"):
            clause = " ".join(words[-size:])
            try:
                attempt(clause)
            except DueDateError:
                continue
            return " ".join(words[:-size]), clause
    return text, None


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
    """``<#> @alex and HSCB`` or ``<#> none``: the action and its supporters from now."""
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
        raise UsageError(
            "Usage: /coordinator add @name, /coordinator remove @name, or /coordinator to list"
        )
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


def status_in(note: str) -> Status | None:
    """The status a note sets: "on track", "at risk" or "blocked", the first one named."""
    found = [
        (match.start(), status)
        for word, status in _STATUS_WORDS.items()
        if (match := re.search(rf"\b{word}\b", note, re.IGNORECASE))
    ]
    return min(found)[1] if found else None
