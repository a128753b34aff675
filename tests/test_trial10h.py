"""The issue 10 eighth new-user trial, after the classifier's reading: an equality impact
assessment got the DPIA entry, carers' phone numbers in a WhatsApp group got regular
communication, a partner's officer bullying a member of staff got the coordinator's role,
and keeping budgets apart but spending them on the same goals got shared goals."""

from __future__ import annotations

import pytest

from guidance.knowledge import load_knowledge
from guidance.retrieval import Retriever


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return Retriever(load_knowledge())


def _given(retriever: Retriever, question: str) -> str:
    answer = retriever.ask(question)
    if answer.best is not None:
        return answer.best.entry.id
    return answer.outside.id if answer.outside is not None else "decline"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("do we need an equality impact assessment for the hub", "outside-legislation"),
        ("who signs off the EqIA", "outside-legislation"),
        ("can we put carers names and phone numbers in our whatsapp group", "data-sharing"),
        ("what does a DPIA cover", "dpia"),
    ],
)
def test_trial_questions_get_the_right_entry_or_area(
    retriever: Retriever, question: str, expected: str
) -> None:
    assert _given(retriever, question) == expected


@pytest.mark.parametrize(
    ("question", "wrong"),
    [
        (
            "the councils officer is bullying our volunteer coordinator in meetings",
            "coordinator-role",
        ),
        (
            "could we each keep our own budget but spend it on the same goals",
            "principle-shared-goals",
        ),
    ],
)
def test_trial_questions_no_longer_get_the_wrong_entry(
    retriever: Retriever, question: str, wrong: str
) -> None:
    assert _given(retriever, question) != wrong
