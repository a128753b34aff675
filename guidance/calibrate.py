"""Fit the calibrated answer-or-decline model (guidance/confidence.py) and write
``config/knowledge/confidence.toml``; run by hand after the knowledge base or the
retrieval changes: ``.venv/bin/python -m guidance.calibrate`` (``--dry-run`` prints
without writing).

Calibration rows are questions nobody writing the knowledge base has seen: dev2's odd
rows and dev5 to dev16, each by another author. Each new set first checked the model
fitted on the ones before (dev6: 86.8% right, 2.3% wrong; dev7: 80.2% right, 3.7% wrong,
98% of off-topic questions declined; dev8: 83.2% right, 1.6% wrong, all off-topic
questions declined; dev9: 81.2% right, 2.0% wrong; dev10: 84.4% right, 1.3% wrong; dev11:
92.7% right, 1.7% wrong; dev12: 88.4% right, 4.1% wrong; dev13: 87.2% right, 3.3% wrong, and
dev14: 89.7% right, 1.6% wrong, both before the classifier's reading, then 93.0% and 1.7%,
93.4% and 1.6% with it; dev15: 92.9% right, 2.5% wrong, and dev16: 94.0% and 1.7%, with
the classifier's reading, then 96.3% and 2.1%, 96.2% and 1.7% once it learnt the asked
sets), then joined them. Since the classifier learns the asked sets
(guidance/asked.py), each calibration set is read by one fitted without its author's
questions (cross-fitting): its evidence is what a new author's question would get. The
other sets (the seed set, dev, dev2's even rows, dev3 and dev4) were shown to the people
writing the entries' phrasings (their misses, to learn the wording from), so the entries
fit them better than they fit new questions: a model fitted on them believed its
evidence too much (answering from 0.62, it was wrong on 5.3% of dev5). They are
reported, in-sample, not fitted on. The held-out and check sets are never read here. Register rows
are routed before retrieval and are skipped; an off-topic row's candidate is wrong by
definition.

The model is an L2-regularised logistic regression on standardised features, fitted by
Newton's method on every row with a candidate; a question most of whose words the
knowledge base doesn't know (coverage below retrieval's MIN_COVERAGE, the hand rule's
gate too) is declined whatever the model says: without the gate a recipe question
scored 0.76 on two "known" words of four. The fit is deterministic (the same rows give
the same weights). The threshold is the lowest at which at most a budget of the rows is
answered wrong. The budget (see BUDGETS) and the ridge strength are the pair with the
most gain (right - 3 x wrong) on the calibration sets, each left out in turn and fitted
on the others, among those that keep every set within the issue's 3% target.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guidance import confidence, semantic
from guidance.evaluation import (
    DECLINE,
    REGISTER,
    Rows,
    calibration_sets,
    seen_sets,
    to_register,
)
from guidance.knowledge import load_knowledge
from guidance.retrieval import MIN_COVERAGE, Retriever

PENALTY = 3  # in the gain, a wrong answer costs as much as three right ones gain
# Issue 10's target: at most 3% of one author's questions answered wrong. The threshold
# is the lowest (so the most answered) at which at most a budget of the calibration
# questions are answered wrong; the budget is the one of BUDGETS with the most gain,
# each author's set left out in turn (fitted on the others), among those at which no
# set is answered more than TARGET_WRONG wrong: the target itself, on authors the model
# has not seen. (A fixed 2% budget came first: with the classifier's reading it left one
# author at 3.8%. The largest budget within the target came next: once the classifier
# learnt the asked sets, it answered nearly everything, threshold 0.05, where a smaller
# budget gained more, right and wrong together.)
TARGET_WRONG = 0.03
BUDGETS = (0.03, 0.025, 0.02, 0.015, 0.01)
FOLDS = 5
# Ridge strengths on the standardised weights (not the bias), chosen with the budget.
L2_TRIED = (1.0, 3.0, 10.0)


def sets() -> tuple[dict[str, Rows], dict[str, Rows]]:
    """(calibration sets, reported sets) by name: the sets the phrasings' writers never
    saw, fitted on; the others (seen, so in-sample) reported."""
    return calibration_sets(), seen_sets()


@dataclass(frozen=True)
class Observed:
    """One question: what the hand rule said, and the candidate's evidence if any."""

    expected: frozenset[str]
    hand: str  # the hand rule's label: an entry id, decline or register
    candidate: str | None  # the entry the model decides on, when it decides
    features: tuple[float, ...] | None
    coverage: float = 0.0  # share of the question's words known: below MIN_COVERAGE, decline

    @property
    def right_candidate(self) -> bool:
        """Whether answering with the candidate would be right."""
        return self.candidate in self.expected


def observe(retriever: Retriever, rows: Rows) -> list[Observed]:
    """Each row as the hand-rule retriever (``calibrated=False``) sees it."""
    observed = []
    for question, expected in rows:
        if to_register(question):  # as the benchmark counts it
            observed.append(Observed(expected, REGISTER, None, None))
            continue
        answer = retriever.ask(question)
        hand = answer.best.entry.id if answer.best else DECLINE
        evidence = answer.evidence
        observed.append(
            Observed(
                expected,
                hand,
                evidence.entry if evidence else None,
                evidence.features() if evidence else None,
                answer.coverage,
            )
        )
    return observed


