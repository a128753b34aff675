"""The due-date corpus (tests/data/due_phrases_*.csv): phrases as people write them, each
with the day it was written and what it must be read as. Shared by the tests and the
benchmark (bench/dates.py)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from register.dates import read_due
from register.parsing import UsageError, split_due

DATA = Path(__file__).parent / "data"
ZONE = ZoneInfo("Europe/London")
TITLE = "Draft the carers' survey"


@dataclass(frozen=True)
class Case:
    """One corpus line: ``phrase`` written on ``today`` (10:00 London)."""

    today: date
    phrase: str
    due: str  # "YYYY-MM-DD", "YYYY-MM-DD HH:MM", "none" or "refuse"
    read_as: bool

    @property
    def now(self) -> datetime:
        return datetime.combine(self.today, time(10, 0), tzinfo=ZONE).astimezone(UTC)

    @property
    def text(self) -> str:
        """What follows the owner in /assign."""
        return self.phrase if self.due == "none" else f"{TITLE} {self.phrase}"

    def __str__(self) -> str:
        return f"{self.today:%a %d %b %Y}: {self.phrase!r}"


def outcome(case: Case) -> tuple[str, bool]:
    """What /assign makes of ``case``, in the corpus's terms: the due day (and time),
    "none" when the text stays the title, "refuse"; and whether a note says how it was
    read. A title that isn't the expected one counts as a wrong reading."""
    try:
        title, due_text = split_due(case.text, case.now, ZONE)
    except UsageError:
        return "refuse", False
    if due_text is None:
        return ("none" if title == case.text else "wrong title"), False
    if title != TITLE:
        return "wrong title", False
    reading = read_due(due_text, case.now, ZONE)
    shape = "%Y-%m-%d" if reading.due.all_day else "%Y-%m-%d %H:%M"
    return reading.due.local(ZONE).strftime(shape), reading.note is not None


def right(case: Case) -> bool:
    """Whether ``case`` is read as the corpus says (with a note where it asks for one)."""
    due, noted = outcome(case)
    return due == case.due and (noted or not case.read_as)


def load(name: str) -> list[Case]:
    """The cases of ``due_phrases_<name>.csv`` ("heldout" or "tuning")."""
    with (DATA / f"due_phrases_{name}.csv").open(encoding="utf-8") as file:
        lines = [line for line in file if not line.startswith("#")]
    return [
        Case(date.fromisoformat(row["today"]), row["phrase"], row["due"], row["note"] == "read-as")
        for row in csv.DictReader(lines)
    ]
