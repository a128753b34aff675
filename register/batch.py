"""/assign of several lines: a meeting's actions pasted at once, one a line.

Each line is read as a one-line /assign; a line that can't be is named with its number,
and nothing is recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from register.parsing import AssignRequest, Mention, UsageError, parse_assign
from register.render import clip

MAX_LINES = 30  # actions one /assign may record
_BULLET = re.compile(r"^(?:[-*•·–]|\d{1,2}[.)])\s+")
_OWNER_START = re.compile(r"^(?:@\w|me\b)", re.IGNORECASE)


@dataclass(frozen=True)
class BatchLine:
    """One line of a several-line /assign: where it was, what it said, what it asks."""

    number: int
    text: str
    request: AssignRequest


def parse_lines(
    text: str,
    mentions: list[Mention],
    now: datetime,
    zone: ZoneInfo,
    from_reply: bool = False,
) -> list[BatchLine]:
    """Each non-empty line of ``text`` as an /assign of its own (bullets and numbering
    ignored). From a replied message (minutes), only lines that start with an owner
    (@name, a mention, me) are actions; otherwise every line must be one. A line that
    can't be read is an error naming it: nothing is recorded."""
    lines = []
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
        if from_reply and not (_OWNER_START.match(stripped) or any(m.start == 0 for m in local)):
            continue
        lines.append((number, stripped, local))
    if not lines:
        raise UsageError(
            "None of those lines names an owner. Put one action a line, each starting "
            "with @name or me, e.g.\n/assign\n@sam Draft the bid by Friday\nme Book the room"
        )
    if len(lines) > MAX_LINES:
        raise UsageError(
            f"That is {len(lines)} actions; one /assign records at most {MAX_LINES}. "
            "Split them over two messages."
        )
    parsed = []
    for number, line, local in lines:
        try:
            request = parse_assign(line, local, None, now, zone)
        except UsageError as error:
            raise UsageError(line_error(number, line, str(error))) from None
        parsed.append(BatchLine(number, line, request))
    return parsed


def line_error(number: int, line: str, problem: str) -> str:
    """What is wrong with line ``number``, and that nothing was recorded."""
    return f"Line {number} ({clip(line, 40)}): {problem}\nNothing was recorded."
