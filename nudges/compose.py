"""What nudges say: the digest, owner reminders and check-in prompts, as Telegram HTML."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from register.model import Action, ActionEvent, Status
from register.render import NO_PARTNER, escape, split_message

STALE_AFTER = timedelta(days=14)
WEEK = timedelta(days=7)
CHECKIN_NOTE = "check-in"
MAX_CHECKIN_ACTIONS = 8


def mention(user_id: int | None, name: str) -> str:
    """A mention that makes Telegram notify the person (an @handle if not seen yet)."""
    if user_id is None:
        return escape(name)
    return f'<a href="tg://user?id={user_id}">{html.escape(name)}</a>'


@dataclass(frozen=True)
class DigestSection:
    """One heading of the digest and how its lines read."""

    key: str
    heading: str


SECTIONS = (
    DigestSection("overdue", "Overdue"),
    DigestSection("due", "Due this week"),
    DigestSection("risk", "Blocked or at risk"),
    DigestSection("done", "Done since the last digest"),
    DigestSection("stale", "No update for 14 days"),
)


def _section(action: Action, now: datetime, since: datetime | None, zone: ZoneInfo) -> str | None:
    """Which section an action belongs in (the first that fits), if any."""
    if action.status is Status.DONE:
        closed = action.closed_at
        return "done" if closed and (since is None or closed > since) and closed <= now else None
    if action.status.closed:
        return None
    if action.is_overdue(now, zone):
        return "overdue"
    if action.due is not None and action.due.deadline(zone) <= now + WEEK:
        return "due"
    if action.status in (Status.BLOCKED, Status.AT_RISK):
        return "risk"
    if action.updated_at < now - STALE_AFTER:
        return "stale"
    return None


def _line(action: Action, section: str, zone: ZoneInfo, now: datetime) -> str:
    owner = (
        mention(action.owner_user_id, action.owner_name)
        if section == "overdue"
        else escape(action.owner_name)
    )
    text = f"#{action.number} {escape(action.title)} — {owner}"
    if action.supporters:
        text += f" with {escape(', '.join(action.supporters))}"
    if section in ("overdue", "due") and action.due is not None:
        text += (
            f" · {'was due' if section == 'overdue' else 'due'} {action.due.describe(zone, now)}"
        )
    if section == "risk":
        text += f" · <i>{action.status.label}</i>"
    if section == "stale":
        text += f" · last update {action.updated_at.astimezone(zone):%d %b}"
    return text


def digest(
    title: str,
    actions: Iterable[Action],
    checkins: Iterable[ActionEvent],
    zone: ZoneInfo,
    now: datetime,
    since: datetime | None,
    late_note: str | None = None,
) -> list[str]:
    """The digest's messages (each under Telegram's limit), or [] when there is nothing
    to say. Per partner organisation, overdue first; owners of overdue actions mentioned."""
    placed: dict[str | None, dict[str, list[Action]]] = {}
    for action in actions:
        key = _section(action, now, since, zone)
        if key is not None:
            placed.setdefault(action.partner_name, {}).setdefault(key, []).append(action)
    answers = [event for event in checkins if event.note == CHECKIN_NOTE]
    if not placed and not answers:
        return []

    def urgency(partner: str | None) -> tuple:
        return ("overdue" not in placed[partner], partner is None, (partner or "").casefold())

    lines = [f"<b>Digest — {escape(title)}</b> · {now.astimezone(zone):%a %d %b}"]
    if late_note:
        lines.append(f"<i>{escape(late_note)}</i>")
    for partner in sorted(placed, key=urgency):
        lines.append(f"\n<b>{escape(partner or NO_PARTNER)}</b>")
        for section in SECTIONS:
            items = placed[partner].get(section.key)
            if not items:
                continue
            lines.append(f"<u>{section.heading}</u>")
            items.sort(key=lambda a: (a.due.deadline(zone) if a.due else now, a.number))
            lines.extend(f"  {_line(a, section.key, zone, now)}" for a in items)
    if answers:
        lines.append("\n<b>Check-in answers</b>")
        lines.extend(
            f"  #{event.number} {Status(event.new_value).label}"
            f" — {escape(event.actor_name or 'someone')}"
            for event in answers
            if event.new_value
        )
    return split_message("\n".join(lines))


def reminder(action: Action, kind: str, zone: ZoneInfo, now: datetime, in_group: bool) -> str:
    """A reminder to an action's owner: the day before it is due, or once overdue."""
    due = action.due.describe(zone, now) if action.due else ""
    where = "" if in_group else f" in {escape(action.chat_title or 'your group')}"
    greeting = f"{mention(action.owner_user_id, action.owner_name)}, " if in_group else ""
    if kind == "before":
        body = f"reminder: <b>#{action.number}</b> {escape(action.title)}{where} is due {due}."
    else:
        body = (
            f"<b>#{action.number}</b> {escape(action.title)}{where} is now overdue "
            f"(it was due {due}). Send /done {action.number} "
            f"or /update {action.number} <i>note</i>."
        )
    text = greeting + body
    return text[0].upper() + text[1:] if not in_group else text


def checkin_prompt(
    owner_id: int | None, owner_name: str, actions: list[Action], zone: ZoneInfo, now: datetime
) -> str:
    """A check-in asking one owner how their open actions stand."""
    lines = [f"Check-in for {mention(owner_id, owner_name)}: how are these going?"]
    for action in actions[:MAX_CHECKIN_ACTIONS]:
        due = f" · due {action.due.describe(zone, now)}" if action.due else ""
        lines.append(f"<b>#{action.number}</b> {escape(action.title)} — {action.status.label}{due}")
    if len(actions) > MAX_CHECKIN_ACTIONS:
        lines.append(f"…and {len(actions) - MAX_CHECKIN_ACTIONS} more: see /mine.")
    return "\n".join(lines)
