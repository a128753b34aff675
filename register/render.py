"""The register as Telegram HTML: action lines, grouped lists, history; long text split.

Every piece of user text passes through ``html.escape``; each line is complete HTML
on its own, so a message may be split at any line.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from register.dates import Due
from register.model import Action, ActionEvent, Status

MESSAGE_LIMIT = 4096
NO_PARTNER = "No partner organisation"


def escape(text: str) -> str:
    """User text made safe for Telegram HTML."""
    return html.escape(text, quote=False)


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
    if action.status.closed:
        stamp = action.closed_at.astimezone(zone) if action.closed_at else None
        details.append(f"{action.status.label} {stamp:%d %b}" if stamp else action.status.label)
    else:
        details.append(due_text(action.due, zone, now))
        if action.is_overdue(now, zone):
            details.append("<b>OVERDUE</b>")
        if action.status is not Status.OPEN:
            details.append(f"<i>{action.status.label}</i>")
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
    for action in actions:
        by_partner.setdefault(action.partner_name, {}).setdefault(owner_label(action), []).append(
            action
        )

    def urgency(items: Iterable[Action]) -> tuple:
        return min(sort_key(a, now, zone) for a in items)[:2]

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
                for a in sorted(owners[owner], key=lambda a: sort_key(a, now, zone))
            )
    return lines


def history_lines(events: list[ActionEvent], zone: ZoneInfo, now: datetime) -> list[str]:
    """One line per change: when, who, what."""
    return [_event_line(event, zone, now) for event in events]


def _event_line(event: ActionEvent, zone: ZoneInfo, now: datetime) -> str:
    when = event.at.astimezone(zone).strftime("%d %b %H:%M")
    who = escape(event.actor_name or "Accord")
    note = f": {escape(event.note)}" if event.note else ""
    old, new = event.old_value, event.new_value
    if event.kind == "due":
        old, new = _due_value(old, zone, now), _due_value(new, zone, now)
    if event.kind == "status":
        old, new = _status_value(old), _status_value(new)
    described = {
        "created": f"created it: {escape(new or '')}",
        "note": "added a note",
        "status": f"status {escape(old or '')} → {escape(new or '')}",
        "owner": f"owner {escape(old or '')} → {escape(new or '')}",
        "partner": f"partner {escape(old or 'none')} → {escape(new or 'none')}",
        "due": f"due {escape(old or 'none')} → {escape(new or 'none')}",
        "linked": f"linked {escape(old or '')} to {escape(new or '')}",
    }.get(event.kind, escape(event.kind))
    return f"{when} · {who} {described}{note}"


def _due_value(value: str | None, zone: ZoneInfo, now: datetime) -> str | None:
    return Due.from_key(value).describe(zone, now) if value else None


def _status_value(value: str | None) -> str | None:
    return Status(value).label if value else None


def due_value(due: Due | None) -> str | None:
    """How a due date is kept in the history: its ``key`` (a date, or a UTC moment)."""
    return due.key if due else None


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split ``text`` into messages under ``limit`` characters, at line boundaries.

    Lines are short by construction (titles and notes have maximum lengths).
    """
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        chunks.append(current)
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]
