"""Ranked lexical retrieval over the knowledge base: BM25 with stemming, typo tolerance
and a synonym table, plus a confidence rule that declines what the base doesn't cover.

The BM25 scores are the Lucene variant bm25s computes (the benchmark's baseline), from
a small inverted index of our own: a knowledge base of a hundred entries needs no
matrix library, and not importing numpy keeps a fresh process's load under 200 ms.

Each entry is one document: its title, tags and example questions weigh more than its
answer. A query word not in the vocabulary is corrected to the closest known word when
one is close enough; words in a synonym group also match the group as a whole.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import Stemmer
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from guidance.knowledge import Entry, KnowledgeBase

# Lucene's English stop words (bm25s uses the same list).
ENGLISH_STOPWORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their "
    "then there these they this to was will with".split()
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOPWORDS = ENGLISH_STOPWORDS | {
    "pls", "please", "help", "us", "our", "we", "i", "me", "my", "you", "your", "can",
    "could", "would", "should", "do", "does", "did", "how", "what", "whats", "why", "when",
    "which", "who", "is", "are", "tell", "give", "get", "just", "really", "actually", "any",
    "im", "ive", "there", "theres", "its", "it's", "what's", "let", "lets", "know", "need",
    "want", "good", "idea", "way", "best", "new", "one", "much", "many", "keep", "make",
    "about", "explain", "anything", "something", "thing", "things", "set", "up",
}  # fmt: skip
# Words that say a question is about partnership working at all, without saying which
# entry answers it; they neither decide the answer nor make a question in-domain.
GENERIC = frozenset(
    "partnership partnerships partner partners partnering working work organisation "
    "organisations orgs org council councils charity charities agency agencies nhs "
    "department departments".split()
)
WEIGHTS = {"title": 3, "tags": 2, "questions": 2, "answer": 1}
MIN_CORRECTION = 80  # rapidfuzz ratio for a typo to be corrected to a known word
# Confident when the best score times the share of the question's words the knowledge
# base knows reaches this, and at least half of them are known. Chosen on the question
# sets in tests/data: in-domain questions score 1.36 and up, out-of-domain 0.89 at most.
MIN_CONFIDENCE = 1.2
MIN_COVERAGE = 0.5
# A question is a sentence or two: words past this are ignored, so a 4 KB message costs
# no more than a long question (each distinct word is spell-checked once).
MAX_QUESTION_WORDS = 64


@dataclass(frozen=True)
class Match:
    """A ranked entry and its score."""

    entry: Entry
    score: float


@dataclass(frozen=True)
class Answer:
    """The best entry when confident; the closest entries either way."""

    best: Match | None
    candidates: tuple[Match, ...]
    coverage: float


class Retriever:
    """Answers questions from one knowledge base."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge
        self._stemmer = Stemmer.Stemmer("english")
        self._group_of: dict[str, int] = {}
        for index, group in enumerate(knowledge.synonyms):
            for word in group:
                self._group_of[self._stemmer.stemWord(word)] = index
        self._entries = list(knowledge.entries.values())
        documents = [self._document(entry) for entry in self._entries]
        self._vocabulary = sorted({w for entry in self._entries for w in self._words(_text(entry))})
        self._known_stems = {token for document in documents for token in document}
        self._bm25 = BM25(documents)

    def _words(self, text: str) -> list[str]:
        return [w for w in _WORD.findall(text.lower().replace("’", "'")) if w not in STOPWORDS]

    def _tokens(self, words: list[str]) -> list[str]:
        """Stems, plus a synonym-group token for each word that belongs to a group."""
        tokens = []
        for stem in self._stemmer.stemWords(words):
            tokens.append(stem)
            if stem in self._group_of:
                tokens.append(f"syn{self._group_of[stem]}")
        return tokens

    def _document(self, entry: Entry) -> list[str]:
        fields = {
            "title": entry.title,
            "tags": " ".join(entry.tags),
            "questions": " ".join(entry.questions),
            "answer": entry.answer,
        }
        tokens: list[str] = []
        for field, text in fields.items():
            tokens.extend(self._tokens(self._words(text)) * WEIGHTS[field])
        return tokens

    def _correct(self, word: str) -> str:
        """A misspelt word becomes the closest vocabulary word, if one is close."""
        stem = self._stemmer.stemWord(word)
        if stem in self._known_stems or len(word) < 4 or word.isdigit():
            return word
        # Typos rarely change the first letter, and short words need a closer match.
        allowed = 1 if len(word) < 6 else 2
        candidates = [known for known in self._vocabulary if known[0] == word[0]]
        found = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=MIN_CORRECTION)
        if found is None or Levenshtein.distance(word, found[0]) > allowed:
            return word
        return found[0]

    def ask(self, question: str, limit: int = 3) -> Answer:
        """Rank the entries for ``question``; ``best`` is set only when confident."""
        asked = self._words(question)[:MAX_QUESTION_WORDS]
        corrected = {word: self._correct(word) for word in set(asked)}
        words = [corrected[word] for word in asked]
        specific = [word for word in words if word not in GENERIC]
        tokens = self._tokens(specific or words)
        known = [t for t in self._tokens(specific) if not t.startswith("syn")]
        coverage = sum(t in self._known_stems for t in known) / len(known) if known else 0.0
        if not tokens:
            return Answer(None, (), 0.0)
        if not specific:  # only "partnership" and the like: what partnership working is
            general = Match(self.knowledge.entries[self.knowledge.general_question], 0.0)
            return Answer(general, (general,), 1.0)
        scores = self._bm25.get_scores(tokens)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:limit]
        candidates = tuple(
            Match(self._entries[i], float(scores[i])) for i in order if scores[i] > 0
        )
        confident = (
            bool(candidates)
            and coverage >= MIN_COVERAGE
            and candidates[0].score * coverage >= MIN_CONFIDENCE
        )
        return Answer(candidates[0] if confident else None, candidates, coverage)


class BM25:
    """Okapi BM25, Lucene's variant (k1 1.5, b 0.75; idf ``log(1 + (N - df + 0.5) /
    (df + 0.5))``), over tokenised documents; a token repeated in a query counts again."""

    def __init__(
        self, documents: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75
    ) -> None:
        count = len(documents)
        average = sum(map(len, documents)) / count if count else 1.0
        frequencies: dict[str, int] = Counter(t for document in documents for t in set(document))
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for index, document in enumerate(documents):
            norm = k1 * (1 - b + b * len(document) / average)
            for token, tf in Counter(document).items():
                idf = math.log(1 + (count - frequencies[token] + 0.5) / (frequencies[token] + 0.5))
                self._postings.setdefault(token, []).append((index, idf * tf / (tf + norm)))
        self._count = count

    def get_scores(self, tokens: Sequence[str]) -> list[float]:
        """Each document's score for the query ``tokens``."""
        scores = [0.0] * self._count
        for token in tokens:
            for index, weight in self._postings.get(token, ()):
                scores[index] += weight
        return scores


def _text(entry: Entry) -> str:
    return " ".join((entry.title, " ".join(entry.tags), " ".join(entry.questions), entry.answer))
