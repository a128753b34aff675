"""The charter as one CSV file for /export: goals, roles, decisions with every answer,
then every change to them; cells written safe from spreadsheet formulas, as the
register's files are (register/export.py)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from domain.charter import CharterEvent, Decision, GoalProgress, Role
from register.export import csv_bytes

CHARTER_COLUMNS = ("record", "number", "text", "who", "status", "when", "detail")


def charter_csv(
    goals: list[GoalProgress],
    roles: list[Role],
    decisions: list[Decision],
    events: list[CharterEvent],
    zone: ZoneInfo,
) -> bytes:
    """One row per goal, role, decision, answer and change; times in the chat's timezone."""

    def local(moment: object) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""  # type: ignore[attr-defined]

    rows = [
        ["goal", str(p.goal.number), p.goal.text, "", "closed" if p.goal.closed else "open",
         local(p.goal.created_at), f"{p.done} done, {p.open} open, {p.overdue} overdue"]
        for p in goals
    ]  # fmt: skip
    rows += [["role", "", r.name, r.holder, "", "", r.covers or ""] for r in roles]
    for d in sorted(decisions, key=lambda d: d.number):
        rows.append(["decision", str(d.number), d.text, d.proposer_name, d.status.value,
                     local(d.created_at), ""])  # fmt: skip
        rows += [
            ["answer", str(d.number), d.text, r.name, r.answer.value, local(r.at), r.partner or ""]
            for r in d.responses
        ]
    rows += [
        [f"{e.subject} change", str(e.subject_id) if e.subject != "role" else "", e.new_value or "",
         e.actor_name or "", e.kind, local(e.at), e.old_value or ""]
        for e in events
    ]  # fmt: skip
    return csv_bytes(CHARTER_COLUMNS, rows)
