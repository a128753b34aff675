"""How a question is asked, apart from what it is about: chat spellings read as words
("whens the next board", "where r the minutes") and the question word it asks with."""

from __future__ import annotations

import re

# Chat spellings of the words a question is asked with; a FAQ question is written out.
_SPELLINGS = {
    "whens": "when is", "wheres": "where is", "whos": "who is", "whats": "what is",
    "hows": "how is", "r": "are", "u": "you", "ur": "your", "wot": "what",
}  # fmt: skip
_SPELLING = re.compile(
    r"\b(?:(when|where|who|what|how)['’]s|(" + "|".join(_SPELLINGS) + r"))\b", re.IGNORECASE
)
_QUESTION_WORD = re.compile(r"\b(who|whom|whose|where|when|what|which|how|why)\b", re.IGNORECASE)
# The question words that ask for a fact only the partnership has: its people, places
# and dates. A FAQ asked with one answers questions asked the same way (or with none).
LOCAL_FACT_WORDS = frozenset({"who", "where", "when"})
# How people chat, not what they ask about: politeness, shorthand, hedges and
# contractions ("pls tell me what a lead partner does thx", "jus wanna know…"). Neither
# scored nor counted as unknown words, by the guidance and the partnership's FAQ alike,
# and left out of what the semantic layer compares.
FILLERS = frozenset(
    "pls plz please thx thanx thnx tnx ty tx ta cheers thanks thank jus just wanna gonna "
    "gotta lol lmao haha hehe tbh imo imho idk fyi btw hmm hm um umm erm er ah oh ooh "
    "tell know wondering wonder basically actually really honestly "
    "we're were we've weve we'd i'm i've i'd you're youre they're theyre it's isn't "
    "thinking kinda sorta ok okay hi hey hello folks guys".split()
)
_FILLER = re.compile(
    r"(?<![\w'])(?:"
    + "|".join(sorted(map(re.escape, FILLERS), key=len, reverse=True))
    + r")(?![\w'])",
    re.IGNORECASE,
)


# How a chat message may open before its question: "thx, and who do i ring about the hall
# keys", "ok so where are the minutes", "@accord_bot btw when is the next board".
_OPENING = re.compile(
    r"^(?:\s*(?:@\w+|accord|thx|thanks|thank you|cheers|ta|ok|okay|right|so|and|also|oh|hi|"
    r"hey|hello|btw|um|erm|sorry|one more|another one|quick one|q)\b[\s,.:;!-]*)+",
    re.IGNORECASE,
)


def as_faq_question(text: str) -> str:
    """A logged chat question as a FAQ question: without its chat opening, capitalised
    ("thx, and who do i ring about the hall keys" is "Who do i ring about the hall
    keys"); the text itself when nothing else is left."""
    question = _OPENING.sub("", text).strip()
    return question[:1].upper() + question[1:] if question else text


def without_fillers(text: str) -> str:
    """``text`` without its chat fillers ("pls", "thx", "jus wanna"): what it asks about."""
    stripped = " ".join(_FILLER.sub(" ", text.replace("’", "'")).split())
    return stripped or text


def normalise(text: str) -> str:
    """``text`` with chat spellings written out: "whens" and "when's" are "when is",
    "r" is "are", "u" is "you"."""

    def written(match: re.Match[str]) -> str:
        if match.group(1):
            return f"{match.group(1)} is"
        return _SPELLINGS[match.group(2).lower()]

    return _SPELLING.sub(written, text)


def question_word(text: str) -> str | None:
    """The first question word of ``text`` ("who", "how"…; "whom"/"whose" are "who"), or
    None for a question without one ("next board meeting?")."""
    found = _QUESTION_WORD.search(normalise(text))
    if found is None:
        return None
    word = found.group(1).lower()
    return "who" if word.startswith("who") else word


# Asking for advice, not a fact: "how often should a steering group meet", "what's the
# best way to…", "do we need a…".
_ADVICE = re.compile(
    r"\b(?:should|shld|shud|ought|best\s+way|good\s+way|tips?|need\s+to|do\s+we\s+need)\b",
    re.IGNORECASE,
)


# Asking what we should do about our own practice ("do we need minutes or are action
# notes enough?"), not asking Accord ("can you take the minutes?", "should I paste the
# actions in one go?").
# "who should take the notes" asks who of us should, as "should we" does (trial 10l)
_OUR_PRACTICE = re.compile(
    r"\b(?:do|should|shld|shud|ought|must)\s+we\b|^\s*who\s+should\b", re.IGNORECASE
)
_TO_ACCORD = re.compile(r"\b(?:you|u|accord|bot)\b", re.IGNORECASE)


def asks_our_practice(text: str) -> bool:
    """Whether ``text`` asks what the partnership should do, not what Accord does: then
    what Accord does is no answer (the meetings guidance is, not "I don't take minutes")."""
    return bool(_OUR_PRACTICE.search(text)) and not _TO_ACCORD.search(text)


def asks_advice(text: str) -> bool:
    """Whether ``text`` asks what is best to do in general rather than a fact of ours:
    general guidance answers it when it can, before a FAQ sharing its words."""
    return bool(_ADVICE.search(text))
