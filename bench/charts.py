"""Charts: /progress for a partnership with 1,000 actions and a health-check chart with
50 answers per principle, rendered to PNG, beside the baseline of the same data as the
text summary (what the caption says); and what matplotlib costs in memory and start-up.

Targets (issue 11): each chart renders in <= 300 ms and the plotting library adds no more
than 60 MB; it is imported lazily, so start-up does not grow.

Run: ``make bench`` or ``.venv/bin/python -m bench.charts`` (a fresh process: the memory
figures are that process's resident set before and after the first chart).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from charts.health import health_chart_data, render_health
from charts.progress import progress_data, render_progress
from domain.due import Due
from domain.health import PRINCIPLES, HealthResults, Round, aggregate
from domain.model import Action, Status
from health.render import results_text

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/London")
TARGET_MS = 300.0
TARGET_MB = 60.0
ROUNDS = 15
PAGE = 4096


def rss_mb() -> float:
    """This process's resident set now (not its peak), in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * PAGE / 2**20


def thousand_actions() -> list[Action]:
    """1,000 actions over 12 partners: open, overdue, done in the last ten weeks, dropped."""
    rng = random.Random(11)
    actions = []
    for number in range(1, 1001):
        status = rng.choice([Status.OPEN, Status.ON_TRACK, Status.AT_RISK, Status.DONE,
                             Status.DONE, Status.DROPPED])  # fmt: skip
        closed = NOW - timedelta(hours=rng.randrange(24 * 70)) if status.closed else None
        due = date(2026, 11, 1) + timedelta(days=rng.randrange(60))
        partner = f"Partner organisation {rng.randrange(12):02}"
        actions.append(
            Action(
                number,
                -1,
                number,
                f"Action {number}",
                101,
                None,
                "Alice",
                None,
                partner,
                status,
                Due(on=due),
                None,
                101,
                NOW,
                NOW,
                closed,
            )
        )
    return actions


def fifty_answers() -> HealthResults:
    """A round of 50 answers per principle, and a previous round to compare with."""
    rng = random.Random(12)
    ratings = {p.key: sorted(rng.randint(1, 5) for _ in range(50)) for p in PRINCIPLES}
    previous = {p.key: rng.uniform(2, 4) for p in PRINCIPLES}
    shown = Round(2, -1, NOW - timedelta(days=7), NOW, NOW)
    return HealthResults(shown, 50, aggregate(ratings, previous))


def timed(work: Callable[[], object], rounds: int) -> tuple[float, float, float]:
    """Median and worst wall time of ``rounds`` runs, and median CPU time, in ms (CPU
    time shows the work itself when other processes share the cores)."""
    samples, cpu = [], []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(samples), max(samples), statistics.median(cpu)


def startup_imports_matplotlib() -> bool:
    """Whether building the Application (every handler) imports matplotlib."""
    code = (
        "import sys, app.builder, handlers, nudges.engine, health.service;"
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return out.stdout.strip() == "True"


def main() -> None:
    actions = thousand_actions()
    results = fifty_answers()
    before = rss_mb()
    started = time.perf_counter()
    render_progress(progress_data(actions, NOW, ZONE), "Partners for Health")
    first_ms = (time.perf_counter() - started) * 1000
    render_health(health_chart_data(results), "Health check", "50 answers")
    after_first = rss_mb()

    def progress_chart() -> None:
        render_progress(progress_data(actions, NOW, ZONE), "Partners for Health")

    def progress_text() -> None:
        progress_data(actions, NOW, ZONE).summary()

    def health_chart() -> None:
        render_health(health_chart_data(results), "Health check", "50 answers")

    def health_text() -> None:
        results_text(results, "Partners for Health", NOW, ZONE)

    p50, worst, p_cpu = timed(progress_chart, ROUNDS)
    h50, h_worst, h_cpu = timed(health_chart, ROUNDS)
    after_all = rss_mb()
    tracemalloc.start()  # after the timings: tracing slows drawing several times over
    progress_chart()
    health_chart()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    base_p, *_ = timed(progress_text, ROUNDS)
    base_h, *_ = timed(health_text, ROUNDS)

    print(f"first chart, importing matplotlib: {first_ms:.0f} ms (once per process)")
    for name, median, most, cpu, text in (
        ("/progress, 1,000 actions:", p50, worst, p_cpu, base_p),
        ("health check, 50 answers:", h50, h_worst, h_cpu, base_h),
    ):
        print(
            f"{name:26} p50 {median:.0f} ms, worst {most:.0f} ms, CPU p50 {cpu:.0f} ms (target"
            f" <= {TARGET_MS:.0f} ms); the same as text {text:.2f} ms, ratio {median / text:.0f}x"
        )
    extra = max(after_first, after_all) - before
    print(f"memory: RSS {before:.0f} MB before the first chart, {after_first:.0f} MB after it, "
          f"{after_all:.0f} MB after {2 * ROUNDS} more: +{extra:.0f} MB "
          f"(target <= {TARGET_MB:.0f} MB); Python allocations while drawing peak at "
          f"{traced_peak / 2**20:.1f} MB")  # fmt: skip
    lazy = not startup_imports_matplotlib()
    print(f"start-up imports matplotlib: {'no' if lazy else 'YES'}")
    load = os.getloadavg()[0]
    print(f"load average while measuring: {load:.1f} on {os.cpu_count()} cores")
    met = max(p50, h50) <= TARGET_MS and extra <= TARGET_MB and lazy
    print("targets:", "met" if met else "MISSED")


if __name__ == "__main__":
    main()
