"""Whether the partnership works at all ("how do we know if the partnership is actually
working?") is asked in generic words only: the evaluation entry answers it, while "what
is partnership working" keeps the overview."""

from __future__ import annotations

import pytest

from guidance.knowledge import load_knowledge
from guidance.retrieval import Retriever


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return Retriever(load_knowledge())


@pytest.mark.parametrize(
    "question",
    [
        "how do we know if the partnership is actually working",
        "is our partnership working",
        "does the partnership work",
        "how do we know if this partnership is working 🤷",
    ],
)
def test_asking_whether_the_partnership_works_gets_evaluation(
    retriever: Retriever, question: str
) -> None:
    """Five authors of the question sets asked it so; its words are all generic, and it
    got nothing (or, with "partnership working" side by side, what partnership is)."""
    answer = retriever.ask(question)
    assert answer.best is not None
    assert answer.best.entry.id == "evaluation"


@pytest.mark.parametrize("question", ["what is partnership working", "whats partnership working"])
def test_what_partnership_working_is_stays_the_overview(
    retriever: Retriever, question: str
) -> None:
    answer = retriever.ask(question)
    assert answer.best is not None
    assert answer.best.entry.id == "what-is-partnership-working"


def test_is_it_actually_working_alone_is_still_declined(retriever: Retriever) -> None:
    assert retriever.ask("is it actually working").best is None
