"""Questions people asked, each labelled with what answers it: an entry's id (or several,
``a|b``, when either is right), ``register`` for a question the register answers, or
``decline`` for one no entry answers. Each file of ``config/knowledge/asked/`` is one
author's set, written in coordinators' voice from the topic list.

They serve twice. The classifier (guidance/classifier.py) learns from them how people
actually ask, beside each entry's own phrasings, and from the ``decline`` rows what the
knowledge base does not answer. And the answer-or-decline model (guidance/calibrate.py)
is fitted on how retrieval does on them, each author's set read by a classifier that has
not learnt it.

The measured sets (tests/data: the held-out sets and the check sets) are never learnt:
a question asked word for word in one of them is not kept here (a test checks), so a
measured question is never counted right for having been learnt.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from guidance.knowledge import KNOWLEDGE_DIR

ASKED_DIR = KNOWLEDGE_DIR / "asked"
DECLINE = "decline"
REGISTER = "register"

Rows = list[tuple[str, frozenset[str]]]


def load_set(path: Path) -> Rows:
    """The (question, acceptable labels) pairs of a question set (``questions = [[text,
    label], …]``)."""
    rows = tomllib.loads(path.read_text(encoding="utf-8"))["questions"]
    return [(text, frozenset(label.split("|"))) for text, label in rows]


def asked_sets(directory: Path = ASKED_DIR) -> dict[str, Rows]:
    """Every set of ``directory``, by name (its file's stem), in order of writing."""
    paths = sorted(directory.glob("*.toml"), key=lambda p: _writing_order(p.stem))
    return {path.stem: load_set(path) for path in paths}


def _writing_order(name: str) -> tuple[int, str]:
    number = re.search(r"\d+", name)
    return (int(number.group()) if number else 0, name)


def author(name: str) -> str:
    """Who wrote set ``name``: a set split in two (``dev2``, ``dev2_seen``) has one author."""
    return name.split("_")[0]


@dataclass(frozen=True)
class Learnt:
    """What the classifier learns from the asked sets: each entry's questions, by id, and
    the questions no entry answers."""

    by_entry: dict[str, tuple[str, ...]]
    outside: tuple[str, ...]


def learnt(leaving_out: str | None = None, directory: Path = ASKED_DIR) -> Learnt:
    """The asked sets' questions with one label, by entry, and those to decline; without
    the sets by ``leaving_out``'s author, when given (calibration reads each author's set
    with a classifier that has not learnt it)."""
    by_entry: dict[str, list[str]] = {}
    outside: list[str] = []
    for name, rows in asked_sets(directory).items():
        if leaving_out is not None and author(name) == author(leaving_out):
            continue
        for question, labels in rows:
            if DECLINE in labels:
                outside.append(question)
            elif len(labels) == 1 and REGISTER not in labels:
                by_entry.setdefault(next(iter(labels)), []).append(question)
    return Learnt({key: tuple(texts) for key, texts in by_entry.items()}, tuple(outside))