def fitting_rows(observed: Sequence[Observed]) -> list[Observed]:
    """The rows the model learns from: not register rows, and with a candidate."""
    return [o for o in observed if REGISTER not in o.expected and o.features is not None]


@dataclass(frozen=True)
class Fit:
    """A fitted model: standardisation, weights, bias and threshold."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """P(right) of each row of features ``x``."""
        return 1.0 / (1.0 + np.exp(-(self.bias + ((x - self.mean) / self.scale) @ self.weights)))


def logistic(x: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, scale, [bias, *weights]) of a ridge logistic regression by Newton's method,
    every weight non-negative: each feature is evidence FOR an answer, and two that say
    much the same (a score and its closest phrasing) must not cancel into a negative
    weight that reads "a closer phrasing makes the answer less likely". A feature whose
    weight comes out negative is left out (weight 0) and the rest fitted again."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    used = np.ones(z.shape[1], dtype=bool)
    while True:
        beta = np.zeros(z.shape[1])
        beta[used] = _newton(z[:, used], y, l2)
        negative = np.flatnonzero(beta[1:] < 0) + 1
        if not len(negative):
            return mean, scale, beta
        used[negative[np.argmin(beta[negative])]] = False


def _newton(z: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """Ridge logistic regression's coefficients (the first, the bias, unpenalised)."""
    beta = np.zeros(z.shape[1])
    ridge = np.eye(z.shape[1]) * l2
    ridge[0, 0] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(z @ beta)))
        gradient = z.T @ (p - y) + ridge @ beta
        hessian = (z.T * (p * (1 - p))) @ z + ridge
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    return beta


def choose_threshold(observed: Sequence[Observed], model: Fit, budget: float) -> float:
    """The lowest threshold at which at most ``budget`` of ``observed`` (every row,
    register questions and all, as the benchmark counts them) is answered wrong:
    precision first (issue 10), then as many right as that allows. Wrong answers the
    model doesn't decide (a register question routed wrongly) use up the budget too."""
    for t in np.round(np.arange(0.05, 0.96, 0.01), 2):
        trial = dataclasses.replace(model, threshold=float(t))
        if tally(observed, trial).wrong <= budget * len(observed):
            return float(t)
    return 0.95


def fit(observed: Sequence[Observed], l2: float, budget: float) -> Fit:
    """The model fitted on ``observed``'s fitting rows, its threshold on all of them."""
    rows = fitting_rows(observed)
    x = np.array([o.features for o in rows], dtype=float)
    y = np.array([o.right_candidate for o in rows], dtype=float)
    mean, scale, beta = logistic(x, y, l2)
    model = Fit(mean, scale, beta[1:], float(beta[0]), 0.5)
    return dataclasses.replace(model, threshold=choose_threshold(observed, model, budget))


@dataclass
class Tally:
    """Right, wrong and off-topic declined over some rows."""

    right: int = 0
    wrong: int = 0
    total: int = 0
    off_topic: int = 0
    off_topic_declined: int = 0

    def add(self, o: Observed, given: str) -> None:
        """Count one row answered with ``given``."""
        self.total += 1
        if DECLINE in o.expected:
            self.off_topic += 1
            self.off_topic_declined += given == DECLINE
        if given in o.expected:
            self.right += 1
        elif given != DECLINE:
            self.wrong += 1

    @property
    def gain(self) -> int:
        """Right minus PENALTY times wrong: one number to compare decisions by."""
        return self.right - PENALTY * self.wrong

    def __str__(self) -> str:
        return (
            f"right {self.right:3d} wrong {self.wrong:2d} of {self.total:3d} "
            f"({self.right / max(self.total, 1):5.1%} / {self.wrong / max(self.total, 1):4.1%}),"
            f" off-topic declined {self.off_topic_declined}/{self.off_topic},"
            f" gain {self.gain}"
        )


def calibrated_label(o: Observed, model: Fit) -> str:
    """What the calibrated decision answers for one row."""
    if o.features is None or o.candidate is None:
        return o.hand
    p = model.probabilities(np.array([o.features], dtype=float))[0]
    answer = p >= model.threshold and o.coverage >= MIN_COVERAGE
    return o.candidate if answer else DECLINE


def tally(observed: Sequence[Observed], model: Fit | None) -> Tally:
    """Right / wrong / off-topic of the hand rule (no model) or the model on ``observed``."""
    counts = Tally()
    for o in observed:
        counts.add(o, o.hand if model is None else calibrated_label(o, model))
    return counts


def cross_validate(observed: Sequence[Observed], l2: float, budget: float) -> tuple[Tally, Tally]:
    """(hand rule, model) out-of-fold: each fold decided by a model fitted (weights and
    threshold) on the other folds."""
    hand, model = Tally(), Tally()
    for fold in range(FOLDS):
        fitted = fit([o for i, o in enumerate(observed) if i % FOLDS != fold], l2, budget)
        for i, o in enumerate(observed):
            if i % FOLDS == fold:
                hand.add(o, o.hand)
                model.add(o, calibrated_label(o, fitted))
    return hand, model


