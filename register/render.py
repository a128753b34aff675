"""The register as Telegram HTML: action lines, grouped lists, history; long text split.

Every piece of user text passes through ``html.escape``; each line is complete HTML
on its own, so a message may be split at any line. A line longer than a message is
split too, between tags and entities, closing its open tags and opening them again.
Lengths are counted in UTF-16 code units, as Telegram counts them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from register.dates import Due
from register.model import Action, ActionEvent, Status

MESSAGE_LIMIT = 4096
PAGE_LIMIT = MESSAGE_LIMIT - 296  # a page's text; the rest is room for its footer
ECHO_LIMIT = 80  # characters of someone's input quoted back to them
_ATOM = re.compile(r"<[^>]*>|&#?\w+;|.", re.DOTALL)
_TAG_NAME = re.compile(r"</?([a-zA-Z][\w-]*)")
NO_PARTNER = "No partner organisation"
SHOWN_MATCHES = 10  # actions a search (/who) shows; it says how many more matched


def escape(text: str) -> str:
    """User text made safe for Telegram HTML."""
    return html.escape(text, quote=False)


def clip(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis: input quoted back stays short."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: characters outside the BMP (emoji) count twice."""
    return len(text.encode("utf-16-le")) // 2


def due_text(due: Due | None, zone: ZoneInfo, now: datetime) -> str:
    """``due Fri 27 Nov`` or ``no due date``."""
    return f"due {due.describe(zone, now)}" if due else "no due date"


def action_line(action: Action, zone: ZoneInfo, now: datetime, owner: bool = False) -> str:
    """``#3 Draft the bid — due Fri 27 Nov · OVERDUE`` (with the owner when asked)."""
    details = action_details(action, zone, now, owner)
    return f"<b>#{action.number}</b> {escape(action.title)} — {details}"


def action_details(action: Action, zone: ZoneInfo, now: datetime, owner: bool = False) -> str:
    """``Bob · due Fri 27 Nov · OVERDUE · at risk``: where an action stands."""
    details = []
    if owner:
        details.append(escape(owner_label(action)))
    if action.supporters:
        details.append(f"with {escape(', '.join(action.supporters))}")
    if action.status.closed:
        stamp = action.closed_at.astimezone(zone) if action.closed_at else None
        details.append(f"{action.status.label} {stamp:%d %b}" if stamp else action.status.label)
    else:
        details.append(due_text(action.due, zone, now))
        if action.is_overdue(now, zone):
            details.append("<b>OVERDUE</b>")
        if action.status is not Status.OPEN:
            details.append(f"<i>{action.status.label}</i>")
        if action.recurrence is not None:
            details.append(f"repeats {action.recurrence.describe()}")
    return " · ".join(details)


def owner_label(action: Action) -> str:
    """The owner's name, marked when Accord has not seen them yet."""
    if action.owner_user_id is None:
        return f"{action.owner_name} (not seen yet)"
    return action.owner_name


def sort_key(action: Action, now: datetime, zone: ZoneInfo) -> tuple:
    """Overdue first, then by due date (none last), then by number."""
    due = action.due.deadline(zone).timestamp() if action.due else float("inf")
    return (not action.is_overdue(now, zone), due, action.number)


def grouped(actions: Iterable[Action], zone: ZoneInfo, now: datetime) -> list[str]:
    """Lines grouped by partner, then owner; overdue first within each group.

    Partners whose actions are overdue come first, then alphabetical; actions with
    no partner come last.
    """
    by_partner: dict[str | None, dict[str, list[Action]]] = {}
    keys: dict[int, tuple] = {}
    for action in actions:
        by_partner.setdefault(action.partner_name, {}).setdefault(owner_label(action), []).append(
            action
        )
        keys[action.action_id] = sort_key(action, now, zone)

    def urgency(items: Iterable[Action]) -> tuple:
        return min(keys[a.action_id] for a in items)[:2]

    lines: list[str] = []
    for partner in sorted(
        by_partner,
        key=lambda p: (
            p is None,
            urgency(a for owned in by_partner[p].values() for a in owned)[0],
            (p or "").casefold(),
        ),
    ):
        lines.append(f"\n<b>{escape(partner or NO_PARTNER)}</b>")
        owners = by_partner[partner]
        for owner in sorted(owners, key=lambda o: (urgency(owners[o]), o.casefold())):
            lines.append(f"<u>{escape(owner)}</u>")
            lines.extend(
                f"  {action_line(a, zone, now)}"
                for a in sorted(owners[owner], key=lambda a: keys[a.action_id])
            )
    return lines


def history_lines(events: list[ActionEvent], zone: ZoneInfo, now: datetime) -> list[str]:
    """One line per change: when, who, what."""
    return [_event_line(event, zone, now) for event in events]


