"""Guidance on the held-out question set meets issue 10's targets: a wrong answer is worse
than a decline, so right, wrong and off-topic declines are held to separately.

The held-out set is never tuned on: the confidence model is calibrated on other sets
(guidance/calibrate.py). This test is the honest check of that choice.
"""

from __future__ import annotations

import pytest

from guidance.evaluation import (
    HELD_OUT_2_SET,
    HELD_OUT_SET,
    Scores,
    accord_label,
    load_set,
    score,
)
from guidance.knowledge import load_knowledge
from guidance.retrieval import Retriever

TARGET_RIGHT = 0.85
TARGET_WRONG = 0.03
TARGET_OFF_TOPIC_DECLINED = 0.95
# One of issue 10's targets is not met yet on the first held-out set (measured 2026-11-26
# after the classifier's reading joined the ranking and the confidence model and check
# sets 13 and 14 joined the calibration sets: 91.4% right, 180 of 197, met; 4.1% wrong,
# 8, two over 5.9 allowed; off-topic declined 42 of 43). An unmet target stays a strict
# expected failure until it is met, so meeting it turns the run red until its mark goes.
# The ratchet keeps the figures from getting worse than that by more than RATCHET_SLACK
# questions: one question is half a point here, and refits after unrelated fixes moved
# the count by one either way. It was 178 right and 10 wrong before the classifier, 171
# and 8 the session before. The second held-out set (250, another author, written after
# the decision rule was settled) meets every target: 90.8% right, 2.8% wrong (7), 54 of
# 55 off-topic questions declined (86.0% right and 2.8% wrong before the classifier;
# 82.8% and 2.4% when it was written).
NOT_MET = pytest.mark.xfail(strict=True, reason="issue 10's held-out target not met yet")
RATCHET_RIGHT, RATCHET_WRONG, RATCHET_OFF_TOPIC, RATCHET_SLACK = 180, 8, 42, 2


@pytest.fixture(scope="module")
def held_out() -> Scores:
    return score(accord_label(Retriever(load_knowledge())), load_set(HELD_OUT_SET))


@pytest.fixture(scope="module")
def held_out_2() -> Scores:
    return score(accord_label(Retriever(load_knowledge())), load_set(HELD_OUT_2_SET))


def test_the_second_held_out_set_meets_every_target(held_out_2: Scores) -> None:
    assert held_out_2.share(held_out_2.right) >= TARGET_RIGHT
    assert held_out_2.share(held_out_2.wrong) <= TARGET_WRONG
    assert held_out_2.off_topic > 0
    assert held_out_2.off_topic_declined_share >= TARGET_OFF_TOPIC_DECLINED


def test_held_out_figures_do_not_get_worse(held_out: Scores) -> None:
    assert held_out.right >= RATCHET_RIGHT - RATCHET_SLACK
    assert held_out.wrong <= RATCHET_WRONG + RATCHET_SLACK
    assert held_out.off_topic_declined >= RATCHET_OFF_TOPIC - RATCHET_SLACK


def test_held_out_questions_are_mostly_answered_right(held_out: Scores) -> None:
    assert held_out.share(held_out.right) >= TARGET_RIGHT


@NOT_MET
def test_held_out_questions_are_rarely_answered_wrong(held_out: Scores) -> None:
    assert held_out.share(held_out.wrong) <= TARGET_WRONG


def test_held_out_off_topic_questions_are_declined(held_out: Scores) -> None:
    assert held_out.off_topic > 0
    assert held_out.off_topic_declined_share >= TARGET_OFF_TOPIC_DECLINED