def render(model: Fit, l2: float, header: list[str]) -> str:
    """The model file's text."""

    def floats(values: Sequence[float] | np.ndarray) -> str:
        return "[" + ", ".join(f"{v:.6g}" for v in values) + "]"

    lines = [f"# {line}" if line else "#" for line in header]
    lines += [
        f"features = [{', '.join(f'{name!r}' for name in confidence.FEATURES)}]".replace("'", '"'),
        f"mean = {floats(model.mean)}",
        f"scale = {floats(model.scale)}",
        f"weights = {floats(model.weights)}",
        f"bias = {model.bias:.6g}",
        f"threshold = {model.threshold:.2f}",
        f"min_coverage = {MIN_COVERAGE:g}  # retrieval's: a question mostly unknown is declined",
        f"l2 = {l2:g}  # the ridge strength it was fitted with",
    ]
    return "\n".join(lines) + "\n"


Observations = dict[str, list[Observed]]


def observe_all(retriever: Retriever) -> tuple[Observations, Observations]:
    """(calibration, reported) sets observed by ``retriever``: each calibration set read
    by a classifier that has not learnt its author's questions, as a new partnership's
    questions are read (the reported sets, in-sample anyway, by the one the bot uses)."""
    calibration, reported = sets()
    observed = {}
    for name, rows in calibration.items():
        with semantic.leaving_out(retriever.knowledge, name):
            observed[name] = observe(retriever, rows)
    return observed, {name: observe(retriever, rows) for name, rows in reported.items()}


def leave_one_set_out(
    calibration: Observations, l2: float, budget: float
) -> tuple[Tally, dict[str, Tally]]:
    """The model on each calibration set when fitted on the others (another author's
    wording, as a new partnership's questions would be): in all, and per set."""
    total, each = Tally(), {}
    for held, rows in calibration.items():
        others = [o for name, rest in calibration.items() if name != held for o in rest]
        model = fit(others, l2, budget)
        each[held] = tally(rows, model)
        for o in rows:
            total.add(o, calibrated_label(o, model))
    return total, each


def fitted() -> tuple[Fit, float, list[str]]:
    """The model fitted on every calibration row at the budget and ridge strength with
    the most gain (right - PENALTY x wrong) on the sets left out in turn (another author's
    wording, as a new partnership's questions would be) that keep each set within
    TARGET_WRONG; that strength, and the report of how it did."""
    knowledge = load_knowledge()
    semantic.start(knowledge)
    if not semantic.wait(timeout=120):
        raise SystemExit("the semantic layer failed to load: the model needs it")
    retriever = Retriever(knowledge, calibrated=False)
    calibration, reported = observe_all(retriever)
    pooled = [o for rows in calibration.values() for o in rows]
    report = [
        f"Fitted on {', '.join(calibration)} ({len(fitting_rows(pooled))} rows with a candidate),",
        f"questions the phrasings' writers never saw. Gain = right - {PENALTY} x wrong.",
        f"Out-of-fold ({FOLDS}-fold), hand rule: {cross_validate(pooled, 1.0, TARGET_WRONG)[0]}",
        "Each set left out in turn (fitted on the others), then the worst set's wrong share:",
    ]
    trials: dict[tuple[float, float], tuple[Tally, float]] = {}
    for budget in BUDGETS:
        for l2 in L2_TRIED:
            total, each = leave_one_set_out(calibration, l2, budget)
            worst = max(t.wrong / max(t.total, 1) for t in each.values())
            trials[budget, l2] = total, worst
            report.append(f"  budget {budget:<5g} l2={l2:<4g} {total}, worst set {worst:.1%}")

    within = [key for key, (_, worst) in trials.items() if worst <= TARGET_WRONG]
    budget, l2 = max(
        within or [(min(BUDGETS), max(L2_TRIED))],
        key=lambda key: (trials[key][0].gain, -key[0], key[1]),
    )
    model = fit(pooled, l2, budget)
    report.append(
        f"Budget {budget:g} and l2={l2:g}: the most gain on the sets left out, with none of "
        f"them over {TARGET_WRONG:.0%} wrong; threshold {model.threshold:.2f}. "
        "Each set, hand rule then model (calibration sets in-sample; the seen sets flatter it):"
    )
    for name, rows in (*calibration.items(), *reported.items()):
        report.append(f"  {name:<9} hand  {tally(rows, None)}")
        report.append(f"  {'':<9} model {tally(rows, model)}")
    return model, l2, report


def main() -> None:
    """Fit, print the comparison, and write the model file (unless ``--dry-run``)."""
    model, l2, report = fitted()
    print("\n".join(report))
    header = [
        "The calibrated answer-or-decline model (guidance/confidence.py), written by",
        "`python -m guidance.calibrate`: do not edit by hand, fit again.",
        "",
        *report,
    ]
    if "--dry-run" not in sys.argv:
        Path(confidence.MODEL_FILE).write_text(render(model, l2, header), encoding="utf-8")
        print(f"wrote {confidence.MODEL_FILE}")


if __name__ == "__main__":
    main()
