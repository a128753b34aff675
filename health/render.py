"""Health-check results as text (Telegram HTML): figures only when enough answered."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.health import MIN_ANSWERS, HealthResults, PrincipleResult
from formatting.html import escape


def _change(result: PrincipleResult) -> str:
    if result.change is None:
        return ""
    if result.change == 0:
        return " (no change)"
    arrow = "▲" if result.change > 0 else "▼"
    return f" ({arrow}{abs(result.change):.1f})"


def round_line(results: HealthResults, now: datetime, zone: ZoneInfo) -> str:
    """When the round ran and how many answered."""
    shown = results.round
    opened = shown.opened_at.astimezone(zone)
    ended = shown.ended_at().astimezone(zone)
    state = f"open until {ended:%d %b}" if shown.is_open(now) else f"closed {ended:%d %b}"
    answered = "1 answer" if results.respondents == 1 else f"{results.respondents} answers"
    return f"Round opened {opened:%d %b %Y}, {state}: {answered}"


def results_text(results: HealthResults, title: str, now: datetime, zone: ZoneInfo) -> str:
    """The results: per principle the mean, spread and change, or why there are none."""
    lines = [f"<b>Health check: {escape(title)}</b>", round_line(results, now, zone)]
    if not results.closed:
        closes = results.round.ended_at().astimezone(zone)
        lines.append(
            f"Figures are shown when the round closes ({closes:%a %d %b}; /healthcheck "
            f"close ends it sooner), if at least {MIN_ANSWERS} people have answered: while "
            "it is open, each new answer would show in them."
        )
        return "\n".join(lines)
    if not results.shown:
        lines.append(
            f"Fewer than {MIN_ANSWERS} people answered, so no figures are shown: no one's "
            "answer may be told apart."
        )
        return "\n".join(lines)
    for result in results.principles:
        if result.mean is None:
            lines.append(f"{escape(result.principle.label)}: fewer than {MIN_ANSWERS} rated it")
        else:
            lines.append(
                f"{escape(result.principle.label)}: <b>{result.mean:.1f}</b> "
                f"±{result.spread or 0:.1f}{_change(result)}"
            )
    weakest = results.weakest
    if weakest is not None:
        lines.append(f"Weakest: {escape(weakest.principle.label)}.")
    return "\n".join(lines)


def comments_text(results: HealthResults) -> str | None:
    """The round's comments, unsigned and shuffled; ``None`` when none (or too few
    answered to show any)."""
    if not results.shown or not results.comments:
        return None
    return "\n".join(
        ["<b>Comments</b> (unsigned, in random order)"]
        + [f"• {escape(comment)}" for comment in results.comments]
    )
