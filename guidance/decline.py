"""What Accord says when it has no answer: plainly outside what it knows, the closest
topics only when they are plausibly related, and how a coordinator adds a local answer;
and an honest answer to requests Accord can't do, naming what it can do instead."""

from __future__ import annotations

import re

from guidance.knowledge import Entry
from guidance.retrieval import MIN_COVERAGE, Answer

# A closest topic is offered only when the question is mostly in Accord's vocabulary and
# the topic scores this much (score times coverage; a confident answer needs
# MIN_CONFIDENCE). Out-of-domain questions in tests/data score 0.88 at most.
PLAUSIBLE_CONFIDENCE = 0.9
PLAUSIBLE_COVERAGE = MIN_COVERAGE

_SUMMARY = re.compile(
    r"\b(?:summar(?:is|iz)e|summary|sum up|recap|transcribe)\b.*"
    r"\b(?:meeting|call|minutes|discussion|chat|conversation|today)\b"
    r"|\btake (?:the )?(?:minutes|notes)\b",
    re.IGNORECASE,
)
_COUNT = re.compile(
    r"\bhow many\b.*\b(?:actions?|tasks?)\b"
    r"|\b(?:stats|statistics|chart|percentage|count)\b.*\b(?:actions?|tasks?)\b"
    r"|\b(?:actions?|tasks?)\b.*\b(?:this|last|per|a) (?:month|week|quarter|year)\b",
    re.IGNORECASE,
)
CANT_SUMMARISE = (
    "Accord can't summarise meetings: it doesn't see them. What it can do: paste the "
    "actions from your minutes into one /assign, one a line (@samira Draft the bid by "
    "Friday), and it records them all; /actions then lists what's open, and the digest "
    "sums up progress each week."
)
CANT_COUNT = (
    "Accord doesn't count actions by month or week. What it can do: /actions done lists "
    "the done actions, /actions overdue the late ones and /actions the open ones, and the "
    "digest (/digest, or on its schedule: /nudges) says what was done since the last one."
)


def plausible(answer: Answer) -> list[Entry]:
    """The closest entries worth offering as buttons after a decline; none when the
    question is mostly words the knowledge base doesn't know or nothing scores well."""
    if answer.coverage < PLAUSIBLE_COVERAGE:
        return []
    return [
        match.entry
        for match in answer.candidates
        if match.score * answer.coverage >= PLAUSIBLE_CONFIDENCE
    ]


def cannot_do(question: str) -> str | None:
    """An honest answer to a request Accord can't do (summarising a meeting, counting
    actions), naming the commands that come closest; ``None`` for anything else."""
    if _SUMMARY.search(question):
        return CANT_SUMMARISE
    if _COUNT.search(question):
        return CANT_COUNT
    return None


def decline_text(*, topics: bool, in_group: bool) -> str:
    """The decline (Telegram HTML): outside what Accord knows, what it does cover, and
    how a coordinator teaches the partnership's own answer."""
    lines = [
        "That's outside what Accord knows. Its guidance covers partnership working "
        "(principles, benefits, challenges) and your partnership's register of actions."
    ]
    if not topics:
        lines.append("Browse what it does cover: /principles, /benefits, /challenges.")
    where = "" if in_group else " in your group"
    lines.append(
        f"\nIf it's about how your partnership works, a coordinator can add the answer{where}: "
        "/faq add &lt;question&gt; | &lt;answer&gt;"
        + (", or answer it from /unanswered." if in_group else ".")
    )
    if topics:
        lines.append("\nThese topics may be related:")
    return "\n".join(lines)
