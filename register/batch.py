"""/assign of several lines: a meeting's actions pasted at once, one a line.

Each line is read as a one-line /assign; a line that can't be is named with its number,
and nothing is recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from formatting.html import clip
from register.parsing import AssignRequest, Mention, UsageError, parse_assign
from register.usage import usage_text

MAX_LINES = 30  # actions one /assign may record
_BULLET = re.compile(r"^(?:[-*•·–]|\d{1,2}[.)])\s+")
_OWNER_START = re.compile(r"^(?:@\w|me\b)", re.IGNORECASE)
_OWNER_ONLY = re.compile(r"@\w+|me", re.IGNORECASE)
# "Dave to chase the invoice", "Dave: chase the invoice": a first name, then the action.
_NAMED = re.compile(
    r"^(?P<name>[^\W\d_][\w'’-]*)\s*(?::\s*|\s(?:to|will|should)\s+|\s)(?P<what>\S.*)$"
)


@dataclass(frozen=True)
class RawLine:
    """One action line as written: its number in the message, text and mentions."""

    number: int
    text: str
    mentions: list[Mention]


@dataclass(frozen=True)
class Lines:
    """The action lines of a message, and (from minutes) the lines passed over."""

    taken: list[RawLine]
    skipped: list[RawLine]


@dataclass(frozen=True)
class BatchLine:
    """One line of a several-line /assign: where it was, what it said, what it asks."""

    number: int
    text: str
    request: AssignRequest
    goal: tuple[int, int] | None = None  # "… for goal 2": the goal's id and number


def split_lines(text: str, mentions: list[Mention], from_reply: bool = False) -> Lines:
    """The action lines of ``text``: each non-empty line (bullets and numbering ignored)
    or, from a replied message (minutes), the lines that start with an owner (@name, a
    mention, me), the others kept as skipped. More than ``MAX_LINES`` is refused before
    any is read."""
    lines: list[RawLine] = []
    skipped: list[RawLine] = []
    offset = 0
    for number, raw in enumerate(text.split("\n"), 1):
        start = offset
        offset += len(raw) + 1
        stripped = raw.strip()
        if not stripped:
            continue
        start += len(raw) - len(raw.lstrip())
        if bullet := _BULLET.match(stripped):
            stripped, start = stripped[bullet.end() :], start + bullet.end()
        local = [
            Mention(m.start - start, m.end - start, m.user_id, m.username, m.name)
            for m in mentions
            if start <= m.start < start + len(stripped)
        ]
        if lines and _only_an_owner(lines[-1]) and not _starts_with_an_owner(stripped, local):
            lines[-1] = _joined(lines[-1], stripped, local)  # "me" then the action below
            continue
        if from_reply and not _starts_with_an_owner(stripped, local):
            skipped.append(RawLine(number, stripped, local))
            continue
        lines.append(RawLine(number, stripped, local))
    if not lines:
        raise UsageError(
            "None of those lines names an owner. Put one action a line, each starting "
            "with @name or me, e.g.\n/assign\n@samira Draft the bid by Friday\nme Book the room"
        )
    if len(lines) > MAX_LINES:
        raise UsageError(
            f"That is {len(lines)} actions; one /assign records at most {MAX_LINES}. "
            "Split them over two messages."
        )
    return Lines(lines, skipped)


def starts_with_an_owner(line: RawLine) -> bool:
    """Whether a line starts with @name, a mention or me."""
    return _starts_with_an_owner(line.text, line.mentions)


def named_first(line: RawLine) -> tuple[str, str] | None:
    """``("Dave", "chase the invoice")`` for "Dave to chase the invoice": a line that
    starts with a first name instead of an @name."""
    match = _NAMED.match(line.text)
    return (match.group("name"), match.group("what")) if match else None


def _starts_with_an_owner(text: str, mentions: list[Mention]) -> bool:
    return bool(_OWNER_START.match(text)) or any(m.start == 0 for m in mentions)


def _only_an_owner(line: RawLine) -> bool:
    """A line that names an owner and nothing else: its action is on the next line."""
    whole = any(m.start == 0 and m.end == len(line.text) for m in line.mentions)
    return whole or bool(_OWNER_ONLY.fullmatch(line.text))


def _joined(owner: RawLine, text: str, mentions: list[Mention]) -> RawLine:
    """``owner``'s line and the next one read as one line."""
    shift = len(owner.text) + 1
    moved = [
        Mention(m.start + shift, m.end + shift, m.user_id, m.username, m.name) for m in mentions
    ]
    return RawLine(owner.number, f"{owner.text} {text}", [*owner.mentions, *moved])


def parse_line(
    line: RawLine, now: datetime, zone: ZoneInfo, order: str = "DMY", suggestion: str = ""
) -> BatchLine:
    """One action line read as a one-line /assign (dates in the chat's ``order``); an
    error names the line, without /assign's whole usage (said once a line, it buries
    the problem), with ``suggestion`` (the line as it could be written) if any."""
    try:
        request = parse_assign(line.text, line.mentions, None, now, zone, order)
    except UsageError as error:
        problem = str(error).removesuffix("\n" + usage_text("assign"))
        if suggestion:
            problem += f" Did you mean {suggestion}?"
        raise UsageError(line_error(line.number, line.text, problem)) from None
    return BatchLine(line.number, line.text, request)


def line_error(number: int, line: str, problem: str) -> str:
    """What is wrong with line ``number``, and that nothing was recorded."""
    return f"Line {number} ({clip(line, 40)}): {problem}\nNothing was recorded."
