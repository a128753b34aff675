"""A second reading of a question: a linear text classifier fitted on every entry's ways
of asking (title, tags, example questions) and on the questions people asked that it
answers (guidance/asked.py), which scores how strongly the question's words and word
pieces point to each entry, or to none: the asked questions no entry answers are one
more class, "outside".

The retriever ranks entries by their closest matches (BM25, nearest phrasing, meaning);
the classifier weighs every n-gram against all entries at once, so it learns what tells
two neighbours apart ("split the risk" is sharing risk, not pooled budgets, though both
talk of money). On the calibration sets' 1,511 answerable questions the retriever's first
candidate was right on 92.5%, the classifier's on 92.8%, and where the two agreed on
98.4%; re-ranking the retriever's five best by both was right on 96.0%. Learning the
asked questions too lifted two new authors' check sets from 92.9% and 94.0% right to
96.3% and 96.2%, wrong answers 6 and 4 to 5 and 4.

Word uni- and bigrams and character 3- to 5-grams within words (typos and word forms:
"goverance", "chairing"), TF-IDF weighted, into scikit-learn's linear SVM: fitted in two
to three seconds, in the semantic layer's background thread, deterministically.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from guidance.semantic import Phrasings

# The SVM's regularisation: C from 0.2 to 2 gave the same re-ranked top-1 within 0.5 point.
REGULARISATION = 0.5


class Classifier:
    """One knowledge base's classifier: each entry's decision value for a question.

    scikit-learn fits it; answering does not go through scikit-learn's transform, which
    validates and builds sparse matrices for one short question (2 ms, near the whole
    answer's budget): each vectorizer's vocabulary, idf and slice of the SVM's weights are
    kept, and a question's decision values computed from its n-grams directly, the same
    values to rounding (tests/test_guidance_classifier.py checks) in about a tenth of the
    time."""

    def __init__(
        self, phrasings: Phrasings, asked: Phrasings = (), outside: tuple[str, ...] = ()
    ) -> None:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_union
        from sklearn.svm import LinearSVC

        asked = asked or tuple(() for _ in phrasings)
        classes = (*phrasings, outside)  # the outside class last, index len(phrasings)
        learnt = (*asked, ())
        texts = [text.lower() for group in (classes, learnt) for texts in group for text in texts]
        labels = [i for group in (classes, learnt) for i, texts in enumerate(group) for _ in texts]
        self._count = len(phrasings)
        self._classes: list[int] = []
        self._parts: list[_Part] = []
        if len(set(labels)) < 2:  # nothing to tell apart
            return
        self.union: Any = make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2),
        )
        self.svm: Any = LinearSVC(C=REGULARISATION, random_state=0)
        self.svm.fit(self.union.fit_transform(texts), labels)
        self._classes = [int(label) for label in self.svm.classes_]
        weights = np.asarray(self.svm.coef_, dtype=np.float64)
        intercept = np.asarray(self.svm.intercept_, dtype=np.float64)
        if len(self._classes) == 2:  # a binary SVM keeps one row: the second class's
            weights, intercept = np.vstack([-weights, weights]), np.hstack([-intercept, intercept])
        self._intercept = intercept
        start = 0
        for _, vectorizer in self.union.transformer_list:
            size = len(vectorizer.vocabulary_)
            self._parts.append(
                _Part(
                    vectorizer.build_analyzer(),
                    vectorizer.vocabulary_,
                    np.asarray(vectorizer.idf_, dtype=np.float64),
                    np.ascontiguousarray(weights[:, start : start + size].T),
                )
            )
            start += size

    def decisions(self, question: str) -> list[float]:
        """Each entry's decision value for ``question`` (higher: more likely meant); an
        entry with no phrasings scores below every other."""
        return self.reading(question)[0]

    def reading(self, question: str) -> tuple[list[float], float]:
        """Each entry's decision value for ``question`` and the outside class's (below
        every entry's when it learnt no question)."""
        if not self._classes:
            return [0.0] * self._count, -1.0
        values = self._intercept.copy()
        text = question.lower()
        for part in self._parts:
            part.add(text, values)
        found = [float(values.min()) - 1.0] * (self._count + 1)
        for label, value in zip(self._classes, values.tolist(), strict=True):
            found[label] = value
        return found[: self._count], found[self._count]


class _Part:
    """One vectorizer of the union: its n-grams' columns, TF-IDF weighted and l2
    normalised as scikit-learn does (sublinear tf), times the SVM's weights."""

    def __init__(self, analyzer: Any, vocabulary: dict[str, int], idf: Any, weights: Any) -> None:
        self._analyzer = analyzer
        self._vocabulary = vocabulary
        self._idf = idf
        self._weights = weights  # one row per n-gram, one column per class

    def add(self, text: str, values: Any) -> None:
        """Add this part's share of ``text``'s decision values to ``values``."""
        import numpy as np

        counts: dict[int, int] = {}
        for gram in self._analyzer(text):
            column = self._vocabulary.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return
        columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        weighted = tf * self._idf[columns]
        weighted /= np.sqrt(weighted @ weighted)
        values += weighted @ self._weights[columns]
