"""/progress: open, overdue and done actions by partner organisation, and done per week.

``progress_data`` computes the numbers (tests check them); ``render_progress`` draws them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from charts.figure import COLOURS, FONT_SIZE, axes_at, chart, new_figure, text_at
from domain.model import Action, Status

WEEKS = 8
MAX_PARTNERS = 10  # more bars than this are unreadable on a phone: the rest are "Others"
NO_PARTNER = "No partner"
OTHERS = "Others"

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class PartnerCounts:
    """One partner's actions: open and on time, overdue, and done (dropped ones aside)."""

    name: str
    open: int
    overdue: int
    done: int

    @property
    def total(self) -> int:
        """All three together."""
        return self.open + self.overdue + self.done


@dataclass(frozen=True)
class ProgressData:
    """The numbers behind the /progress chart."""

    partners: tuple[PartnerCounts, ...]  # most actions first
    weeks: tuple[date, ...]  # the Monday of each of the last WEEKS weeks, oldest first
    done_per_week: tuple[int, ...]

    @property
    def open(self) -> int:
        """Open and not overdue, all partners."""
        return sum(p.open for p in self.partners)

    @property
    def overdue(self) -> int:
        """Open and overdue, all partners."""
        return sum(p.overdue for p in self.partners)

    @property
    def done(self) -> int:
        """Done, all partners, ever."""
        return sum(p.done for p in self.partners)

    def summary(self) -> str:
        """The chart in one line, for the caption and for those who don't open images."""
        if not self.partners:
            return "Nothing recorded yet: /assign adds an action."
        opened = self.open + self.overdue
        recent = sum(self.done_per_week)
        return (
            f"{opened} open ({self.overdue} overdue), {self.done} done; "
            f"{recent} done in the last {len(self.weeks)} weeks, "
            f"{self.done_per_week[-1]} this week."
        )


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def progress_data(actions: list[Action], now: datetime, zone: ZoneInfo) -> ProgressData:
    """Count ``actions`` by partner and state, and done ones by local week."""
    counts: dict[str, Counter[str]] = {}
    this_week = week_start(now.astimezone(zone).date())
    weeks = tuple(this_week - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1))
    per_week: Counter[date] = Counter()
    for action in actions:
        if action.status is Status.DROPPED:
            continue
        if action.status is Status.DONE:
            state = "done"
            if action.closed_at is not None:
                per_week[week_start(action.closed_at.astimezone(zone).date())] += 1
        else:
            state = "overdue" if action.is_overdue(now, zone) else "open"
        counts.setdefault(action.partner_name or NO_PARTNER, Counter())[state] += 1
    partners = sorted(
        (PartnerCounts(name, c["open"], c["overdue"], c["done"]) for name, c in counts.items()),
        key=lambda p: (-p.total, p.name.casefold()),
    )
    if len(partners) > MAX_PARTNERS:
        rest = partners[MAX_PARTNERS - 1 :]
        others = PartnerCounts(
            OTHERS,
            sum(p.open for p in rest),
            sum(p.overdue for p in rest),
            sum(p.done for p in rest),
        )
        partners = [*partners[: MAX_PARTNERS - 1], others]
    return ProgressData(tuple(partners), weeks, tuple(per_week[w] for w in weeks))


def _short(name: str, width: int = 18) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


@chart
def render_progress(data: ProgressData, title: str) -> Figure:
    """The chart (PNG, through ``chart``): stacked bars per partner above, done per week below."""
    rows = max(len(data.partners), 1)
    bars_height = 60 * rows + 20
    figure = new_figure(610 + bars_height)
    text_at(figure, 20, 15, _short(title, 40), FONT_SIZE + 6, fontweight="bold")
    text_at(figure, 20, 75, "Actions by partner", FONT_SIZE + 2)
    top = axes_at(figure, 250, 130, 700, bars_height)
    names = [_short(p.name) for p in reversed(data.partners)]
    left = [0] * len(names)
    for state in ("open", "overdue", "done"):
        values = [getattr(p, state) for p in reversed(data.partners)]
        top.barh(names, values, left=left, color=COLOURS[state], label=state)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, total in enumerate(left):
        top.text(total, y, f" {total}", va="center", fontsize=FONT_SIZE - 2)
    top.tick_params(labelsize=FONT_SIZE - 2)
    top.set_xlim(0, max(left, default=1) * 1.15 + 1)
    # Each bar is labelled with its total: no value axis (ticks are costly to draw).
    top.xaxis.set_visible(False)
    top.tick_params(axis="y", length=0)
    top.spines[["top", "right", "bottom"]].set_visible(False)
    figure.legend(
        fontsize=FONT_SIZE - 2,
        loc="upper right",
        bbox_to_anchor=(0.97, 1 - 65 / figure.bbox.height),
        ncol=3,
        frameon=False,
    )
    below = 130 + bars_height + 60
    text_at(figure, 20, below, "Done per week", FONT_SIZE + 2)
    bottom = axes_at(figure, 40, below + 60, 920, 280)
    labels = [f"{w.day} {w:%b}" for w in data.weeks]
    bottom.bar(labels, data.done_per_week, color=COLOURS["done"])
    for x, count in enumerate(data.done_per_week):
        bottom.text(x, count, str(count), ha="center", va="bottom", fontsize=FONT_SIZE - 2)
    bottom.tick_params(axis="x", labelsize=FONT_SIZE - 5)
    bottom.tick_params(axis="x", length=0)
    bottom.set_ylim(0, max(data.done_per_week, default=0) * 1.2 + 1)
    bottom.yaxis.set_visible(False)
    bottom.spines[["top", "right", "left"]].set_visible(False)
    return figure
