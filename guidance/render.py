"""Guidance as Telegram HTML: an entry's answer with its source, and topic lists."""

from __future__ import annotations

import html

from domain.faq import FaqEntry
from guidance.knowledge import Entry, KnowledgeBase


def answer_text(entry: Entry) -> str:
    """The entry's title, answer and source; always well under 4096 characters."""
    return (
        f"<b>{html.escape(entry.title, quote=False)}</b>\n"
        f"{html.escape(entry.answer, quote=False)}\n\n"
        f"<i>Source: {html.escape(entry.source, quote=False)}</i>"
    )


# The overview (the answer to "tell me about partnerships") offers the main topics.
MAIN_TOPICS = (
    "key-principles", "benefits", "challenges", "terms-of-reference",
    "governance-chairing", "decision-making", "data-sharing", "meetings",
)  # fmt: skip


def related_entries(knowledge: KnowledgeBase, entry: Entry, limit: int = 3) -> list[Entry]:
    """What to offer next: a challenge's remedies first, then its related entries; after
    the overview (a question naming only partnership), the main topics."""
    if entry.id == knowledge.general_question:
        return [knowledge.entries[i] for i in MAIN_TOPICS if i in knowledge.entries]
    ids = list(dict.fromkeys((*entry.remedies, *entry.related)))
    return [knowledge.entries[i] for i in ids if i in knowledge.entries][:limit]


BROWSE = {
    "principles": (
        "Principles of partnership working",
        ("principle", "general-principle"),
        "The key principles, and the general principles that help organisations create "
        "better partnerships. Tap one to read it.",
    ),
    "benefits": (
        "Benefits of partnership working",
        ("benefit",),
        "What partners gain from working together. Tap one to read it.",
    ),
    "challenges": (
        "Challenges of partnership working",
        ("challenge",),
        "What gets in the way, and the principles that answer each. Tap one to read it.",
    ),
}


def faq_answer_text(entry: FaqEntry, group_title: str | None = None) -> str:
    """A partnership's own answer, saying where it comes from: "this partnership" in its
    group, the group's title in a private chat."""
    where = (
        "this partnership's FAQ"
        if group_title is None
        else f"{html.escape(group_title, quote=False)}'s FAQ"
    )
    return (
        f"<i>From {where} (#{entry.number})</i>\n"
        f"<b>{html.escape(entry.question, quote=False)}</b>\n"
        f"{html.escape(entry.answer, quote=False)}"
    )


def faq_guess_text(entry: FaqEntry, group_title: str | None = None) -> str:
    """A question only the partnership can answer, close to a FAQ entry without asking
    it: the entry offered as a guess, never "your FAQ doesn't have it"."""
    where = "this partnership's FAQ" if group_title is None else f"{group_title}'s FAQ"
    return (
        f"I'm not sure {html.escape(where, quote=False)} answers that. Did you mean "
        f"#{entry.number}?\n<b>{html.escape(entry.question, quote=False)}</b>\n"
        f"{html.escape(entry.answer, quote=False)}"
    )


# Said before the guidance when someone asks Accord to write a document for them.
DRAFT_NOTE = (
    "I can't draft documents for you: I only keep your register of actions and answer "
    "questions. Here's the guidance on it; make the drafting an action with an owner and "
    "a date (/assign)."
)
