"""A health-check round as a chart: each principle's mean, its spread and the change.

``health_chart_data`` picks the numbers (tests check them); ``render_health`` draws them.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from charts.figure import COLOURS, FONT_SIZE, axes_at, chart, new_figure, text_at
from domain.health import HealthResults

WEAKEST = "#E45756"

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class HealthBar:
    """One principle's bar: no figures (``mean`` None) when too few rated it."""

    label: str
    mean: float | None
    spread: float | None
    previous: float | None  # last round's mean, drawn as a marker
    weakest: bool

    def caption(self) -> str:
        """``3.4 ±0.8 ▲0.3`` beside the bar."""
        if self.mean is None:
            return "fewer than 3"
        text = f"{self.mean:.1f} ±{self.spread or 0:.1f}"
        if self.previous is not None:
            change = self.mean - self.previous
            arrow = "▲" if change > 0 else "▼" if change < 0 else "="
            text += f" {arrow}{abs(change):.1f}"
        return text


def health_chart_data(results: HealthResults) -> list[HealthBar]:
    """The bars, in the principles' order."""
    weakest = results.weakest
    return [
        HealthBar(
            r.principle.label,
            r.mean,
            r.spread,
            None if r.change is None or r.mean is None else round(r.mean - r.change, 2),
            weakest is not None and r.principle.key == weakest.principle.key,
        )
        for r in results.principles
    ]


def _wrapped(label: str, width: int = 18) -> str:
    """A long principle on two or three lines, so the bars keep their width on a phone."""
    return textwrap.fill(label, width)


@chart
def render_health(bars: list[HealthBar], title: str, subtitle: str) -> Figure:
    """The chart (PNG, through ``chart``): horizontal bars on the 1–5 scale, ± spread,
    and last round's mean."""
    height = 90 * len(bars)
    figure = new_figure(250 + height)
    text_at(figure, 20, 15, title, FONT_SIZE + 6, fontweight="bold")
    text_at(figure, 20, 65, subtitle, FONT_SIZE - 2)
    axes = axes_at(figure, 290, 130, 480, height)
    positions = list(range(len(bars)))[::-1]
    means = [b.mean or 0 for b in bars]
    colours = [WEAKEST if b.weakest else COLOURS["mean"] for b in bars]
    axes.barh(positions, means, color=colours, height=0.6)
    for y, bar in zip(positions, bars, strict=True):
        if bar.mean is not None and bar.spread:
            axes.errorbar(bar.mean, y, xerr=bar.spread, color="#333333", capsize=6, lw=2)
        if bar.previous is not None:
            axes.plot(bar.previous, y, marker="D", color="black", markersize=10)
        axes.text(5.1, y, bar.caption(), va="center", fontsize=FONT_SIZE - 4)
    axes.set_yticks(positions, [_wrapped(b.label) for b in bars], fontsize=FONT_SIZE - 4)
    axes.set_xlim(0, 5)
    axes.set_xticks([1, 2, 3, 4, 5])
    axes.tick_params(axis="x", labelsize=FONT_SIZE - 4)
    axes.spines[["top", "right"]].set_visible(False)
    text_at(
        figure,
        20,
        190 + height,
        key_text(any(b.previous is not None for b in bars)),
        FONT_SIZE - 6,
        color="#555555",
    )
    return figure


def key_text(has_previous: bool) -> str:
    """The chart's key; the last round's marker only when there was one to draw."""
    return "Bar: mean (1–5); line: spread" + ("; ◆ last round" if has_previous else "")
