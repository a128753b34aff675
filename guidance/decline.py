"""What Accord says when it has no answer: plainly outside what it knows, the closest
topics only when they are plausibly related, and how a coordinator adds a local answer.
(Requests Accord can't do as asked are answered by the ``accord`` entries, found by
retrieval like any other.)"""

from __future__ import annotations

import html

from guidance.knowledge import Entry
from guidance.retrieval import MIN_COVERAGE, Answer, Match, part_of_a_phrase

# A closest topic is offered only when the question is mostly in Accord's vocabulary and
# the topic scores this much (score times coverage; a confident answer needs
# MIN_CONFIDENCE). Since the semantic layer joined the score, off-topic and declined
# on-topic questions overlap more: on the tuning sets 5.0 keeps buttons from 30 of 57
# off-topic questions (of those with most words known) and gives them to 31 of 39
# declined on-topic ones (2.4 before).
PLAUSIBLE_CONFIDENCE = 5.0
PLAUSIBLE_COVERAGE = MIN_COVERAGE
# A declined question is offered its best match as a guess ("did you mean …?") when that
# match is near the confidence rule (score times coverage), one of its phrasings shares
# the question's words (nearest times coverage) and it leads the runner-up clearly
# (the runner-up scores at most SUGGEST_LEAD of it; a lone match rests on one shared
# phrase: "what is 2 plus 2" finds "plus side"). Chosen on the development sets: no
# off-topic question there is suggested anything. Rescaled (2.4, 3.1 and 0.55 before) when
# the answer field and the semantic layer joined the score: on the tuning sets 4 right
# guesses, none wrong, no off-topic one. (Without the semantic layer or the model only.)
# With the calibrated decision (guidance/confidence.py), the guess is its candidate when
# P(right) reaches SUGGEST_PROBABILITY, short of answering (the model answers only from
# its threshold, set so that at most 3% of questions are answered wrong): on the tuning
# rows, declined candidates from 0.5 were right 35 times in 47 (4 off-topic questions of
# 140 came that close); below 0.5 they were mostly wrong or off-topic.
SUGGEST_PROBABILITY = 0.5
SUGGEST_CONFIDENCE = 6.0
SUGGEST_NEAREST = 0.4
SUGGEST_LEAD = 0.75


def plausible(answer: Answer) -> list[Entry]:
    """The closest entries worth offering as buttons after a decline; none when the
    question is mostly words the knowledge base doesn't know or nothing scores well."""
    if answer.coverage < PLAUSIBLE_COVERAGE or answer.outside is not None:
        return []
    if answer.evidence is not None and part_of_a_phrase(answer.evidence):
        return []  # "what is 2 plus 2" shares only "plus" with "plus side": not related
    return [
        match.entry
        for match in answer.candidates
        if match.score * answer.coverage >= PLAUSIBLE_CONFIDENCE and not _one_weak_word(match)
    ]


def _one_weak_word(match: Match) -> bool:
    """Whether ``match`` shares only one of the question's several distinctive words:
    "how do i set up a teams channel" shares "teams" with regular communication, "are you
    a real person" "real" with a case study; too little to offer it."""
    return match.of >= 2 and match.shared < 2


def suggestion(answer: Answer) -> Entry | None:
    """The entry to offer as "did you mean …?" when a declined question's best match is
    plausible (near the threshold, clearly ahead, sharing the question's words); ``None``
    when it is weak: then the plain decline."""
    if answer.best is not None or not answer.candidates or answer.coverage < MIN_COVERAGE:
        return None
    if answer.outside is not None:  # nearer an area Accord doesn't cover than any entry
        return None
    if answer.probability is not None and answer.evidence is not None:
        if answer.probability < SUGGEST_PROBABILITY or part_of_a_phrase(answer.evidence):
            return None
        chosen = answer.evidence.entry
        found = next((m for m in answer.candidates if m.entry.id == chosen), None)
        return None if found is None or _one_weak_word(found) else found.entry
    if len(answer.candidates) < 2:
        return None
    best, second, *_ = answer.candidates
    if best.score * answer.coverage < SUGGEST_CONFIDENCE:
        return None
    if best.nearest * answer.coverage < SUGGEST_NEAREST:
        return None
    if second.score > SUGGEST_LEAD * best.score:
        return None
    return best.entry


def suggestion_text(entry: Entry) -> str:
    """The guess (Telegram HTML): it says it is a guess and answers nothing itself; the
    entry's button (first) answers."""
    return (
        f"I'm not sure I've understood — did you mean: {html.escape(entry.title, quote=False)}?\n"
        "Tap it to read it, or ask another way."
    )


BROWSE = "Browse what it does cover: /principles, /benefits, /challenges."


def decline_text(*, topics: bool, in_group: bool, outside: Entry | None = None) -> str:
    """The decline (Telegram HTML): with plausible ``topics`` (buttons below), which of
    them is meant; nearest an ``outside`` area (HR, procurement…), that area and who to
    ask; else plainly outside what Accord knows and what it does cover. Either way, how
    a coordinator teaches the partnership's own answer."""
    if outside is not None:
        lines = [
            f"That's outside what Accord knows. {html.escape(outside.answer, quote=False)}",
            BROWSE,
        ]
    elif topics:  # offering related topics while calling the question outside contradicts
        lines = ["I'm not sure which of these you mean: tap one to read it, or ask another way."]
    else:
        lines = [
            "That's outside what Accord knows. Its guidance covers running a partnership "
            "(principles, benefits and challenges; terms of reference, agreements, governance "
            "and decisions; data sharing; meetings, risk, co-production, evaluation) and your "
            "partnership's register of actions. Asking it another way may find it.",
            BROWSE,
        ]
    where = "" if in_group else " in your group"
    # after "ask your safeguarding lead", an answer of the partnership's own is a local
    # procedure or contact, not the answer to the question (trial 10d)
    what = (
        "If your partnership has agreed its own procedure or contact for this, a coordinator "
        f"can add it{where}"
        if outside is not None
        else f"If it's about how your partnership works, a coordinator can add the answer{where}"
    )
    lines.append(
        f"\n{what}: /faq add &lt;question&gt; | &lt;answer&gt;"
        + (", or answer it from /unanswered." if in_group else ".")
    )
    return "\n".join(lines)


def local_fact_text(*, coordinator: bool, in_group: bool) -> str:
    """The decline of a question only the partnership can answer ("who is our IG
    lead?"): general guidance can't, so no guidance is offered; a coordinator is told
    how to add the answer, anyone else to ask one."""
    lines = [
        "That's for your partnership to answer: Accord's general guidance can't know it, "
        "and your partnership's FAQ doesn't have it yet."
    ]
    if not in_group:
        lines.append(
            "A coordinator can add the answer in your group: /faq add &lt;question&gt; | "
            "&lt;answer&gt;. Then I answer it here too."
        )
    elif coordinator:
        lines.append(
            "Add it and I'll answer it from now on: /faq add &lt;question&gt; | &lt;answer&gt;, "
            "or answer it from /unanswered."
        )
    else:
        lines.append("Please ask a coordinator to add it: it is waiting in their /unanswered.")
    return "\n".join(lines)
