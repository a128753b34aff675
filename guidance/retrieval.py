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
    "about", "explain", "anything", "something", "thing", "things", "set", "up", "accord",
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
CORRECTIONS_CACHED = 4096  # misspellings remembered, so a repeated typo costs one lookup
# The confidence rule, chosen on the development set (tests/data/guidance_dev.toml) and
# checked on the seed set (tests/data/guidance_questions.toml), never on the held-out set:
# a grid over the four values, keeping the seed set >= 95% right, minimising wrong.
# Confident when the best score times the share of the question's words the knowledge
# base knows reaches MIN_CONFIDENCE, and at least MIN_COVERAGE of them are known...
MIN_CONFIDENCE = 1.6
MIN_COVERAGE = 0.7
# ...and the best entry itself holds MIN_MATCHED of the question's distinctive words,
# weighted by idf (an unknown word weighs as much as the rarest known one): "what are
# trustees' legal duties" matches only "trust" and is declined. On dev (with the margin
# rule): 0.35 gives right 83.7%, wrong 5.9%; 0.40 79.7/5.0; 0.45 77.2/4.0 and seed 96.6.
MIN_MATCHED = 0.35
# ...and the best entry beats the runner-up by MIN_MARGIN of its score, unless one of the
# close entries links to it or from it (related or remedies): then the question sits in
# one topic and the best is a fair answer. Two unrelated entries scoring alike mean the
# question falls between topics. 0.10 on dev (wrong 5.4%); 0.05 let 1.5 points more wrong
# through, 0 three points more; 0.15 declined more right answers than it saved wrong.
MIN_MARGIN = 0.10
ENTRY_WEIGHT = 1.0
PHRASING_WEIGHT = 0.0
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
        self._documents = [set(document) for document in documents]
        self._known_stems = {token for document in documents for token in document}
        # Correction candidates by first letter: typos rarely change it (see _correct).
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted({w for entry in self._entries for w in self._words(_text(entry))}):
            self._by_initial.setdefault(word[0], []).append(word)
        self._corrections: dict[str, str] = {}
        self._bm25 = BM25(documents)
        # Each example question (and the title) is also a phrasing of its own: a question
        # close to any one phrasing of an entry is near that entry, however long it is.
        self._phrasing_of: list[int] = []
        self._phrasing_norm: list[float] = []
        self._phrasings_with: dict[str, list[int]] = {}
        for index, entry in enumerate(self._entries):
            for text in (entry.title, *entry.questions):
                tokens = set(self._tokens(self._words(text)))
                if not tokens:
                    continue
                phrasing = len(self._phrasing_of)
                self._phrasing_of.append(index)
                self._phrasing_norm.append(math.sqrt(sum(self._bm25.idf(t) ** 2 for t in tokens)))
                for token in tokens:
                    self._phrasings_with.setdefault(token, []).append(phrasing)

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
        cached = self._corrections.get(word)
        if cached is not None:
            return cached
        corrected = self._closest(word)
        if len(self._corrections) >= CORRECTIONS_CACHED:
            self._corrections.clear()
        self._corrections[word] = corrected
        return corrected

    def _closest(self, word: str) -> str:
        stem = self._stemmer.stemWord(word)
        if stem in self._known_stems or len(word) < 4 or word.isdigit():
            return word
        # Typos rarely change the first letter. One edit below nine letters: two let
        # "stuff" become "staff" and "thinking" "ticking", changing the question.
        allowed = 1 if len(word) < 9 else 2
        candidates = self._by_initial.get(word[0], ())
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
        scores = self._scores(tokens)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:limit]
        candidates = tuple(
            Match(self._entries[i], float(scores[i])) for i in order if scores[i] > 0
        )
        confident = (
            bool(candidates)
            and coverage >= MIN_COVERAGE
            and candidates[0].score * coverage >= MIN_CONFIDENCE
            and self._matched(specific, order[0]) >= MIN_MATCHED
            and _clear_winner(candidates)
        )
        return Answer(candidates[0] if confident else None, candidates, coverage)

    def _nearest(self, tokens: list[str]) -> list[float]:
        """Each entry's closest phrasing to the question: idf-weighted cosine, 0 to 1."""
        query = set(tokens)
        weights = {t: self._bm25.idf(t) ** 2 for t in query}
        norm = math.sqrt(sum(weights.values()))
        dots: dict[int, float] = {}
        for token in query:
            for phrasing in self._phrasings_with.get(token, ()):
                dots[phrasing] = dots.get(phrasing, 0.0) + weights[token]
        nearest = [0.0] * len(self._entries)
        for phrasing, dot in dots.items():
            similarity = dot / (norm * self._phrasing_norm[phrasing])
            index = self._phrasing_of[phrasing]
            if similarity > nearest[index]:
                nearest[index] = similarity
        return nearest

    def _scores(self, tokens: list[str]) -> list[float]:
        """Each entry's score: the whole entry's, plus its nearest phrasing's."""
        scores = self._bm25.get_scores(tokens)
        if PHRASING_WEIGHT:
            nearest = self._nearest(tokens)
            scores = [ENTRY_WEIGHT * s + PHRASING_WEIGHT * n for s, n in zip(scores, nearest, strict=True)]
        return scores

    def _matched(self, words: list[str], index: int) -> float:
        """The idf-weighted share of the question's distinctive words that entry
        ``index`` holds; a word the knowledge base doesn't know weighs most."""
        document = self._documents[index]
        total = held = 0.0
        for word in dict.fromkeys(words):
            tokens = self._tokens([word])
            weight = max(self._bm25.idf(token) for token in tokens)
            total += weight
            if any(token in document for token in tokens):
                held += weight
        return held / total if total else 0.0


