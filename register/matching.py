"""Finding actions by loose words: "who is responsible for the funding bid?"."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, utils

from register.model import Action

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
MIN_SCORE = 75
# A question names what it is about in a few words; more are ignored, so the work per
# question stays bounded (each word is compared with every word of every open title).
MAX_KEY_WORDS = 12


def key_words(text: str) -> list[str]:
    """The words of a question that say what it is about."""
    words = re.findall(r"[\w'-]+", text.lower())
    return [word for word in words if word not in QUESTION_WORDS]


def best_matches(query: str, actions: list[Action], limit: int = 10) -> list[Action]:
    """Actions whose titles match the query's words, best first (typos tolerated)."""
    words = list(dict.fromkeys(key_words(query)))[:MAX_KEY_WORDS]
    if not words:
        return []
    scored = []
    for action in actions:
        title_words = utils.default_process(action.title).split()
        if not title_words:
            continue
        per_word = [max(fuzz.ratio(word, t) for t in title_words) for word in words]
        matched = [score for score in per_word if score >= MIN_SCORE]
        if matched:
            scored.append((len(matched), sum(matched), -action.number, action))
    scored.sort(key=lambda item: item[:3], reverse=True)
    if not scored:
        return []
    best = scored[0][0]
    return [item[3] for item in scored if item[0] == best][:limit]
