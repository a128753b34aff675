"""The compiled knowledge base (guidance/compiled.py): a fresh start unpickles the index
instead of parsing and indexing, and never answers from stale knowledge files."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from guidance import compiled
from guidance.knowledge import KNOWLEDGE_DIR
from guidance.retrieval import Retriever


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A copy of the shipped knowledge files, to edit."""
    directory = tmp_path / "knowledge"
    directory.mkdir()
    for path in KNOWLEDGE_DIR.glob("*.toml"):
        shutil.copy(path, directory)
    return directory


def _answer(retriever: Retriever, question: str) -> str | None:
    found = retriever.ask(question).candidates
    return found[0].entry.id if found else None


def test_the_second_start_loads_the_compiled_index_and_answers_alike(knowledge: Path) -> None:
    built = compiled.load_retriever(knowledge)
    assert compiled.cache_file(knowledge).is_file()
    # readable by another user: the image compiles as root, the bot runs as its own user
    assert compiled.cache_file(knowledge).stat().st_mode & 0o777 == 0o644
    loaded = compiled.load_retriever(knowledge)
    assert loaded is not built
    for question in ("what goes in a terms of reference", "how do we share data", "MoU?"):
        assert _answer(loaded, question) == _answer(built, question)
    # the stemmer, native code, is made again; a typo is still corrected
    assert _answer(loaded, "what shuold go in a terms of refrence") == "terms-of-reference"


def test_an_edited_knowledge_file_is_compiled_again_not_served_stale(knowledge: Path) -> None:
    compiled.load_retriever(knowledge)
    before = compiled.cache_file(knowledge)
    practice = knowledge / "practice.toml"
    practice.write_text(
        practice.read_text(encoding="utf-8").replace(
            '  "How do partners share risk?",',
            '  "Who minds the zeppelin hangar?",\n  "How do partners share risk?",',
        ),
        encoding="utf-8",
    )
    after = compiled.cache_file(knowledge)
    assert after != before
    retriever = compiled.load_retriever(knowledge)
    assert _answer(retriever, "who minds the zeppelin hangar") == "sharing-risk"
    assert after.is_file()
    assert not before.exists()  # the stale compilation is gone


def test_a_damaged_compilation_is_rebuilt_with_a_warning(
    knowledge: Path, caplog: pytest.LogCaptureFixture
) -> None:
    compiled.load_retriever(knowledge)
    compiled.cache_file(knowledge).write_bytes(b"\x80\x05not a pickle")
    with caplog.at_level(logging.WARNING, logger="guidance.compiled"):
        retriever = compiled.load_retriever(knowledge)
    assert _answer(retriever, "what goes in a terms of reference") == "terms-of-reference"
    assert "unreadable" in caplog.text


def test_a_read_only_folder_still_answers(knowledge: Path) -> None:
    (knowledge / compiled.CACHE_FOLDER).write_text("a file where the folder would be")
    retriever = compiled.load_retriever(knowledge)
    assert _answer(retriever, "what goes in a terms of reference") == "terms-of-reference"
    assert not compiled.cache_file(knowledge).exists()
    assert not list(knowledge.glob("**/*.tmp"))
