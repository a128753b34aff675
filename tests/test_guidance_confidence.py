"""The calibrated answer-or-decline decision: the model file in step with the code and
with a fit on the same rows, the probability exposed on the answer, the coverage gate,
and the hand rule whenever there is no model or no semantic layer."""

from __future__ import annotations

import math
import tomllib

import pytest

from guidance import calibrate, confidence, semantic
from guidance.knowledge import load_knowledge
from guidance.retrieval import Retriever

# From the tuning rows (dev, seed): plainly one entry each.
CLEAR = [
    ("who should chair the board? its always been the council by default", "governance-chairing"),
    ("is an MoU legally binding or just a nice bit of paper", "partnership-agreement"),
]
# Half its words unknown, yet two "known" words gave P 0.76 before the gate.
# Mostly words no entry holds: the everyday-questions area now takes recipes outright.
RECIPE = "any tips for knitting a jumper for the partnership raffle"


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return Retriever(load_knowledge())


def test_the_model_file_names_the_codes_features_and_is_monotone() -> None:
    model = confidence.model()
    assert model is not None
    assert model.features == confidence.FEATURES
    assert 0.0 < model.threshold < 1.0
    # Every feature is "more is surer": a negative weight would mean the fit learnt noise.
    assert all(weight >= 0 for weight in model.weights)


def test_a_model_file_with_other_features_is_refused() -> None:
    text = confidence.MODEL_FILE.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="features"):
        confidence.parse(text.replace('"nearest", ', ""))


def test_fitting_again_on_the_same_rows_reproduces_the_committed_model() -> None:
    committed = tomllib.loads(confidence.MODEL_FILE.read_text(encoding="utf-8"))
    model, l2, _ = calibrate.fitted()
    assert l2 == committed["l2"]
    assert round(model.threshold, 2) == committed["threshold"]
    for name, values in (
        ("mean", model.mean),
        ("scale", model.scale),
        ("weights", model.weights),
        ("bias", [model.bias]),
    ):
        expected = committed[name] if name != "bias" else [committed["bias"]]
        assert len(values) == len(expected), name
        for value, written in zip(values, expected, strict=True):
            assert math.isclose(value, written, rel_tol=1e-4, abs_tol=1e-6), name


@pytest.mark.parametrize(("question", "expected"), CLEAR)
def test_a_clear_question_is_answered_with_its_probability(
    retriever: Retriever, question: str, expected: str
) -> None:
    model = confidence.model()
    assert model is not None
    answer = retriever.ask(question)
    assert answer.best is not None
    assert answer.best.entry.id == expected
    assert answer.probability is not None
    assert answer.probability >= model.threshold
    assert answer.evidence is not None
    assert answer.evidence.entry == expected


def test_a_mostly_unknown_question_is_declined_whatever_its_probability(
    retriever: Retriever,
) -> None:
    model = confidence.model()
    assert model is not None
    answer = retriever.ask(RECIPE)
    assert answer.best is None
    assert answer.evidence is not None
    assert answer.evidence.coverage < model.min_coverage
    assert answer.probability is not None  # still exposed, for "did you mean" decisions


def test_without_a_model_file_the_hand_rule_decides(
    monkeypatch: pytest.MonkeyPatch, retriever: Retriever
) -> None:
    question = CLEAR[0][0]
    monkeypatch.setattr(confidence, "model", lambda: None)
    answer = retriever.ask(question)
    hand = Retriever(load_knowledge(), calibrated=False).ask(question)
    assert answer.probability is None
    assert answer.best == hand.best
    assert answer.best is not None


def test_without_the_semantic_layer_the_hand_rule_decides(
    monkeypatch: pytest.MonkeyPatch, retriever: Retriever
) -> None:
    monkeypatch.setattr(semantic, "similarities", lambda phrasings, question: None)
    answer = retriever.ask(CLEAR[1][0])
    assert answer.probability is None
    assert answer.evidence is None
    assert answer.best is not None
    assert answer.best.entry.id == CLEAR[1][1]
