"""A calibrated answer-or-decline decision: the probability that the entry the retriever
would answer with is right, from a few numbers about the match, by a logistic model.

A hand-made rule of thresholds both declined answerable questions and answered wrongly
on unseen wording; a model fitted on labelled tuning rows weighs the same evidence
together. The weights and the threshold are data (``config/knowledge/confidence.toml``),
written by ``python -m guidance.calibrate``; answering costs a few float operations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_FILE = Path(__file__).resolve().parents[1] / "config" / "knowledge" / "confidence.toml"

# The features, in the model file's order; each is monotone-sensible (more is surer,
# except `margin_negative`, `rival_related` and `unknown`, whose signs the fit learns).
FEATURES = (
    "score",  # log(1 + the candidate's score times coverage)
    "nearest",  # its closest phrasing's idf-weighted cosine, 0 to 1
    "coverage",  # share of the question's distinctive words the knowledge base knows
    "matched",  # idf-weighted share of those words the candidate holds
    "margin",  # (candidate - best other entry) / candidate score, at most 1
    "rival_related",  # 1 when the best other entry links to or from the candidate
    "meaning",  # the candidate's closest phrasing's cosine in meaning
    "meaning_top",  # 1 when no entry is closer in meaning than the candidate
    "meaning_margin",  # candidate's cosine minus the closest other entry's
    "reading_top",  # 1 when the classifier scores no entry (nor "no entry") above it
    "reading_margin",  # the classifier's value for it minus the best other (or "no entry")
    "words",  # log(1 + number of distinctive words)
)


@dataclass(frozen=True)
class Evidence:
    """What is known about the candidate answer to one question."""

    entry: str  # the candidate's id
    score: float
    nearest: float
    coverage: float
    matched: float
    rival: float  # the best other entry's score
    rival_related: bool
    meaning: float
    meaning_rival: float  # the closest other entry's cosine in meaning
    reading: float  # the classifier's decision value for the candidate
    reading_rival: float  # the classifier's best value for another entry, or for "no entry"
    words: int

    def features(self) -> tuple[float, ...]:
        """The model's inputs, in ``FEATURES`` order."""
        margin = (self.score - self.rival) / self.score if self.score > 0 else -1.0
        return (
            math.log1p(self.score * self.coverage),
            self.nearest,
            self.coverage,
            self.matched,
            max(-1.0, margin),
            float(self.rival_related),
            self.meaning,
            float(self.meaning >= self.meaning_rival),
            self.meaning - self.meaning_rival,
            float(self.reading >= self.reading_rival),
            self.reading - self.reading_rival,
            math.log1p(self.words),
        )


@dataclass(frozen=True)
class Model:
    """Standardised logistic regression: P = 1 / (1 + exp(-(bias + w . (x - mean) / scale)))."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    min_coverage: float  # below it the question is declined whatever P is

    def answers(self, evidence: Evidence) -> tuple[float, bool]:
        """P(the candidate is right), and whether to answer with it."""
        probability = self.probability(evidence)
        return probability, (
            probability >= self.threshold and evidence.coverage >= self.min_coverage
        )

    def probability(self, evidence: Evidence) -> float:
        """The fitted probability that the candidate is the right answer."""
        z = self.bias
        inputs = zip(evidence.features(), self.mean, self.scale, self.weights, strict=True)
        for x, m, s, w in inputs:
            z += w * (x - m) / s
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


def parse(text: str) -> Model:
    """A model from the model file's text; its features must be this code's."""
    import tomllib  # here: importing guidance stays quick (a fresh start, guidance/compiled.py)

    data = tomllib.loads(text)
    names = tuple(data["features"])
    if names != FEATURES:
        raise ValueError(f"confidence model features {names} are not the code's {FEATURES}")
    return Model(
        features=names,
        mean=tuple(data["mean"]),
        scale=tuple(data["scale"]),
        weights=tuple(data["weights"]),
        bias=float(data["bias"]),
        threshold=float(data["threshold"]),
        min_coverage=float(data["min_coverage"]),
    )


@cache
def model() -> Model | None:
    """The fitted model, or None when there is no model file (the hand rule decides)."""
    if not MODEL_FILE.is_file():
        return None
    return parse(MODEL_FILE.read_text(encoding="utf-8"))
