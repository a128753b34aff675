"""Questions about this chat's own register ("who is responsible for the funding bid?",
"what do I own?", "what is overdue?") are answered from the register, not the guidance."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WHO = re.compile(
    r"^\s*who(?:'s|s| is| are)?\s+"
    r"(?:responsible|accountable|in charge|doing|handling|owns?|owning|leading|looking after"
    r"|working on|on|got|has|took|taking)\b(?:\s+(?:for|of|on|with))?\s*(?P<subject>.+)$",
    re.IGNORECASE,
)
_MINE = re.compile(
    r"\b(?:what|which)\b.*\b(?:do i own|am i (?:responsible for|doing|on|handling)|"
    r"have i got|on my plate|are my (?:actions|tasks))\b|^\s*my (?:actions|tasks)\b"
    r"|\b(?:actions?|tasks?)\b.*\b(?:assigned to|given to|for) me\b",
    re.IGNORECASE,
)
# "who chairs?", "who is the chair?", "who is our data lead?": a role (see /roles).
_ROLE = re.compile(
    r"^\s*who(?:'s|s| is)\s+(?:the |our |a )?(?P<role>[^?]+)$"
    r"|^\s*who\s+(?P<verb>chairs|leads|convenes|facilitates|hosts|coordinates)\b"
    # "who does safeguarding?", "who looks after data?": a role named by what it covers
    r"|^\s*who\s+(?:does|covers|looks after)\s+(?:the |our )?(?P<does>[^?]+)$",
    re.IGNORECASE,
)
# "Who is supposed to write the DPIA?", "who should chair?": what a role is for in
# general (guidance), not who holds an action here (the register).
_IN_GENERAL = re.compile(
    r"^\s*who\s+(?:(?:is|are)\s+)?(?:supposed|meant|expected|should|ought|normally|usually"
    r"|typically|generally)\b",
    re.IGNORECASE,
)
_OVERDUE = re.compile(r"\b(?:overdue|late|behind schedule|past due)\b", re.IGNORECASE)
_OVERDUE_QUESTION = re.compile(r"^\s*(?:what|which|anything|is anything|are any)\b", re.IGNORECASE)
# "What is HSCB responsible for?", "what does Bob own?", "which actions has the council got?"
_OWNS = re.compile(
    r"^\s*(?:what|which)\s+(?:(?:actions?|tasks?)\s+)?(?:is|are|does|do|has|have)\s+"
    r"(?P<subject>.+?)\s+(?:responsible for|accountable for|in charge of|owns?|owning|got|"
    r"doing|do|handling|working on|on)"
    r"(?:\s+(?:on the (?:action list|register)|at the moment|right now|now|currently|atm))?$"
    # "what's still open for the police?"
    r"|^\s*what\s+is\s+(?:still\s+)?open\s+(?:for|with)\s+(?P<holder>.+)$",
    re.IGNORECASE,
)
# "What's overdue for the council?", "anything overdue for @bob?"
_OVERDUE_FOR = re.compile(
    r"\b(?:overdue|late|past due)\s+(?:for|of|from|with|at)\s+(?P<subject>.+)$", re.IGNORECASE
)
# "Is anyone on the action for the newsletter?", "has housing done their bit on the
# referral form yet?": who has an action, by its words.
_ANYONE = re.compile(
    r"^\s*is\s+(?:any|some)(?:one|body)\s+(?:on|doing|handling|leading|looking after)\s+"
    r"(?P<subject>.+)$"
    r"|^\s*(?:has|have)\s+.+?\s+done\s+(?:their|his|her|its|our)\s+(?:bit|part)\s+"
    r"(?:on|for|with)\s+(?P<task>.+?)(?:\s+yet)?$",
    re.IGNORECASE,
)
# An action named as such: "the action on the venue booking" is "venue booking".
_ACTION = re.compile(r"^(?:the\s+)?(?:action|task)s?\s+(?:on|for|about)\s+", re.IGNORECASE)
# A leading mention or address: "@accord who's got…", "accord, what's overdue".
_ADDRESS = re.compile(r"^\s*(?:@\w+|accord\b)[,:]?\s*", re.IGNORECASE)
_LEADING = re.compile(r"^(?:the|a|an|our)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class RegisterQuestion:
    """A question for the register: ``kind`` is "who" (an action's owner), "mine",
    "overdue" (with a ``subject``: a partner's or person's), "owns" (what a partner or
    person is responsible for) or "role" (who holds a role: "who chairs?")."""

    kind: str
    subject: str = ""


def register_question(text: str) -> RegisterQuestion | None:
    """The register question ``text`` asks, if it asks one."""
    question = _ADDRESS.sub("", text.strip().rstrip("?!. "))
    question = re.sub(r"^(\s*(?:what|who))['’]?s\b", r"\1 is", question, flags=re.I)
    if _IN_GENERAL.match(question):  # "who is supposed to write the DPIA": a role in general
        return None
    if _MINE.search(question):
        return RegisterQuestion("mine")
    if _OVERDUE.search(question) and _OVERDUE_QUESTION.search(question):
        whose = _OVERDUE_FOR.search(question)
        return RegisterQuestion("overdue", _subject(whose.group("subject")) if whose else "")
    owns = _OWNS.match(question)
    if owns and _subject(owns.group("subject") or owns.group("holder")):
        return RegisterQuestion("owns", _subject(owns.group("subject") or owns.group("holder")))
    anyone = _ANYONE.match(question)
    if anyone and _subject(anyone.group("subject") or anyone.group("task")):
        return RegisterQuestion("who", _subject(anyone.group("subject") or anyone.group("task")))
    match = _WHO.match(question)
    if match:
        subject = _subject(match.group("subject"))
        if subject:
            return RegisterQuestion("who", subject)
    if role := _ROLE.match(question):
        words = role.group("role") or role.group("verb") or role.group("does")
        return RegisterQuestion("role", words.strip())
    return None


def _subject(words: str) -> str:
    """What a question is about, without a leading "the", "a" or "our" or "the action on"."""
    return _LEADING.sub("", _ACTION.sub("", words.strip()))


# A fact only this partnership has: "who is our IG lead?", "where are our minutes?",
# "when is our next meeting?", "what's our budget code?". General guidance can't answer
# it; the partnership's FAQ can. A general question that merely says "our" ("how do we
# make our meetings better") is not one: it asks how, not who, where or when.
_LOCAL_FACT = re.compile(
    r"^\s*(?:who|where|when)\s*(?:is|are|was|does|do)\s+(?:our|the partnership's)\s+\S"
    r"|^\s*where\s+(?:do|can)\s+(?:we|i)\s+(?:keep|find|get|put|store|save)\s+(?:our|the)\s+"
    r"(?:minutes|papers|agendas?|documents?|files?|drive|notes|templates?|folder)\b"
    r"|^\s*(?:what|which)\s*(?:is|are)\s+(?:our|the partnership's)\s+(?:[\w-]+\s+){0,3}"
    r"(?:code|number|address|email|e-mail|phone|postcode|login|password|link|url|account|"
    r"deadline|date|time|venue|room|contact|name|reference|ref)s?\s*$"
    r"|^\s*when\s*(?:is|are)\s+(?:our\s+next|the\s+next\s+(?:partnership\s+|board\s+)?"
    r"(?:meeting|board|steering|session|catch-?up|call|forum)s?)\b",
    re.IGNORECASE,
)


def asks_local_fact(text: str) -> bool:
    """Whether ``text`` asks for a fact only this partnership has (who holds a post
    here, where its papers are, when it next meets, its codes and contacts)."""
    question = _ADDRESS.sub("", text.strip().rstrip("?!. "))
    question = re.sub(r"^(\s*(?:what|who|where|when))['’]?s\b", r"\1 is", question, flags=re.I)
    return bool(_LOCAL_FACT.search(question))


_SMALL_TALK = frozenset(
    "hi hello hey hiya morning afternoon evening good thanks thank you cheers ok okay great "
    "bye yes no".split()
)


def is_small_talk(text: str) -> bool:
    """Greetings and thanks: answered kindly, not searched or logged as questions."""
    words = re.findall(r"[a-z]+", text.lower())
    return bool(words) and all(word in _SMALL_TALK for word in words)
