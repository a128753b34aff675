"""Guidance quality and speed: Accord's answers beside plain BM25 over the knowledge
base's own text, scored the same way (right / wrong / declined) on the question sets:
the asked sets, which the classifier learns (guidance/asked.py), so in-sample: the seed
set and those the phrasings' writers saw (dev, dev2_seen, dev3, dev4), and those the
confidence model is calibrated on (dev2, dev5 to dev14); two check sets by new authors,
neither learnt nor calibrated on (dev15, dev16); and the two held-out sets (never tuned
on), with issue 10's targets.

Accord answers with its semantic layer (guidance/semantic.py) loaded: the benchmark
starts it as the bot does and reports how long it takes to be ready.

Run: ``make bench`` or ``.venv/bin/python -m bench.guidance`` (``-v`` lists the mistakes).
"""

from __future__ import annotations

import subprocess
import sys
import time

import bm25s
import Stemmer

from bench.harness import ROOT
from guidance import semantic
from guidance.compiled import load_retriever
from guidance.evaluation import (
    DECLINE,
    REGISTER,
    Labeller,
    Scores,
    accord_label,
    calibration_sets,
    check_sets,
    held_out_sets,
    score,
    seen_sets,
    to_register,
)
from guidance.knowledge import KnowledgeBase, load_knowledge
from guidance.retrieval import Retriever

TARGET_P99_MS = 5.0
TARGET_LOAD_MS = 200.0
TARGET_RIGHT, TARGET_WRONG, TARGET_OFF_TOPIC = 0.85, 0.03, 0.95


class PlainBM25:
    """Plain BM25 (bm25s, English stemming and stopwords) over each entry's own text
    (title, tags, example questions, answer): no field weights, synonyms, typo
    correction or confidence rule. It declines only when no word matches. Register
    questions are routed the same way as Accord's, so the two differ in retrieval only.
    """

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.ids = list(knowledge.entries)
        texts = [
            " ".join((e.title, " ".join(e.tags), " ".join(e.questions), e.answer))
            for e in knowledge.entries.values()
        ]
        self.stemmer = Stemmer.Stemmer("english")
        self.bm25 = bm25s.BM25()
        self.bm25.index(
            bm25s.tokenize(texts, stopwords="en", stemmer=self.stemmer, show_progress=False),
            show_progress=False,
        )

    def label(self, question: str) -> str:
        if to_register(question):  # routed as Accord routes it
            return REGISTER
        tokens = bm25s.tokenize(
            [question], stopwords="en", stemmer=self.stemmer, show_progress=False
        )
        vocabulary = {index: word for word, index in tokens.vocab.items()}
        words = [vocabulary[i] for i in tokens.ids[0]]
        if not words:
            return DECLINE
        scores = self.bm25.get_scores(words)
        best = int(scores.argmax())
        return self.ids[best] if scores[best] > 0 else DECLINE


def report(name: str, scores: Scores) -> str:
    return (
        f"  {name:<10} right {scores.share(scores.right):6.1%}"
        f"  wrong {scores.share(scores.wrong):6.1%}"
        f"  declined {scores.share(scores.declined):6.1%}"
        f"  off-topic declined {scores.off_topic_declined_share:6.1%}"
    )


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    """Print quality for both systems on every set, then Accord's answer and load times."""
    verbose = "-v" in sys.argv
    knowledge = load_knowledge()
    started = time.perf_counter()
    semantic.start(knowledge)  # in the background, as the bot does
    retriever = Retriever(knowledge)
    loaded = semantic.wait()
    ready = time.perf_counter() - started
    print(
        f"semantic layer: ready in {ready * 1000:.0f} ms, in the background"
        if loaded
        else "semantic layer: FAILED to load, lexical answers only"
    )
    systems: dict[str, Labeller] = {
        "Accord": accord_label(retriever),
        "BM25": PlainBM25(knowledge).label,
    }
    sets = {
        **{f"{name} (seen)": rows for name, rows in seen_sets().items()},
        **{f"{name} (calibrated on)": rows for name, rows in calibration_sets().items()},
        **{f"{name} (check, not calibrated on)": rows for name, rows in check_sets().items()},
        **held_out_sets(),
    }
    for set_name, rows in sets.items():
        print(f"{set_name} set: {len(rows)} questions")
        results = {name: score(label, rows) for name, label in systems.items()}
        for name, scores in results.items():
            print(report(name, scores))
        accord, base = results["Accord"], results["BM25"]
        print(f"  Accord / BM25 right: {accord.right / max(base.right, 1):.2f}×")
        if set_name.startswith("held-out"):
            met = (
                accord.share(accord.right) >= TARGET_RIGHT
                and accord.share(accord.wrong) <= TARGET_WRONG
                and accord.off_topic_declined_share >= TARGET_OFF_TOPIC
            )
            print(
                f"  targets (right ≥ {TARGET_RIGHT:.0%}, wrong ≤ {TARGET_WRONG:.0%}, off-topic "
                f"declined ≥ {TARGET_OFF_TOPIC:.0%}): {'met' if met else 'NOT met'}"
            )
        if verbose and not set_name.startswith("held-out"):
            for question, expected, given in accord.mistakes:
                print(f"    {given:<28} for {expected:<28} {question}")

    questions = [q for rows in sets.values() for q, _ in rows]
    samples = []
    for _ in range(5):
        for question in questions:
            started = time.perf_counter()
            retriever.ask(question)
            samples.append((time.perf_counter() - started) * 1000)
    print(
        f"answer time (semantic layer {'on' if loaded else 'off'}): "
        f"p50 {percentile(samples, 0.5):.2f} ms, "
        f"p99 {percentile(samples, 0.99):.2f} ms (target p99 ≤ {TARGET_P99_MS} ms)"
    )
    loads = []
    load_retriever()  # compiled for the fresh process below, if the sources changed
    for _ in range(5):
        started = time.perf_counter()
        Retriever(load_knowledge())
        loads.append((time.perf_counter() - started) * 1000)
    compiled = "from guidance.compiled import load_retriever; load_retriever()"
    built = (
        "from guidance.knowledge import load_knowledge; from guidance.retrieval import Retriever; "
        "Retriever(load_knowledge()).prepare()"
    )
    fresh = {"compiled": _fresh_process_ms(compiled), "built": _fresh_process_ms(built)}
    print(
        f"knowledge base load: {min(loads):.0f} ms warm; in a fresh process with imports "
        f"{fresh['compiled']:.0f} ms as the bot starts (compiled, guidance/compiled.py), "
        f"{fresh['built']:.0f} ms the first time after an edit (target ≤ {TARGET_LOAD_MS:.0f} ms)"
    )


def _fresh_process_ms(code: str) -> float:
    """Milliseconds ``code`` takes in a new interpreter, its imports included."""
    timed = f"import time; t = time.perf_counter(); {code}; print((time.perf_counter() - t) * 1000)"
    run = [sys.executable, "-c", timed]
    return float(subprocess.run(run, cwd=ROOT, capture_output=True, text=True, check=True).stdout)


if __name__ == "__main__":
    main()
