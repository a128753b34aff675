"""The register as Telegram HTML: action lines, grouped lists, history; long text split.

Every piece of user text passes through ``html.escape``; each line is complete HTML
on its own, so a message may be split at any line. A line longer than a message is
split too, between tags and entities, closing its open tags and opening them again.
Lengths are counted in UTF-16 code units, as Telegram counts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.due import Due
from domain.model import Action, ActionEvent, Status
from formatting.html import escape

NO_PARTNER = "No partner organisation"
SHOWN_MATCHES = 10  # actions a search (/who) shows; it says how many more matched


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
        "goal": f"goal {escape(old or 'none')} → {escape(new or 'none')}",
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


def matches_lines(actions: list[Action], zone: ZoneInfo, now: datetime) -> list[str]:
    """The first few actions a search matched, with their owners, and how many more did
    (a long register is what /actions pages through)."""
    lines = [action_line(a, zone, now, owner=True) for a in actions[:SHOWN_MATCHES]]
    if len(actions) > SHOWN_MATCHES:
        more = len(actions) - SHOWN_MATCHES
        lines.append(f"…and {more} more: narrow it down or see /actions")
    return lines
