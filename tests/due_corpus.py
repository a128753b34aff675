"""The due-date corpus (tests/data/due_phrases_*.csv): phrases as people write them, each
with the day it was written and what it must be read as. Shared by the tests and the
benchmark (bench/dates.py)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

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


def load(name: str) -> list[Case]:
    """The cases of ``due_phrases_<name>.csv`` ("heldout" or "tuning")."""
    with (DATA / f"due_phrases_{name}.csv").open(encoding="utf-8") as file:
        lines = [line for line in file if not line.startswith("#")]
    return [
        Case(date.fromisoformat(row["today"]), row["phrase"], row["due"], row["note"] == "read-as")
        for row in csv.DictReader(lines)
    ]