def _clear_winner(candidates: tuple[Match, ...]) -> bool:
    """The best entry beats the runner-up clearly, or it links to (or from) one of the
    entries that come close: then the question sits in one topic, and the best is fair."""
    if len(candidates) < 2:
        return True
    best, second = candidates[0], candidates[1]
    if best.score - second.score >= MIN_MARGIN * best.score:
        return True
    return any(
        other.entry.id in (*best.entry.related, *best.entry.remedies)
        or best.entry.id in (*other.entry.related, *other.entry.remedies)
        for other in candidates[1:]
    )


class BM25:
    """Okapi BM25, Lucene's variant (k1 1.5, b 0.75; idf ``log(1 + (N - df + 0.5) /
    (df + 0.5))``), over tokenised documents; a token repeated in a query counts again."""

    def __init__(
        self, documents: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75
    ) -> None:
        count = len(documents)
        average = sum(map(len, documents)) / count if count else 1.0
        frequencies: dict[str, int] = Counter(t for document in documents for t in set(document))
        self._idf = {
            token: math.log(1 + (count - df + 0.5) / (df + 0.5))
            for token, df in frequencies.items()
        }
        self._unknown_idf = math.log(1 + (count - 0.5) / 1.5)  # as rare as can be known
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for index, document in enumerate(documents):
            norm = k1 * (1 - b + b * len(document) / average)
            for token, tf in Counter(document).items():
                weight = self._idf[token] * tf / (tf + norm)
                self._postings.setdefault(token, []).append((index, weight))
        self._count = count

    def idf(self, token: str) -> float:
        """How distinctive ``token`` is; a token no document holds, the most."""
        return self._idf.get(token, self._unknown_idf)

    def get_scores(self, tokens: Sequence[str]) -> list[float]:
        """Each document's score for the query ``tokens``."""
        scores = [0.0] * self._count
        for token in tokens:
            for index, weight in self._postings.get(token, ()):
                scores[index] += weight
        return scores


def _text(entry: Entry) -> str:
    return " ".join((entry.title, " ".join(entry.tags), " ".join(entry.questions), entry.answer))
