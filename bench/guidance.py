"""Guidance quality and speed: Accord's retrieval beside a plain BM25 over the seed's
paragraphs, measured the same way on the same questions (tests/data).

Run: ``make bench`` or ``.venv/bin/python -m bench.guidance``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import tomllib

import bm25s
import Stemmer

from bench.harness import ROOT
from guidance.knowledge import KNOWLEDGE_DIR, KnowledgeBase, load_knowledge
from guidance.retrieval import Retriever

QUESTIONS = tomllib.loads((ROOT / "tests" / "data" / "guidance_questions.toml").read_text())
SEED = KNOWLEDGE_DIR / "seed" / "partnership-working.txt"
TARGET_P99_MS = 5.0
TARGET_LOAD_MS = 200.0


class ParagraphBaseline:
    """Plain BM25 (bm25s, English stemming and stopwords) over the seed's paragraphs.

    A paragraph counts as the entry whose seed phrases it contains, so both systems
    are scored against the same expected entries. It declines only when no word matches.
    """

    def __init__(self, knowledge: KnowledgeBase) -> None:
        text = SEED.read_text(encoding="utf-8")
        self.paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
        self.owner = [
            next(
                (
                    e.id
                    for e in knowledge.entries.values()
                    for s in e.seed
                    if " ".join(s.split()) in p
                ),
                None,
            )
            for p in self.paragraphs
        ]
        self.stemmer = Stemmer.Stemmer("english")
        self.bm25 = bm25s.BM25()
        self.bm25.index(
            bm25s.tokenize(
                self.paragraphs, stopwords="en", stemmer=self.stemmer, show_progress=False
            ),
            show_progress=False,
        )

    def ask(self, question: str) -> str | None:
        tokens = bm25s.tokenize(
            [question], stopwords="en", stemmer=self.stemmer, show_progress=False
        )
        vocabulary = {index: word for word, index in tokens.vocab.items()}
        words = [vocabulary[i] for i in tokens.ids[0]]
        if not words:
            return None
        scores = self.bm25.get_scores(words)
        best = int(scores.argmax())
        return self.owner[best] if scores[best] > 0 else None


def quality(ask: object) -> tuple[float, float]:
    """Top-1 accuracy in domain and share declined out of domain."""
    right = sum(ask(q) == expected for q, expected in QUESTIONS["in_domain"])  # type: ignore[operator]
    declined = sum(ask(q) is None for q in QUESTIONS["out_of_domain"])  # type: ignore[operator]
    return right / len(QUESTIONS["in_domain"]), declined / len(QUESTIONS["out_of_domain"])


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    """Print quality for both systems, then Accord's answer and load times."""
    knowledge = load_knowledge()
    retriever = Retriever(knowledge)
    baseline = ParagraphBaseline(knowledge)

    def accord(question: str) -> str | None:
        answer = retriever.ask(question)
        return answer.best.entry.id if answer.best else None

    accord_top1, accord_declined = quality(accord)
    base_top1, base_declined = quality(baseline.ask)
    in_domain, out_of_domain = len(QUESTIONS["in_domain"]), len(QUESTIONS["out_of_domain"])
    print(f"{in_domain} in-domain and {out_of_domain} out-of-domain questions")
    for name, top1, declined in (
        ("Accord", accord_top1, accord_declined),
        ("BM25 over paragraphs", base_top1, base_declined),
    ):
        print(f"{name:<21} top-1 {top1:6.1%}   declined out of domain {declined:6.1%}")
    print(f"Accord / baseline top-1: {accord_top1 / base_top1:.2f}×")

    questions = [q for q, _ in QUESTIONS["in_domain"]] + QUESTIONS["out_of_domain"]
    samples = []
    for _ in range(20):
        for question in questions:
            started = time.perf_counter()
            retriever.ask(question)
            samples.append((time.perf_counter() - started) * 1000)
    print(
        f"answer time: p50 {percentile(samples, 0.5):.2f} ms, "
        f"p99 {percentile(samples, 0.99):.2f} ms (target p99 ≤ {TARGET_P99_MS} ms)"
    )
    loads = []
    for _ in range(5):
        started = time.perf_counter()
        Retriever(load_knowledge())
        loads.append((time.perf_counter() - started) * 1000)
    cold = subprocess.run(
        [sys.executable, "-c", "import time; t = time.perf_counter(); "
         "from guidance.knowledge import load_knowledge; from guidance.retrieval import Retriever; "
         "Retriever(load_knowledge()); print((time.perf_counter() - t) * 1000)"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    print(
        f"knowledge base load: {min(loads):.0f} ms warm, {float(cold.stdout):.0f} ms in a fresh "
        f"process with imports (target ≤ {TARGET_LOAD_MS:.0f} ms)"
    )


if __name__ == "__main__":
    main()
