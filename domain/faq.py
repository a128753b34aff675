"""A partnership's own answers: the entries of a group's FAQ and their history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MAX_FAQ_QUESTION = 200
MAX_FAQ_ANSWER = 1500
MAX_FAQ_ENTRIES = 100  # per group: a local FAQ, not a second knowledge base


@dataclass(frozen=True)
class FaqEntry:
    """One question a group's coordinators answered, numbered per group."""

    chat_id: int
    number: int
    question: str
    answer: str
    added_by: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class FaqEvent:
    """One change to a FAQ entry: ``kind`` is "added", "edited" or "removed"."""

    number: int
    at: datetime
    actor_name: str
    kind: str
    old_question: str | None
    old_answer: str | None
    new_question: str | None
    new_answer: str | None
