"""The knowledge base: entries loaded from the TOML files in ``config/knowledge``."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

KNOWLEDGE_DIR = Path(__file__).resolve().parents[1] / "config" / "knowledge"
CATEGORIES = (
    "definition", "principle", "general-principle", "benefit", "challenge",
    "context", "case-study", "quote", "reference",
    "practice",  # running a partnership: Accord's practice guidance beyond the seed
    "accord",  # what Accord itself can do, for requests it can't meet as asked
    "outside",  # an area Accord does not advise on: closest to it, a question is declined
)  # fmt: skip
OUTSIDE = "outside"
ACCORD = "accord"  # entries about Accord itself (config/knowledge/accord.toml)
RETRIEVAL_FILE = "retrieval.toml"
MAX_ANSWER = 3500  # with title, source and markup the reply stays under 4096


class KnowledgeError(ValueError):
    """The knowledge base files are malformed; the message says where."""


@dataclass(frozen=True)
class Entry:
    """One answer of the knowledge base."""

    id: str
    category: str
    title: str
    answer: str
    source: str
    tags: tuple[str, ...]
    questions: tuple[str, ...]
    related: tuple[str, ...]
    remedies: tuple[str, ...]
    seed: tuple[str, ...]
    # An area outside the guidance: phrases that place a question in it whatever else it
    # names ("a job description for the coordinator post" is HR, not the coordinator)
    markers: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnowledgeBase:
    """Every entry by id, in file order, the synonym groups and the acronyms' words."""

    entries: dict[str, Entry]
    synonyms: tuple[tuple[str, ...], ...]
    general_question: str
    acronyms: Mapping[str, str] = dataclasses.field(
        default_factory=dict
    )  # "ig": "information governance"
    # The entry that answers a request Accord can't carry out ("send a reminder to…").
    requests_entry: str | None = None
    # The entry that answers a request to write up or summarise a meeting.
    minutes_entry: str | None = None
    # The entry that answers whether the partnership is working at all.
    works_entry: str | None = None

    def get(self, entry_id: str) -> Entry | None:
        """The entry with ``entry_id``, if there is one."""
        return self.entries.get(entry_id)

    def in_category(self, *categories: str) -> list[Entry]:
        """Entries of the given categories, in file order."""
        return [e for e in self.entries.values() if e.category in categories]


_FIELDS = {"id", "category", "title", "answer", "source", "tags", "questions", "related", "seed"}


def load_knowledge(directory: Path = KNOWLEDGE_DIR) -> KnowledgeBase:
    """Read every ``*.toml`` in ``directory``; ``retrieval.toml`` holds the matching data."""
    import tomllib  # here: a bot starting from the compiled index never parses TOML

    entries: dict[str, Entry] = {}
    settings = tomllib.loads((directory / RETRIEVAL_FILE).read_text(encoding="utf-8"))
    synonyms = tuple(tuple(word.lower() for word in group) for group in settings["synonyms"])
    for path in sorted(directory.glob("*.toml")):
        if path.name == RETRIEVAL_FILE:
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for raw in data.get("entry", []):
            missing = _FIELDS - raw.keys()
            if missing:
                raise KnowledgeError(
                    f"{path.name}: entry {raw.get('id')!r} lacks {sorted(missing)}"
                )
            if raw["id"] in entries:
                raise KnowledgeError(f"{path.name}: entry id {raw['id']!r} is used twice")
            entries[raw["id"]] = Entry(
                id=raw["id"],
                category=raw["category"],
                title=raw["title"],
                answer=raw["answer"].strip(),
                source=raw["source"],
                tags=tuple(raw["tags"]),
                questions=tuple(raw["questions"]),
                related=tuple(raw["related"]),
                remedies=tuple(raw.get("remedies", ())),
                seed=tuple(raw["seed"]),
                markers=tuple(raw.get("markers", ())),
            )
    acronyms = {key.lower(): words for key, words in settings.get("acronyms", {}).items()}
    return KnowledgeBase(
        entries,
        synonyms,
        settings["general_question"],
        acronyms,
        settings.get("requests_entry"),
        settings.get("minutes_entry"),
        settings.get("works_entry"),
    )


def problems(knowledge: KnowledgeBase) -> list[str]:
    """Everything wrong with the knowledge base: empty fields, broken links, bad sizes."""
    found = []
    if knowledge.general_question not in knowledge.entries:
        found.append(f"general_question {knowledge.general_question!r} is not an entry")
    if knowledge.requests_entry and knowledge.requests_entry not in knowledge.entries:
        found.append(f"requests_entry {knowledge.requests_entry!r} is not an entry")
    if knowledge.minutes_entry and knowledge.minutes_entry not in knowledge.entries:
        found.append(f"minutes_entry {knowledge.minutes_entry!r} is not an entry")
    if knowledge.works_entry and knowledge.works_entry not in knowledge.entries:
        found.append(f"works_entry {knowledge.works_entry!r} is not an entry")
    for entry in knowledge.entries.values():
        where = f"entry {entry.id!r}"
        if entry.category not in CATEGORIES:
            found.append(f"{where}: unknown category {entry.category!r}")
        for field in ("title", "answer", "source"):
            if not getattr(entry, field).strip():
                found.append(f"{where}: empty {field}")
        if len(entry.questions) < 3:
            found.append(f"{where}: needs at least 3 example questions")
        if not entry.tags:
            found.append(f"{where}: needs tags")
        if len(entry.answer) > MAX_ANSWER:
            found.append(f"{where}: answer longer than {MAX_ANSWER} characters")
        if len(f"kb:open:{entry.id}".encode()) > 64 - 8:
            found.append(f"{where}: id too long for a button")
        for link in (*entry.related, *entry.remedies):
            if link not in knowledge.entries or link == entry.id:
                found.append(f"{where}: link to {link!r} does not resolve")
        if entry.markers and entry.category != OUTSIDE:
            found.append(f"{where}: only an area outside the guidance has markers")
        if entry.category == "challenge" and not entry.remedies:
            found.append(f"{where}: a challenge must name the principles that answer it")
        for remedy in entry.remedies:
            target = knowledge.entries.get(remedy)
            if target and target.category not in ("principle", "general-principle"):
                found.append(f"{where}: remedy {remedy!r} is not a principle")
    return found
