"""The register as two CSV files: one row per action, and every history event.

Anyone controls their own display name, titles and notes, so every cell that a
spreadsheet would read as a formula is written as text (OWASP's CSV injection advice),
and every cell is quoted, so a locale that separates fields with ';' reads the same cells.
"""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from domain.due import Due
from domain.faq import FaqEntry, FaqEvent
from domain.health import HealthResults
from domain.model import Action, ActionEvent, Status
from register.render import due_from_value, owner_label

ACTION_COLUMNS = (
    "number", "title", "owner", "partner", "status", "due", "created", "closed", "last note",
    "supporters", "repeats",
)  # fmt: skip
EVENT_COLUMNS = ("number", "when", "who", "what", "old", "new", "note")
FAQ_COLUMNS = ("number", "question", "answer", "added by", "added", "changed")
FAQ_EVENT_COLUMNS = (
    "number", "when", "who", "what", "old question", "old answer", "new question", "new answer",
)  # fmt: skip
HEALTH_COLUMNS = (
    "round", "opened", "closed", "answers", "principle", "rated by", "mean", "spread",
    "change",
)  # fmt: skip
BOM = "\ufeff"  # so spreadsheet programs read the file as UTF-8
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


LEADING_SPACES = " \u00a0"  # what a spreadsheet's "trim spaces" option may drop first


def safe_cell(text: str) -> str:
    """``text``, with a leading single quote if a spreadsheet would run it as a formula,
    also after the spaces it may trim."""
    return f"'{text}" if text.lstrip(LEADING_SPACES).startswith(FORMULA_STARTS) else text


def _local(moment: object, zone: ZoneInfo, with_time: bool = True) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(zone)  # type: ignore[attr-defined]
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def _due(due: Due | None, zone: ZoneInfo) -> str:
    """A due day as its date; a due time in the chat's timezone."""
    if due is None:
        return ""
    return due.on.isoformat() if due.on else _local(due.at, zone)


def _value(kind: str, value: str | None, zone: ZoneInfo) -> str:
    """A history event's old or new value as people read it."""
    if not value:
        return ""
    if kind in ("status", "reopened"):
        return Status(value).label
    if kind == "due":
        return _due(due_from_value(value), zone)
    return value


def csv_bytes(header: tuple[str, ...], rows: list[list[str]]) -> bytes:
    """A CSV file as Accord writes them: UTF-8 with a BOM, every cell quoted and safe."""
    buffer = io.StringIO()
    # Every cell quoted: a spreadsheet that splits fields on ';' can't cut a cell in two.
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return (BOM + buffer.getvalue()).encode("utf-8")


def actions_csv(actions: list[Action], zone: ZoneInfo) -> bytes:
    """One row per action, in number order; times in the chat's timezone."""
    rows = [
        [
            str(a.number),
            a.title,
            owner_label(a),
            a.partner_name or "",
            a.status.label,
            _due(a.due, zone),
            _local(a.created_at, zone),
            _local(a.closed_at, zone),
            a.last_note or "",
            ", ".join(a.supporters),
            a.recurrence.describe() if a.recurrence else "",
        ]
        for a in sorted(actions, key=lambda a: a.number)
    ]
    return csv_bytes(ACTION_COLUMNS, rows)


def events_csv(events: list[ActionEvent], zone: ZoneInfo) -> bytes:
    """Every change, oldest first."""
    rows = [
        [
            str(e.number),
            _local(e.at, zone),
            e.actor_label,
            e.kind,
            _value(e.kind, e.old_value, zone),
            _value(e.kind, e.new_value, zone),
            e.note or "",
        ]
        for e in events
    ]
    return csv_bytes(EVENT_COLUMNS, rows)


def faq_csv(entries: list[FaqEntry], zone: ZoneInfo) -> bytes:
    """The partnership's own answers, one row each, in number order."""
    rows = [
        [
            str(e.number),
            e.question,
            e.answer,
            e.added_by or "",
            _local(e.created_at, zone),
            _local(e.updated_at, zone),
        ]
        for e in entries
    ]
    return csv_bytes(FAQ_COLUMNS, rows)


def faq_events_csv(events: list[FaqEvent], zone: ZoneInfo) -> bytes:
    """Every change to the FAQ (added, edited, removed), oldest first."""
    rows = [
        [
            str(e.number),
            _local(e.at, zone),
            e.actor_name,
            e.kind,
            e.old_question or "",
            e.old_answer or "",
            e.new_question or "",
            e.new_answer or "",
        ]
        for e in events
    ]
    return csv_bytes(FAQ_EVENT_COLUMNS, rows)


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def health_csv(rounds: list[HealthResults], zone: ZoneInfo) -> bytes:
    """Health-check aggregates, a row per round and principle, oldest first: never an
    individual answer, and no figure where fewer than three rated."""
    rows = [
        [
            str(number),
            _local(results.round.opened_at, zone),
            _local(results.round.ended_at(), zone),
            str(results.respondents),
            result.principle.label,
            str(result.answers) if results.shown else "",
            _figure(result.mean),
            _figure(result.spread),
            _figure(result.change),
        ]
        for number, results in enumerate(rounds, 1)
        for result in results.principles
    ]
    return csv_bytes(HEALTH_COLUMNS, rows)
    return csv_bytes(FAQ_EVENT_COLUMNS, rows)
