"""What Accord says when it has no answer: plainly outside what it knows, the closest
topics only when they are plausibly related, and how a coordinator adds a local answer.
(Requests Accord can't do as asked are answered by the ``accord`` entries, found by
retrieval like any other.)"""

from __future__ import annotations

from guidance.knowledge import Entry
from guidance.retrieval import MIN_COVERAGE, Answer

# A closest topic is offered only when the question is mostly in Accord's vocabulary and
# the topic scores this much (score times coverage; a confident answer needs
# MIN_CONFIDENCE). Since issue 10 broadened the entries, the seed set's out-of-domain
# questions score up to 3.4 (one of 30 above 2.4), on-topic ones declined 2.5 and up.
PLAUSIBLE_CONFIDENCE = 2.4
PLAUSIBLE_COVERAGE = MIN_COVERAGE


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


def decline_text(*, topics: bool, in_group: bool) -> str:
    """The decline (Telegram HTML): outside what Accord knows, what it does cover, and
    how a coordinator teaches the partnership's own answer."""
    lines = [
        "That's outside what Accord knows. Its guidance covers running a partnership "
        "(principles, benefits and challenges; terms of reference, agreements, governance "
        "and decisions; data sharing; meetings, risk, co-production, evaluation) and your "
        "partnership's register of actions. Asking it another way may find it."
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
