"""How goals, roles and decisions read in a chat (Telegram HTML, escaped here)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.charter import Answer, CharterEvent, Decision, DecisionStatus, GoalProgress, Role
from domain.due import day_label
from domain.model import Action
from formatting.html import escape
from register.render import NO_PARTNER, action_line, grouped


def progress_counts(progress: GoalProgress) -> str:
    """``2 done · 3 open · 1 overdue`` (``no actions yet`` for a goal without any)."""
    if not (progress.done or progress.open):
        return "no actions yet"
    text = f"{progress.done} done · {progress.open} open"
    return text + (f" · {progress.overdue} overdue" if progress.overdue else "")


def goal_line(progress: GoalProgress) -> str:
    """``<b>Goal 1</b> Cut waiting times — 2 done · 3 open``."""
    goal = progress.goal
    return f"<b>Goal {goal.number}</b> {escape(goal.text)} — {progress_counts(progress)}"


def goals_text(title: str, progress: list[GoalProgress]) -> str:
    """/goals: each open goal with its actions done, open and overdue."""
    if not progress:
        return (
            "No goals agreed yet. A coordinator records one: /goal add &lt;what the "
            "partnership means to achieve&gt;"
        )
    lines = [f"<b>Goals — {escape(title)}</b>"]
    lines.extend(goal_line(p) for p in progress)
    lines.append("Link an action: /link &lt;#&gt; goal &lt;n&gt;, or /assign … for goal &lt;n&gt;.")
    return "\n".join(lines)


def goal_text(progress: GoalProgress, actions: list[Action], zone: ZoneInfo, now: datetime) -> str:
    """/goal 2: the goal, its progress and its actions by partner."""
    goal = progress.goal
    state = " (closed)" if goal.closed else ""
    lines = [f"<b>Goal {goal.number}</b>{state}: {escape(goal.text)}", progress_counts(progress)]
    still_open = [a for a in actions if not a.status.closed]
    done = [a for a in actions if a.status.closed]
    lines.extend(grouped(still_open, zone, now))
    if done:
        lines.append("<u>Closed</u>")
        lines.extend(f"  {action_line(a, zone, now, owner=True)}" for a in done)
    return "\n".join(lines)


def role_line(role: Role) -> str:
    """``<b>Data lead</b> — HSCB: monthly data returns``."""
    covers = f": {escape(role.covers)}" if role.covers else ""
    return f"<b>{escape(role.name)}</b> — {escape(role.holder)}{covers}"


def roles_text(title: str, roles: list[Role]) -> str:
    """/roles: the partnership's terms of reference."""
    if not roles:
        return (
            "No roles yet. A coordinator adds them: /role add Chair @name, "
            '/role add "Data lead" HSCB: monthly data returns'
        )
    return "\n".join([f"<b>Roles — {escape(title)}</b>", *(role_line(r) for r in roles)])


_STATES = {
    DecisionStatus.OPEN: "open",
    DecisionStatus.CONFIRMED: "confirmed",
    DecisionStatus.WITHDRAWN: "withdrawn",
}


def decision_heading(decision: Decision, zone: ZoneInfo, objecting: bool = True) -> str:
    """``<b>Decision 3</b> Pool the budgets — proposed by Ann, Tue 24 Nov · open`` (with
    ``· 1 objecting`` unless the caller counts the answers itself)."""
    day = day_label(decision.created_at.astimezone(zone).date())
    state = _STATES[decision.status]
    if decision.flagged and objecting:
        state += f" · {decision.objections} objecting"
    return (
        f"<b>Decision {decision.number}</b> {escape(decision.text)} — proposed by "
        f"{escape(decision.proposer_name)}, {day} · {state}"
    )


def responses_lines(decision: Decision) -> list[str]:
    """``Agree: HSCB (Bob), City Council (Carol)``, ``Object: Dave`` — by partner."""
    lines = []
    for answer, label in ((Answer.AGREE, "Agree"), (Answer.OBJECT, "Object")):
        by_partner: dict[str, list[str]] = {}
        for response in decision.responses:
            if response.answer is answer:
                by_partner.setdefault(response.partner or NO_PARTNER, []).append(response.name)
        if by_partner:
            shown = "; ".join(
                f"{escape(partner)} ({escape(', '.join(names))})"
                for partner, names in sorted(by_partner.items(), key=lambda kv: kv[0].casefold())
            )
            lines.append(f"{label}: {shown}")
    return lines or ["No answers yet."]


def decision_text(decision: Decision, zone: ZoneInfo) -> str:
    """A decision with its answers by partner (the message with the buttons)."""
    lines = [decision_heading(decision, zone), *responses_lines(decision)]
    if decision.flagged:
        lines.append(
            f"Objected to: a coordinator resolves it with /decision {decision.number} confirm "
            "or withdraw."
        )
    return "\n".join(lines)


def decisions_text(title: str, decisions: list[Decision], zone: ZoneInfo) -> str:
    """/decisions: latest first, with how many agree and object."""
    if not decisions:
        return (
            "No decisions recorded yet. A coordinator records one: /decide &lt;what was decided&gt;"
        )
    lines = [f"<b>Decisions — {escape(title)}</b>"]
    for decision in decisions:
        agree = len(decision.responses) - decision.objections
        lines.append(
            f"{decision_heading(decision, zone, objecting=False)} · {agree} agree, "
            f"{decision.objections} object"
        )
    return "\n".join(lines)


def history_text(heading: str, events: list[CharterEvent], zone: ZoneInfo) -> str:
    """One line per change: when, who, what (``/goal 2 history``, ``/roles history``)."""
    if not events:
        return f"{escape(heading)}: no changes yet."
    return "\n".join([f"<b>{escape(heading)}</b>", *(_event_line(e, zone) for e in events)])


def _event_line(event: CharterEvent, zone: ZoneInfo) -> str:
    when = event.at.astimezone(zone).strftime("%d %b %H:%M")
    who = escape(event.actor_name or "Someone")
    old, new = escape(event.old_value or ""), escape(event.new_value or "")
    described = {
        "created": f"recorded it: {new}",
        "text": f"reworded it: {old} → {new}",
        "closed": "closed it",
        "role": f"added {new}",
        "changed": f"changed {new} (was {old})",
        "removed": f"removed {old}",
        "answer": f"answered {new}" + (f" (was {old})" if old else ""),
        "status": {"confirmed": "confirmed it", "withdrawn": "withdrew it"}.get(
            event.new_value or "", f"status {old} → {new}"
        ),
    }.get(event.kind, escape(event.kind))
    return f"{when} · {who} {described}"
