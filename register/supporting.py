"""Supporting people and partners named in an /assign: ``… with @alexis and HSCB``.

RACI's Consulted, beside the one owner (Responsible): an action's supporters are shown
and can be looked for, but never take the owner's place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from domain.model import OwnerRef

HANDLE = re.compile(r"^@([A-Za-z0-9_]{3,32})$")
MAX_SUPPORTERS = 10
MAX_SUPPORTER_NAME = 80
_WITH = re.compile(r"(?:^|\s)with\s+", re.IGNORECASE)
_DUE_MARKER = re.compile(r"\s+(?:by|due|on|before|until|till|in|every)\s+", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", re.IGNORECASE)


class SupporterError(ValueError):
    """Supporters that can't be used as written; the message says why."""


@dataclass(frozen=True)
class SupporterRef:
    """A supporter as written: a person (``person``), or else a partner named ``text``."""

    text: str
    person: OwnerRef | None = None


@dataclass(frozen=True)
class SupportClause:
    """``with …`` found in an action's words: the words without it, and who it names."""

    rest: str
    supporters: tuple[SupporterRef, ...]

    @property
    def names_people(self) -> bool:
        """Whether it names a person: then it is surely meant as supporters."""
        return any(ref.person is not None for ref in self.supporters)


def find_supporters(text: str, linked: Mapping[int, OwnerRef]) -> SupportClause | None:
    """The last ``with <names>`` in ``text``, before any due clause; ``None`` if none.

    ``with @alexis and HSCB by Friday`` and ``by Friday with @alexis`` both work; the
    names end at a due marker ("by", "on", "in" …). ``linked``: the people picked from
    Telegram's mention menu, by where their name starts in ``text``.
    """
    found = list(_WITH.finditer(text))
    if not found:
        return None
    clause = found[-1]
    start = clause.end()
    marker = _DUE_MARKER.search(text, start)
    end = marker.start() if marker else len(text)
    try:
        refs = _refs(text, start, end, linked)
    except SupporterError:  # "catch up with @bobby_p about the budget": words, not names
        return None
    if not refs:
        return None
    rest = (text[: clause.start()].rstrip() + " " + text[end:].strip()).strip()
    return SupportClause(rest, tuple(refs))


def parse_supporters(text: str, linked: Mapping[int, OwnerRef]) -> tuple[SupporterRef, ...]:
    """``@alexis, @samira and HSCB`` (``with`` before them allowed): the names in ``text``;
    a ``SupporterError`` if one can't be a name."""
    start = match.end() if (match := _WITH.match(text)) else 0
    return tuple(_refs(text, start, len(text), linked))


def _refs(text: str, start: int, end: int, linked: Mapping[int, OwnerRef]) -> list[SupporterRef]:
    refs: list[SupporterRef] = []
    position = start
    pieces = [*_SEPARATOR.finditer(text, start, end), None]
    for separator in pieces:
        stop = separator.start() if separator else end
        item = text[position:stop].strip()
        offset = position + len(text[position:stop]) - len(text[position:stop].lstrip())
        if item:
            refs.append(_ref(item, offset, linked))
        if separator is not None:
            position = separator.end()
    if len(refs) > MAX_SUPPORTERS:
        raise SupporterError(f"Name at most {MAX_SUPPORTERS} supporters for one action.")
    return refs


def _ref(item: str, offset: int, linked: Mapping[int, OwnerRef]) -> SupporterRef:
    if offset in linked:  # a person picked from Telegram's mention menu
        return SupporterRef(item, linked[offset])
    if item.lower() == "me":
        return SupporterRef(item, OwnerRef(is_me=True))
    if item.startswith("@"):
        match = HANDLE.match(item)
        if match is None:
            raise SupporterError(f"{item[:40]!r} is not a person: write @name.")
        return SupporterRef(item, OwnerRef(handle=match.group(1).lower()))
    if len(item) > MAX_SUPPORTER_NAME:
        raise SupporterError(
            f"A supporting partner's name is at most {MAX_SUPPORTER_NAME} characters."
        )
    return SupporterRef(item)
