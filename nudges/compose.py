"""What nudges say: the digest, owner reminders and check-in prompts, as Telegram HTML."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from charter.render import decision_heading, progress_counts
from domain.charter import CharterDigest, GoalProgress
from domain.due import day_label
from domain.model import Action, ActionEvent, Status
from formatting.html import escape, split_message
from register.render import NO_PARTNER

STALE_AFTER = timedelta(days=14)
CHECKIN_NOTE = "check-in"
MAX_CHECKIN_ACTIONS = 8
COMING_UP = 3  # the digest's "Coming up": the next few due after this week
FLAGGED = (Status.BLOCKED, Status.AT_RISK)  # shown on an action's line in any section
# An @name Accord has not seen write for this long after it was named owner is no longer
# mentioned in digests and group check-ins, but named once, with what a coordinator can do.
UNSEEN_AFTER = timedelta(days=7)


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
    DigestSection("undated", "No due date"),
)


def week_end(now: datetime, zone: ZoneInfo) -> datetime:
    """The end of the current week (midnight after Sunday) in ``zone``: "due this week"
    means by then, as people read it, not within the next seven days."""
    today = now.astimezone(zone).date()
    monday = today + timedelta(days=7 - today.weekday())
    return datetime.combine(monday, time(0), tzinfo=zone)


def _section(action: Action, now: datetime, since: datetime | None, zone: ZoneInfo) -> str | None:
    """Which section an action belongs in (the first that fits), if any."""
    if action.status is Status.DONE:
        closed = action.closed_at
        return "done" if closed and (since is None or closed > since) and closed <= now else None
    if action.status.closed:
        return None
    if action.is_overdue(now, zone):
        return "overdue"
    if action.due is not None and action.due.deadline(zone) <= week_end(now, zone):
        return "due"
    if action.status in (Status.BLOCKED, Status.AT_RISK):
        return "risk"
    if action.updated_at < now - STALE_AFTER:
        return "stale"
    if action.due is None:  # else it would be in no section until it went stale
        return "undated"
    return None


def unmentioned(name: str) -> str:
    """An @name shown without notifying anyone (Telegram links no mention in code)."""
    return f"<code>{escape(name)}</code>"


def unseen_line(actions: list[Action]) -> str:
    """``Not seen yet: @nobodyknown (#3) has not written here …: /reassign 3 @name``:
    owners named a while ago and never seen, once, with what a coordinator can do."""
    by_owner: dict[str, list[int]] = {}
    for action in sorted(actions, key=lambda a: a.number):
        by_owner.setdefault(action.owner_name, []).append(action.number)
    names = "; ".join(
        f"{unmentioned(name)} ({', '.join(f'#{n}' for n in numbers)})"
        for name, numbers in by_owner.items()
    )
    several = len(actions) > 1
    return (
        f"<b>Not seen yet</b>: {names} {'have' if len(by_owner) > 1 else 'has'} not written "
        f"here since being named a week or more ago. A coordinator can give "
        f"{'them' if several else 'it'} to someone here: /reassign {actions[0].number} @name"
    )


def _line(
    action: Action, section: str, zone: ZoneInfo, now: datetime, unseen: frozenset[int]
) -> str:
    if action.number in unseen:
        owner = unmentioned(action.owner_name)
    elif section == "overdue":
        owner = mention(action.owner_user_id, action.owner_name)
    else:
        owner = escape(action.owner_name)
    text = f"#{action.number} {escape(action.title)} — {owner}"
    if action.supporters:
        text += f" with {escape(', '.join(action.supporters))}"
    if section in ("overdue", "due", "next", "risk", "stale") and action.due is not None:
        text += (
            f" · {'was due' if section == 'overdue' else 'due'} {action.due.describe(zone, now)}"
        )
    if action.status in FLAGGED:
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
    charter: CharterDigest | None = None,
    unseen: frozenset[int] = frozenset(),
) -> list[str]:
    """The digest's messages (each under Telegram's limit), or [] when nothing is open,
    nothing closed and nothing decided since the last one. The charter first (a line per
    goal, decisions since, decisions objected to), a summary line, then per partner
    organisation, overdue first (owners of overdue actions mentioned, except owners not
    seen for a while: the ``unseen`` actions' owners are named once at the end), then
    what is due next after this week."""
    actions = list(actions)
    placed: dict[str | None, dict[str, list[Action]]] = {}
    for action in actions:
        key = _section(action, now, since, zone)
        if key is not None:
            placed.setdefault(action.partner_name, {}).setdefault(key, []).append(action)
    answers = [event for event in checkins if event.note == CHECKIN_NOTE]
    still_open = [a for a in actions if not a.status.closed]
    closed = [a for a in actions if a.status.closed and a.closed_at and a.closed_at <= now
              and (since is None or a.closed_at > since)]  # fmt: skip
    if not still_open and not closed and not answers and not (charter and charter.news):
        return []

    def urgency(partner: str | None) -> tuple:
        return ("overdue" not in placed[partner], partner is None, (partner or "").casefold())

    def count(key: str) -> int:
        return sum(len(sections.get(key, ())) for sections in placed.values())

    lines = [f"<b>Digest — {escape(title)}</b> · {day_label(now.astimezone(zone).date())}"]
    if late_note:
        lines.append(f"<i>{escape(late_note)}</i>")
    if charter is not None:
        lines.extend(charter_lines(charter, zone))
    lines.append(
        f"{len(still_open)} open · {count('overdue')} overdue · {count('due')} due this week"
        f" · {count('done')} done since the last digest"
    )
    for partner in sorted(placed, key=urgency):
        lines.append(f"\n<b>{escape(partner or NO_PARTNER)}</b>")
        for section in SECTIONS:
            items = placed[partner].get(section.key)
            if not items:
                continue
            lines.append(f"<u>{section.heading}</u>")
            items.sort(key=lambda a: (a.due.deadline(zone) if a.due else now, a.number))
            lines.extend(f"  {_line(a, section.key, zone, now, unseen)}" for a in items)
    listed = {a.action_id for sections in placed.values() for group in sections.values()
              for a in group}  # fmt: skip
    later = sorted(
        (
            a
            for a in still_open
            if a.due is not None
            and a.due.deadline(zone) > week_end(now, zone)
            and a.action_id not in listed  # already shown (blocked, at risk, stale)
        ),
        key=lambda a: (a.due.deadline(zone) if a.due else now, a.number),
    )[:COMING_UP]
    if later:
        lines.append("\n<u>Coming up</u>")
        lines.extend(f"  {_line(a, 'next', zone, now, unseen)}" for a in later)
    if answers:
        lines.append("\n<b>Check-in answers</b>")
        lines.extend(
            f"  #{event.number} {Status(event.new_value).label}"
            f" — {escape(event.actor_name or 'someone')}"
            for event in answers
            if event.new_value
        )
    if not_seen := [a for a in still_open if a.number in unseen]:
        lines.append("\n" + unseen_line(not_seen))
    return split_message("\n".join(lines))


def _goal_line(progress: GoalProgress) -> str:
    since = f" (+{progress.done_since} done since the last digest)" if progress.done_since else ""
    goal = progress.goal
    return f"Goal {goal.number} {escape(goal.text)}: {progress_counts(progress)}{since}"


def charter_lines(charter: CharterDigest, zone: ZoneInfo) -> list[str]:
    """The digest's opening: one line per open goal with its progress since the last
    digest, the decisions recorded since, and open decisions someone objects to."""
    lines = [_goal_line(progress) for progress in charter.goals]
    flagged = {d.decision_id for d in charter.flagged}  # listed under objections only
    recorded = [d for d in charter.decided if d.decision_id not in flagged]
    if recorded:
        lines.append("<u>Recorded since the last digest</u>")
        lines.extend(f"  {decision_heading(d, zone)}" for d in recorded)
    if charter.flagged:
        lines.append("<u>Decisions with objections</u>")
        lines.extend(
            f"  {decision_heading(d, zone)} — /decision {d.number} confirm or withdraw"
            for d in charter.flagged
        )
    return [*lines, ""] if lines else []


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


Due = tuple[Action, str, ZoneInfo]  # an action, its reminder's kind, its group's timezone


def reminders(due: list[Due], now: datetime, in_group: bool) -> str:
    """Several reminders in one message: in a group, each owner mentioned once above
    their actions; in a private chat, the person's actions with their groups. One
    reminder reads as :func:`reminder` does."""
    if len(due) == 1:
        action, kind, zone = due[0]
        return reminder(action, kind, zone, now, in_group)
    lines = ["<b>Reminders</b>"]
    owner: tuple[int | None, str] | None = None
    for action, kind, zone in due:
        if in_group and (action.owner_user_id, action.owner_name) != owner:
            owner = (action.owner_user_id, action.owner_name)
            lines.append(f"{mention(*owner)}:")
        lines.append("• " + _reminder_line(action, kind, zone, now, in_group))
    if in_group:
        lines.append("Send /done <i>number</i> or /update <i>number</i> <i>note</i>.")
    return "\n".join(lines)


def _reminder_line(action: Action, kind: str, zone: ZoneInfo, now: datetime, in_group: bool) -> str:
    due = action.due.describe(zone, now) if action.due else ""
    where = "" if in_group else f" in {escape(action.chat_title or 'your group')}"
    state = f"is due {due}" if kind == "before" else f"is now overdue (it was due {due})"
    return f"<b>#{action.number}</b> {escape(action.title)}{where} {state}."


def _checkin_lines(actions: list[Action], zone: ZoneInfo, now: datetime) -> list[str]:
    lines = []
    for action in actions[:MAX_CHECKIN_ACTIONS]:
        due = ""
        if action.due is not None:  # an overdue one says so: it is what to answer first
            state = "overdue since" if action.is_overdue(now, zone) else "due"
            due = f" · {state} {action.due.describe(zone, now)}"
        lines.append(f"<b>#{action.number}</b> {escape(action.title)} — {action.status.label}{due}")
    if len(actions) > MAX_CHECKIN_ACTIONS:
        lines.append(f"…and {len(actions) - MAX_CHECKIN_ACTIONS} more: see /mine.")
    return lines


def checkin_private(title: str, actions: list[Action], zone: ZoneInfo, now: datetime) -> str:
    """A check-in in an owner's private chat about their open actions in one group."""
    lines = [f"Check-in from <b>{escape(title)}</b>: how are these going?"]
    return "\n".join(lines + _checkin_lines(actions, zone, now))


def checkin_group(
    owners: list[tuple[int | None, str, list[Action]]],
    zone: ZoneInfo,
    now: datetime,
    buttons: bool,
    unseen: list[Action] | None = None,
) -> str:
    """One group message asking every owner in ``owners`` (each mentioned once) how
    their open actions stand; a pointer to the commands when there are no buttons; the
    ``unseen`` owners' actions (not asked: they have never written here) named once."""
    names = ", ".join(mention(owner_id, name) for owner_id, name, _ in owners)
    lines = [f"Check-in for {names}: how are these going?"]
    if not buttons:
        lines.append(
            "Reply with /update &lt;#&gt; on track (or at risk, or blocked), or /done &lt;#&gt;."
        )
    for _, name, actions in owners:
        if len(owners) > 1:
            lines.append(f"\n<u>{escape(name)}</u>")
        lines.extend(_checkin_lines(actions, zone, now))
    if unseen:
        lines.append("\n" + unseen_line(unseen))
    return "\n".join(lines)
