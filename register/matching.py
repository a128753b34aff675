"""Finding actions by loose words: "who is responsible for the funding bid?"."""

from __future__ import annotations

import re

import Stemmer
from rapidfuzz import fuzz

from domain.model import Action

QUESTION_WORDS = frozenset(
    [
        "who",
        "whos",
        "who's",
        "is",
        "are",
        "responsible",
        "for",
        "the",
        "a",
        "an",
        "owns",
        "own",
        "owner",
        "owning",
        "of",
        "doing",
        "handling",
        "in",
        "charge",
        "what",
        "about",
        "on",
        "with",
        "to",
        "do",
        "does",
        "please",
        "tell",
        "me",
    ]
)
_WORD = re.compile(r"[^\W_]+")
MIN_SCORE = 75
SAME_STEM = 99.0  # a word in another form: a match, though not the word itself
# A question names what it is about in a few words; more are ignored, so the work per
# question stays bounded (each word is compared with every word of every open title).
MAX_KEY_WORDS = 12


def key_words(text: str) -> list[str]:
    """The words of a question that say what it is about."""
    return [word for word in _words(text) if word not in QUESTION_WORDS]


def _words(text: str) -> list[str]:
    """Lower-case words, split at punctuation and underscores alike ("done_ish",
    "done-ish" and "done ish" are the same two words); "who's" is "whos"."""
    return _WORD.findall(text.lower().replace("'", "").replace("\u2019", ""))


# PyStemmer keeps its own bounded cache of recent words (no unbounded one of ours, which
# hostile messages could grow).
_STEMMER = Stemmer.Stemmer("english")


def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def stems(text: str) -> set[str]:
    """The stems of ``text``'s words: "splitting the cost" and "Split the cost" share
    "split" and "cost"."""
    return {_stem(word) for word in _words(text)}


def _score(word: str, title_word: str) -> float:
    """How well ``word`` matches ``title_word``: the word itself fully; the same word in
    another form ("booking", "Book") all but fully, so the word itself ranks first; a
    number ("42") only itself; otherwise as close as its spelling."""
    if word == title_word:
        return 100.0
    if any(ch.isdigit() for ch in word):
        return 0.0
    if _stem(word) == _stem(title_word):
        return SAME_STEM
    return fuzz.ratio(word, title_word)


def _initials(words: list[str]) -> set[str]:
    """The initials of every run of two to five consecutive words: "data sharing
    agreement" gives "ds", "dsa", "sa"…, so "who's doing the DSA" finds it."""
    return {
        "".join(word[0] for word in words[start:end])
        for start in range(len(words))
        for end in range(start + 2, min(start + 5, len(words)) + 1)
    }


def _is_acronym(word: str) -> bool:
    """A word written as an acronym: two capitals or more ("DSA", "ToR", "MoU")."""
    return 2 <= len(word) <= 5 and sum(ch.isupper() for ch in word) >= 2


def _spelt(words: list[str], acronyms: set[str]) -> list[str]:
    """``words`` with each run of two to five words that spells out one of ``acronyms``
    replaced by it: "the data sharing agreement" asks about "Sign off the DSA"."""
    out: list[str] = []
    i = 0
    while i < len(words):
        for end in range(min(i + 5, len(words)), i + 1, -1):
            if "".join(word[0] for word in words[i:end]) in acronyms:
                out.append("".join(word[0] for word in words[i:end]))
                i = end
                break
        else:
            out.append(words[i])
            i += 1
    return out


def best_matches(query: str, actions: list[Action], limit: int | None = None) -> list[Action]:
    """Actions whose titles match most of the query's words, best first: more words
    matched, then more matched whole, then closer (typos tolerated)."""
    words = list(dict.fromkeys(key_words(query)))[:MAX_KEY_WORDS]
    if not words:
        return []
    scored = []
    for action in actions:
        title = _words(action.title)
        if not title:
            continue
        title_words = set(title)
        initials = _initials(title)  # an acronym asked for ("DSA"), matched exactly
        acronyms = {w.lower() for w in _WORD.findall(action.title) if _is_acronym(w)}
        asked = _spelt(words, acronyms)  # or one spelt out ("data sharing agreement")
        per_word = [
            100.0
            if len(word) >= 2 and word in initials
            else max(_score(word, t) for t in title_words)
            for word in asked
        ]
        matched = [score for score in per_word if score >= MIN_SCORE]
        # at least half the words: "whos on the hook if the joint project overspends" is
        # not about "Book the venue…" for one word a typo away ("hook"); of two, both: "the
        # volunteer handbook" is not "Collect the volunteer survey returns"
        enough = len(asked) if len(asked) == 2 else (len(asked) + 1) // 2
        if matched and len(matched) >= enough:
            whole = sum(score == 100.0 for score in matched)
            scored.append((len(matched), whole, sum(matched), -action.number, action))
    scored.sort(key=lambda item: item[:4], reverse=True)
    if not scored:
        return []
    best = scored[0][0]
    return [item[4] for item in scored if item[0] == best][:limit]
