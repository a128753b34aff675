"""The partnership health check's vocabulary: the principles rated, and the results.

The one list of principles lives here; each maps to its guidance entry, which the
weakest principle's results offer as a button.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

MIN_ANSWERS = 3  # fewer answers than this show no figures: one answer would be someone's
RATINGS = range(1, 6)


@dataclass(frozen=True)
class Principle:
    """One principle: its stored key, how people read it, a short button label and the
    guidance entry that explains it."""

    key: str
    label: str
    short: str
    guidance_id: str


PRINCIPLES = (
    Principle("openness", "Openness", "Open", "principle-openness"),
    Principle("trust", "Trust and honesty", "Trust", "principle-trust-honesty"),
    Principle("goals", "Agreed shared goals and values", "Goals", "principle-shared-goals"),
    Principle("communication", "Regular communication", "Talk", "principle-regular-communication"),
    Principle(
        "responsibilities",
        "Clear responsibilities and authority",
        "Roles",
        "gp-clarify-responsibilities",
    ),
    Principle("outcomes", "A focus on outcomes", "Outcome", "gp-focus-outcomes"),
)
BY_KEY = {p.key: p for p in PRINCIPLES}


@dataclass(frozen=True)
class Round:
    """One health-check round of a chat."""

    round_id: int
    chat_id: int
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        """Taking answers: not closed early and not past its closing time."""
        return self.closed_at is None and now < self.closes_at

    def ended_at(self) -> datetime:
        """When it closed, or will close."""
        return self.closed_at or self.closes_at


@dataclass(frozen=True)
class PrincipleResult:
    """One principle's aggregate: ``None`` figures when fewer than MIN_ANSWERS rated it."""

    principle: Principle
    answers: int
    mean: float | None
    spread: float | None  # population standard deviation
    change: float | None  # mean minus the previous round's, when both have figures


@dataclass(frozen=True)
class HealthResults:
    """A round's aggregates: never who answered what."""

    round: Round
    respondents: int
    principles: tuple[PrincipleResult, ...]
    comments: tuple[str, ...] = ()  # shuffled, and only when MIN_ANSWERS answered
    closed: bool = True  # an open round shows no figure: each new answer would show

    @property
    def shown(self) -> bool:
        """Whether figures may be shown: the round has closed (while it is open, a figure
        that moves with each answer gives that answer away) and enough people answered."""
        return self.closed and self.respondents >= MIN_ANSWERS

    @property
    def weakest(self) -> PrincipleResult | None:
        """The principle with the lowest mean (the first in list order on a tie)."""
        rated = [p for p in self.principles if p.mean is not None]
        return min(rated, key=lambda p: p.mean or 0.0) if rated else None


def aggregate(
    ratings: Mapping[str, Sequence[int]], previous: Mapping[str, float | None] | None = None
) -> tuple[PrincipleResult, ...]:
    """Mean, spread and change per principle from the ratings alone (no respondents);
    a principle rated by fewer than MIN_ANSWERS people gets no figures."""
    results = []
    for principle in PRINCIPLES:
        values = list(ratings.get(principle.key, ()))
        if len(values) < MIN_ANSWERS:
            results.append(PrincipleResult(principle, len(values), None, None, None))
            continue
        mean = statistics.fmean(values)
        before = (previous or {}).get(principle.key)
        results.append(
            PrincipleResult(
                principle,
                len(values),
                round(mean, 2),
                round(statistics.pstdev(values), 2),
                round(mean - before, 2) if before is not None else None,
            )
        )
    return tuple(results)
