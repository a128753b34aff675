"""Due dates as people write them: the share of the corpus (tests/data/due_phrases_*.csv)
read right, held-out and tuning apart, and the time /assign spends finding and reading a
due date (p50, p99) beside dateparser alone on the same phrases, measured in the same run.

Run: ``make bench`` or ``.venv/bin/python -m bench.dates``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import dateparser

from register.dates import read_due, warm_up
from register.parsing import UsageError, split_due
from tests.due_corpus import ZONE, Case, load, right

TARGET_P99_MS = 1.0
ROUNDS = 20


def ours(case: Case) -> None:
    """What /assign does with the text after the owner: split off the due clause, read it."""
    try:
        _, due_text = split_due(case.text, case.now, ZONE)
    except UsageError:
        return
    if due_text is not None:
        read_due(due_text, case.now, ZONE)


def dateparser_alone(case: Case) -> None:
    """The baseline: dateparser on the due phrase alone (no title to look through)."""
    base = case.now.astimezone(ZONE).replace(tzinfo=None)
    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": base, "DATE_ORDER": "DMY"}
    dateparser.parse(case.phrase, languages=["en"], settings=settings)  # type: ignore[arg-type]


def times(parse: Callable[[Case], None], cases: list[Case], rounds: int) -> tuple[float, float]:
    """p50 and p99 over every case, ``rounds`` times each, in milliseconds."""
    samples = []
    for _ in range(rounds):
        for case in cases:
            started = time.perf_counter()
            parse(case)
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def main() -> None:
    warm_up()
    held_out, tuning = load("heldout"), load("tuning")
    for name, cases in (("held-out", held_out), ("tuning", tuning)):
        read = sum(right(case) for case in cases)
        print(f"{name:9} corpus: {read}/{len(cases)} read right ({read / len(cases):.1%})")
    everything = held_out + tuning
    p50, p99 = times(ours, everything, ROUNDS)
    base50, base99 = times(dateparser_alone, everything, max(1, ROUNDS // 4))
    print(
        f"/assign's due date:  p50 {p50:.3f} ms, p99 {p99:.3f} ms "
        f"(target p99 <= {TARGET_P99_MS} ms)"
    )
    print(f"dateparser alone:    p50 {base50:.3f} ms, p99 {base99:.3f} ms")
    print(f"ratio (ours/dateparser): p50 {p50 / base50:.2f}, p99 {p99 / base99:.2f}")
    print("p99 target:", "met" if p99 <= TARGET_P99_MS else "MISSED")


if __name__ == "__main__":
    main()
