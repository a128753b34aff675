"""How well guidance answers a labelled question set: right, wrong and declined, counted
separately because a wrong answer is worse than a decline.

A set is a TOML file of ``questions = [[text, label], …]`` (guidance/asked.py). The sets
people asked, which the classifier learns from and the confidence model is calibrated
on, are in config/knowledge/asked/; the measured sets, never learnt, in tests/data. The
benchmark and the accuracy tests both score with this module, so they measure the same
thing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from guidance.asked import DECLINE, REGISTER, Rows, asked_sets, load_set
from guidance.retrieval import Retriever
from guidance.routing import asks_local_fact, register_question

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
HELD_OUT_SET = DATA / "guidance_heldout.toml"
# A second held-out set, by another author, written (from the topic list) after the
# decision rule was settled: measured once before the 2026-11-26 session's changes.
HELD_OUT_2_SET = DATA / "guidance_heldout2.toml"
# The sets the phrasings' writers learnt wording from (their misses): the entries fit
# them too well to calibrate on, so they are only reported.
SEEN = ("seed", "dev", "dev2_seen", "dev3", "dev4")

Labeller = Callable[[str], str]


def seen_sets() -> dict[str, Rows]:
    """The asked sets the phrasings' writers saw, by name (in-sample twice over: the
    classifier learnt them too)."""
    return {name: rows for name, rows in asked_sets().items() if name in SEEN}


def calibration_sets() -> dict[str, Rows]:
    """The asked sets no phrasing writer saw, each by another author, by name: the
    confidence model is calibrated on them (guidance/calibrate.py)."""
    return {name: rows for name, rows in asked_sets().items() if name not in SEEN}


def check_sets() -> dict[str, Rows]:
    """Sets by new authors written to check a change before and after it, neither learnt
    nor calibrated on: dev17 and dev18, written on 2026-11-26 once the classifier learnt
    the asked sets, checked before and after that. A later change may move them to the
    asked sets once it has been checked against them (dev15 and dev16 were so moved)."""
    return {name: load_set(DATA / f"guidance_{name}.toml") for name in ("dev17", "dev18")}


def held_out_sets() -> dict[str, Rows]:
    """The held-out sets, never tuned on, by name."""
    return {"held-out": load_set(HELD_OUT_SET), "held-out 2": load_set(HELD_OUT_2_SET)}


def to_register(question: str) -> bool:
    """Whether the register answers ``question`` in a question set. "Who is the data
    controller?", "who chairs?": a role is answered from the partnership's /roles when it
    names one there, else by guidance; a set has no roles, so guidance answers (issue 10
    trial)."""
    routed = register_question(question)
    return routed is not None and routed.kind != "role"


def accord_label(retriever: Retriever) -> Labeller:
    """What Accord does with a question, as a label: the register, an entry, or decline."""

    def label(question: str) -> str:
        if to_register(question):
            return REGISTER
        if asks_local_fact(question):  # the partnership's FAQ's to answer, not guidance's
            return DECLINE
        answer = retriever.ask(question)
        return answer.best.entry.id if answer.best else DECLINE

    return label


@dataclass
class Scores:
    """Counts over one question set; ``mistakes`` lists (question, expected, given)."""

    right: int = 0
    wrong: int = 0
    declined: int = 0  # on-topic questions declined
    off_topic: int = 0
    off_topic_declined: int = 0
    mistakes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Every question of the set."""
        return self.right + self.wrong + self.declined

    def share(self, count: int) -> float:
        """``count`` as a share of the whole set."""
        return count / self.total if self.total else 0.0

    @property
    def off_topic_declined_share(self) -> float:
        """Of the questions to decline, the share declined."""
        return self.off_topic_declined / self.off_topic if self.off_topic else 1.0


def score(label: Labeller, rows: Rows) -> Scores:
    """Right: the expected entry, or a decline where one is expected. Wrong: any other
    answer. Declined: no answer where one was expected."""
    scores = Scores()
    for question, expected in rows:
        given = label(question)
        if DECLINE in expected:
            scores.off_topic += 1
            scores.off_topic_declined += given == DECLINE
        if given in expected:
            scores.right += 1
        elif given == DECLINE:
            scores.declined += 1
            scores.mistakes.append((question, "|".join(sorted(expected)), given))
        else:
            scores.wrong += 1
            scores.mistakes.append((question, "|".join(sorted(expected)), given))
    return scores
