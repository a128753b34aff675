"""Reading the charter's commands: ``for goal 2`` in an /assign, ``/role add "Data lead"
HSCB: monthly data returns``, ``/decision 3 confirm``."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from domain.model import OwnerRef
from register.parsing import Mention, UsageError, usage
from register.supporting import HANDLE

NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split(),
        1,
    )
}
_FOR_GOAL = re.compile(
    rf"(?:^|(?<=\s))for\s+goal\s+(?:#?(\d{{1,9}})|({'|'.join(NUMBER_WORDS)}))(?=[\s.,;!)]|$)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"#?(\d{1,9})")
_WORDS = re.compile(r"[^\W_]+")
_QUOTES = {'"': '"', "“": "”", "'": "'", "‘": "’"}


@dataclass(frozen=True)
class GoalClause:
    """``for goal N`` taken out of an /assign: the text without it, the goal's number,
    and what followed it (a due date, if anything: "… for goal 2 by Friday")."""

    text: str
    number: int
    after: str
    start: int  # where the clause began in the original text
    shift: int = 0  # how far what followed it moved to the left in ``text``


def goal_clause(text: str) -> GoalClause | None:
    """The last ``for goal N`` in ``text``, if any."""
    found = list(_FOR_GOAL.finditer(text))
    if not found:
        return None
    match = found[-1]
    before, after = text[: match.start()].rstrip(), text[match.end() :].strip()
    joined = f"{before} {after}" if after else before
    shift = (text.index(after, match.end()) - (len(before) + 1)) if after else 0
    number = int(match.group(1)) if match.group(1) else NUMBER_WORDS[match.group(2).lower()]
    return GoalClause(joined, number, after, match.start(), shift)


GOAL_AT_THE_END = (
    "Put “for goal N” at the end of the /assign, or just before its due date: "
    "/assign @carol Draft the survey for goal 2 by Friday"
)


def shifted(mentions: list[Mention], clause: GoalClause) -> list[Mention]:
    """The mentions positioned in the text without the goal clause."""
    return [
        m
        if m.start < clause.start
        else replace(m, start=m.start - clause.shift, end=m.end - clause.shift)
        for m in mentions
    ]


def due_after_goal(clause: GoalClause, due_text: str | None) -> bool:
    """Whether what followed ``for goal N`` was read as the due date (so the clause was
    at the end of the action's words, not inside its title)."""
    if not due_text:
        return False
    words = _WORDS.findall(clause.after.casefold())
    return words == _WORDS.findall(due_text.casefold())[-len(words) :]


def parse_number(text: str, command: str) -> tuple[int, str]:
    """``<n> rest``: the number and the rest; a usage error naming ``command`` if none."""
    first, _, rest = text.strip().partition(" ")
    match = _NUMBER.fullmatch(first)
    if match is None:
        raise usage(command, f"{first!r} is not a number." if first else None)
    return int(match.group(1)), rest.strip()


@dataclass(frozen=True)
class RoleRequest:
    """``/role add <name> <holder>[: what it covers]``: ``person`` when the holder is an
    @name or a mention, else ``holder`` is a partner's or person's name to look up."""

    name: str
    holder: str
    person: OwnerRef | None
    covers: str | None


def role_name(text: str, command: str = "role") -> tuple[str, str, int]:
    """A role's name (quoted when it has several words, ``"Data lead"``; else the first
    word), the rest and where the rest starts in ``text``."""
    stripped = text.lstrip()
    offset = len(text) - len(stripped)
    if not stripped:
        raise usage(command, "Name the role.")
    close = _QUOTES.get(stripped[0])
    if close is not None:
        end = stripped.find(close, 1)
        if end < 0:
            raise usage(command, "The role's name has no closing quote.")
        name = " ".join(stripped[1:end].split())
        rest_start = offset + end + 1
    else:
        name = stripped.split()[0]
        rest_start = offset + len(name)
    if not name:
        raise usage(command, "Name the role.")
    rest = text[rest_start:]
    skipped = len(rest) - len(rest.lstrip())
    return name, rest.strip(), rest_start + skipped


def parse_role_add(text: str, mentions: list[Mention]) -> RoleRequest:
    """``Chair @ann``, ``"Data lead" HSCB: monthly data returns`` (positions of
    ``mentions`` are in ``text``)."""
    name, rest, rest_start = role_name(text)
    holder, colon, covers = rest.partition(":")
    holder = holder.strip()
    if not holder:
        raise usage("role", f"Say who holds {name}: an @name or a partner organisation.")
    if text.lstrip()[:1] not in _QUOTES:  # "Vice Chair @carol": a name of two words
        later = next((m for m in mentions if m.start > rest_start), None)
        words = holder.split()
        if later is not None and later.start - rest_start <= len(holder):
            words = [text[rest_start : later.start].strip(), text[later.start : later.end]]
        if len(words) > 1 and (later is not None or HANDLE.fullmatch(words[-1])):
            whole = " ".join([name, *words[:-1]])
            raise UsageError(
                f'Put a role\'s name of several words in quotes: /role add "{whole}" {words[-1]}'
            )
    mention = next((m for m in mentions if m.start == rest_start), None)
    person: OwnerRef | None = None
    if mention is not None and mention.user_id is not None:
        person = OwnerRef(user_id=mention.user_id, name=mention.name)
    elif match := HANDLE.fullmatch(holder):
        person = OwnerRef(handle=match.group(1).lower())
    elif holder.startswith("@"):
        raise UsageError(f"{holder!r} is no @name: check the spelling.")
    covered = " ".join(covers.split()) if colon else ""
    return RoleRequest(name, holder, person, covered or None)
