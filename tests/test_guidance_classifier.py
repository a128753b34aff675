"""The classifier's reading (guidance/classifier.py): fitted on the entries' ways of
asking, it tells neighbouring entries apart, re-ranks the retriever's candidates, and its
agreement with them is evidence the confidence model weighs."""

from __future__ import annotations

import dataclasses

import pytest

from guidance import confidence, retrieval, semantic
from guidance.classifier import Classifier
from guidance.knowledge import load_knowledge
from guidance.retrieval import Retriever

PHRASINGS = (
    ("pool budgets", "put our money in one pot", "a joint budget for the project"),
    ("sharing risk", "who carries the risk if it goes wrong", "split the risk between us"),
    ("the weather", "will it rain tomorrow", "is it sunny in leeds"),
)
# Calibration-set questions (dev6, dev8, dev7) whose best-scoring entry, by words and
# meaning, is a neighbour of the one meant; the reading puts the meant one first.
RERANKED = [
    ("how do we split risk fairly between partners", "sharing-risk", "gp-pool-budgets"),
    (
        "we report loads of numbers like meetings held but nothing about whether people "
        "are better off",
        "gp-focus-outcomes",
        "evaluation",
    ),
    (
        "the college signed up, got their logo on the website and have delivered nothing "
        "since. what do we do",
        "quiet-partner",
        "public-communication",
    ),
]


def test_the_reading_points_to_the_entry_whose_words_the_question_uses() -> None:
    pooled, risk, weather = Classifier(PHRASINGS).decisions("how do we split the risk fairly")
    assert risk > max(pooled, weather)
    pooled, risk, weather = Classifier(PHRASINGS).decisions("one pot of money for everyone")
    assert pooled > max(risk, weather)


def test_the_fit_is_deterministic() -> None:
    question = "who pays if the project goes wrong"
    assert Classifier(PHRASINGS).decisions(question) == Classifier(PHRASINGS).decisions(question)


def test_a_knowledge_base_of_one_entry_reads_nothing() -> None:
    assert Classifier((("pool budgets", "one pot"),)).decisions("one pot") == [0.0]


def test_an_entry_without_phrasings_reads_lowest() -> None:
    decisions = Classifier((*PHRASINGS, ())).decisions("split the risk")
    assert decisions[3] < min(decisions[:3])


@pytest.mark.parametrize(("question", "meant", "neighbour"), RERANKED)
def test_the_reading_puts_the_meant_entry_before_its_neighbour(
    question: str, meant: str, neighbour: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = Retriever(load_knowledge())
    answer = retriever.ask(question)
    assert answer.best is not None
    assert answer.best.entry.id == meant
    monkeypatch.setattr(retrieval, "READING_WEIGHT", 0.0)  # words and meaning alone
    assert retriever.ask(question).candidates[0].entry.id == neighbour


def test_the_layer_gives_both_readings_or_neither(monkeypatch: pytest.MonkeyPatch) -> None:
    knowledge = load_knowledge()
    phrasings = semantic.phrasings_of(knowledge)
    semantic.start(knowledge)
    assert semantic.wait(timeout=120)
    question = "how do we split risk fairly between partners"
    both = semantic.readings(phrasings, question)
    assert both is not None
    assert len(both.decisions) == len(knowledge.entries)
    monkeypatch.setattr(semantic._layer, "classified", {})  # meaning ready, reading not
    answer = Retriever(knowledge).ask(question)
    assert answer.evidence is None  # words alone, as while the layer loads
    assert answer.candidates[0].semantic is None


def test_a_reading_that_disagrees_lowers_the_confidence() -> None:
    model = confidence.model()
    assert model is not None
    answer = Retriever(load_knowledge()).ask(RERANKED[0][0])
    assert answer.evidence is not None
    agreed = dataclasses.replace(
        answer.evidence, reading=1.0, reading_rival=-1.0
    )  # the reading's first choice too
    disputed = dataclasses.replace(answer.evidence, reading=-1.0, reading_rival=1.0)
    assert model.probability(disputed) < model.probability(agreed)


@pytest.mark.parametrize(
    "question",
    ["how do we split the risk fairly", "ONE POT of money?", "", "zzzz", "risk risk risk pot"],
)
def test_the_fast_reading_is_scikit_learns_own(question: str) -> None:
    classifier = Classifier(PHRASINGS)
    own = classifier.svm.decision_function(classifier.union.transform([question.lower()]))[0]
    assert classifier.decisions(question) == pytest.approx(list(own), abs=1e-9)


def test_two_entries_read_as_one_binary_svm() -> None:
    pooled, risk = Classifier(PHRASINGS[:2]).decisions("split the risk")
    assert risk > pooled
    assert risk == pytest.approx(-pooled)