def _event_line(event: ActionEvent, zone: ZoneInfo, now: datetime) -> str:
    when = event.at.astimezone(zone).strftime("%d %b %H:%M")
    who = escape(event.actor_label)
    old, new = event.old_value, event.new_value
    if event.kind == "due":
        old, new = _due_value(old, zone, now), _due_value(new, zone, now)
    if event.kind in ("status", "reopened"):
        old, new = _status_value(old), _status_value(new)
    shown = event.note
    if shown and event.kind == "status" and new:
        shown = without_status(shown, new)  # "at risk: …" is said by "→ at risk" already
    note = f": {escape(shown)}" if shown else ""
    described = {
        "created": f"created it: {escape(new or '')}",
        "edited": f"edited the title: {escape(old or '')} → {escape(new or '')}",
        "reopened": f"reopened it: {escape(old or '')} → {escape(new or '')}",
        "note": "added a note",
        "status": f"status {escape(old or '')} → {escape(new or '')}",
        "owner": f"owner {escape(old or '')} → {escape(new or '')}",
        "partner": f"partner {escape(old or 'none')} → {escape(new or 'none')}",
        "due": f"due {escape(old or 'none')} → {escape(new or 'none')}",
        "linked": f"linked {escape(old or '')} to {escape(new or '')}",
        "supporters": f"supporters {escape(old or 'none')} → {escape(new or 'none')}",
        "series": f"repeats it {escape(new or '')}"
        + (f" (the next after {escape(old)})" if old else ""),
    }.get(event.kind, escape(event.kind))
    return f"{when} · {who} {described}{note}"


def without_status(note: str, label: str) -> str:
    """A note without the status words it starts with (``at risk: waiting`` → ``waiting``),
    for showing beside the status it set."""
    pattern = re.escape(label).replace(r"\ ", "[ -]")
    match = re.match(rf"\s*{pattern}\b[\s:,.;!—–-]*", note, re.IGNORECASE)
    return note[match.end() :] if match else note


def _due_value(value: str | None, zone: ZoneInfo, now: datetime) -> str | None:
    due = due_from_value(value)
    return due.describe(zone, now) if due else None


def _status_value(value: str | None) -> str | None:
    return Status(value).label if value else None


def due_value(due: Due | None) -> str | None:
    """How a due date is kept in the history: its ``key`` (a date, or a UTC moment)."""
    return due.key if due else None


def due_from_value(value: str | None) -> Due | None:
    """The due date a history value records: the inverse of :func:`due_value`."""
    return Due.from_key(value) if value else None


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split ``text`` into messages of at most ``limit`` UTF-16 units, at line ends where
    it can, and inside a line (between tags and entities, at a space if there is one)
    where a line alone is too long."""
    chunks: list[str] = []
    current = ""
    for long_line in text.split("\n"):
        pieces = split_line(long_line, limit) if utf16_len(long_line) > limit else [long_line]
        for line in pieces:
            candidate = f"{current}\n{line}" if current else line
            if utf16_len(candidate) > limit:
                chunks.append(current)
                current = line
            else:
                current = candidate
    if current.strip():
        chunks.append(current)
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]


def split_line(line: str, limit: int) -> list[str]:
    """One line of HTML as pieces of at most ``limit`` units, each valid on its own:
    tags open at a cut are closed before it and opened again after it."""
    pieces: list[str] = []
    stack: list[tuple[str, str]] = []  # (name, opening tag) of the tags open now
    atoms: list[str] = []  # the piece being built, tag by tag and character by character
    size = closing = reopened = 0
    mark: tuple[int, list[tuple[str, str]]] | None = None  # just after the last space
    for atom in _ATOM.findall(line):
        name = _TAG_NAME.match(atom)
        ends = atom.startswith("</")
        opens = name is not None and not ends and not atom.endswith("/>")
        needs = utf16_len(atom) + (len(name.group(1)) + 3 if opens and name else 0)
        if not ends and size + needs + closing > limit and len(atoms) > reopened:
            cut, open_then = (
                (mark[0], mark[1]) if mark and mark[0] > reopened else (len(atoms), list(stack))
            )
            pieces.append("".join(atoms[:cut]) + _closing(open_then))
            atoms = [tag for _, tag in open_then] + atoms[cut:]
            reopened = len(open_then)
            size = utf16_len("".join(atoms))
            mark = None
        atoms.append(atom)
        size += utf16_len(atom)
        if ends and stack:
            closing -= len(stack.pop()[0]) + 3
        elif opens and name:
            stack.append((name.group(1), atom))
            closing += len(name.group(1)) + 3
        elif atom == " ":
            mark = (len(atoms), list(stack))
    pieces.append("".join(atoms))
    return pieces


def _closing(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def page_of(text: str, number: int, limit: int = PAGE_LIMIT) -> tuple[str, int]:
    """Page ``number`` (from 1; past the end, the last) of a listing whose first line is
    its heading, repeated on every page; and how many pages there are."""
    heading, _, body = text.partition("\n")
    if not body.strip():
        return heading, 1
    pages = split_message(body, limit - utf16_len(heading) - 1)
    chosen = pages[min(max(number, 1), len(pages)) - 1]
    return f"{heading}\n{chosen}", len(pages)


def matches_lines(actions: list[Action], zone: ZoneInfo, now: datetime) -> list[str]:
    """The first few actions a search matched, with their owners, and how many more did
    (a long register is what /actions pages through)."""
    lines = [action_line(a, zone, now, owner=True) for a in actions[:SHOWN_MATCHES]]
    if len(actions) > SHOWN_MATCHES:
        more = len(actions) - SHOWN_MATCHES
        lines.append(f"…and {more} more: narrow it down or see /actions")
    return lines
