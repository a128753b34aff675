"""Accord's BM25 scores every document as bm25s does (the library the benchmark's
baseline uses), so dropping the library from the runtime changed no answer."""

from __future__ import annotations

import bm25s
import pytest

from guidance.knowledge import load_knowledge
from guidance.retrieval import BM25, Retriever


def test_scores_match_bm25s_on_the_knowledge_base() -> None:
    retriever = Retriever(load_knowledge())
    documents = retriever._corpus
    ours = BM25(documents)
    theirs = bm25s.BM25()
    theirs.index(documents, show_progress=False)
    queries = [
        ["trust", "trust"],
        ["fund", "syn0", "budget"],
        ["meet", "agenda", "unknownword"],
        [documents[0][0], documents[-1][-1]],
    ]
    for tokens in queries:
        assert ours.get_scores(tokens) == pytest.approx(list(theirs.get_scores(tokens)), rel=1e-5)


def test_a_token_no_document_has_scores_nothing() -> None:
    assert BM25([["a", "b"], ["c"]]).get_scores(["zzz"]) == [0.0, 0.0]
