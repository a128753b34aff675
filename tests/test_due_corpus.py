"""Due dates as people write them: every line of the held-out and tuning corpora is read
as its expected date, kept whole in the title, or refused (never silently dropped)."""

from __future__ import annotations

import pytest

from tests.due_corpus import Case, load, outcome

HELD_OUT = load("heldout")
TUNING = load("tuning")


def check(case: Case) -> None:
    due, noted = outcome(case)
    assert due == case.due
    if case.read_as:
        assert noted, "an ambiguous phrase says how it was read"


def test_the_corpus_is_big_enough() -> None:
    assert len(HELD_OUT) + len(TUNING) >= 150
    assert len({case.today.weekday() for case in HELD_OUT}) >= 4


# Held-out lines the parser missed on its first run against them. They stay missed on
# purpose: fixing them would tune the parser on the held-out file (see the report of
# issue 9). Strict, so that a fix made for other reasons shows up here.
MISSED_AT_FIRST_RUN = {
    "Wed 25 Nov 2026: 'a week on Friday'",  # "on Friday" is taken as the clause
}


def held_out(case: Case) -> object:
    if str(case) in MISSED_AT_FIRST_RUN:
        return pytest.param(case, marks=pytest.mark.xfail(strict=True, reason="held-out miss"))
    return case


@pytest.mark.parametrize("case", [held_out(case) for case in HELD_OUT], ids=str)
def test_held_out(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", TUNING, ids=str)
def test_tuning(case: Case) -> None:
    check(case)
