"""What a member is asked: one message, one row of 1–5 buttons per principle.

A press marks the rating in that person's own message (the marks live in their chat,
not in the database), so nothing has to read back who answered what.
"""

from __future__ import annotations

import re

from domain.health import MIN_ANSWERS, PRINCIPLES, RATINGS
from formatting.html import escape

Buttons = list[list[tuple[str, str]]]
# hc:<round>:<principle index>:<rating>; rating 0 is the principle's name (it explains).
ANSWER = re.compile(r"^hc:(\d{1,9}):([0-5]):([0-5])$")
MARK = "✓"
DEEP_LINK_PREFIX = "hc"  # /start hc<round>: the group message's button opens the questions


def question_text(title: str) -> str:
    """The question message (HTML)."""
    lines = [
        f"<b>Health check: {escape(title)}</b>",
        "How well is the partnership doing? Rate each principle from 1 (poorly) to "
        "5 (very well); press again to change a rating.",
        "",
        *(f"<b>{p.short}</b>: {escape(p.label)}" for p in PRINCIPLES),
        "",
        "Anonymous: results show only averages, only when the round has closed and only "
        f"if {MIN_ANSWERS} or more people answered. Reply to this message to add a comment "
        "(shown with the results, unsigned).",
    ]
    return "\n".join(lines)


def question_rows(round_id: int, marked: dict[int, int] | None = None) -> Buttons:
    """Six rows: the principle's short name, then 1–5 (the chosen one marked)."""
    marked = marked or {}

    def label(index: int, rating: int) -> str:
        return f"{rating}{MARK}" if marked.get(index) == rating else str(rating)

    return [
        [(p.short, f"hc:{round_id}:{index}:0")]
        + [(label(index, rating), f"hc:{round_id}:{index}:{rating}") for rating in RATINGS]
        for index, p in enumerate(PRINCIPLES)
    ]


def marks_of(rows: Buttons) -> dict[int, int]:
    """The ratings marked on a question message's buttons (principle index → rating)."""
    marks = {}
    for row in rows:
        for label, data in row:
            match = ANSWER.match(data)
            if match and label.endswith(MARK):
                marks[int(match.group(2))] = int(match.group(3))
    return marks


def invite_text(title: str, count: int) -> str:
    """The group message for members who have not started a private chat with Accord."""
    who = "1 member" if count == 1 else f"{count} members"
    return (
        f"<b>Health check for {escape(title)}</b>: {who} here can't get the questions from "
        "me privately yet. Press the button to open a private chat with me and answer "
        "there (anonymously; six ratings, a minute's work)."
    )


def deep_link(bot_username: str, round_id: int) -> str:
    """The t.me link that opens a private chat with Accord on a round's questions."""
    return f"https://t.me/{bot_username}?start={DEEP_LINK_PREFIX}{round_id}"
