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
# Measured 2026-11-26, once the classifier learnt the asked sets (guidance/asked.py) and
# read each calibration set without its author's questions, and check sets 15 and 16
# joined the asked sets: the first held-out set (the one issue 10 names) is 97.0% right
# (191 of 197), 1.0% wrong (2), 42 of 43 off-topic questions declined (91.4% and 4.1%
# before); the second (250, another author, written after the decision rule was settled)
# 94.4% right (236), 2.4% wrong (6), 55 of 55 off-topic questions declined (90.8% and
# 2.8% before). Every target is met on both. The ratchets keep each set's figures from
# getting worse than today's by more than RATCHET_SLACK questions: one question is half
# a point, and refits after unrelated fixes moved the count by one either way.
RATCHETS = {"held-out": (191, 2, 42), "held-out 2": (236, 6, 55)}  # right, wrong, off-topic
RATCHET_SLACK = 2


@pytest.fixture(scope="module")
def held_out() -> Scores:
    return score(accord_label(Retriever(load_knowledge())), load_set(HELD_OUT_SET))


@pytest.fixture(scope="module")
def held_out_2() -> Scores:
    return score(accord_label(Retriever(load_knowledge())), load_set(HELD_OUT_2_SET))


def test_the_second_held_out_set_is_mostly_answered_right(held_out_2: Scores) -> None:
    assert held_out_2.share(held_out_2.right) >= TARGET_RIGHT
    assert held_out_2.off_topic > 0
    assert held_out_2.off_topic_declined_share >= TARGET_OFF_TOPIC_DECLINED


def test_the_second_held_out_set_is_rarely_answered_wrong(held_out_2: Scores) -> None:
    assert held_out_2.share(held_out_2.wrong) <= TARGET_WRONG


@pytest.mark.parametrize("name", RATCHETS)
def test_held_out_figures_do_not_get_worse(name: str, held_out: Scores, held_out_2: Scores) -> None:
    scores = held_out if name == "held-out" else held_out_2
    right, wrong, off_topic = RATCHETS[name]
    assert scores.right >= right - RATCHET_SLACK
    assert scores.wrong <= wrong + RATCHET_SLACK
    assert scores.off_topic_declined >= off_topic - RATCHET_SLACK


def test_held_out_questions_are_mostly_answered_right(held_out: Scores) -> None:
    assert held_out.share(held_out.right) >= TARGET_RIGHT


def test_held_out_questions_are_rarely_answered_wrong(held_out: Scores) -> None:
    assert held_out.share(held_out.wrong) <= TARGET_WRONG


def test_held_out_off_topic_questions_are_declined(held_out: Scores) -> None:
    assert held_out.off_topic > 0
    assert held_out.off_topic_declined_share >= TARGET_OFF_TOPIC_DECLINED
