"""The semantic layer: loaded from the wordllama wheel's own files with no network,
confirming answers the lexical rule declines, never answering off-topic questions, and
guidance carrying on lexically while it loads or when it cannot."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest

from guidance import semantic
from guidance.knowledge import load_knowledge
from guidance.retrieval import Retriever

# From the tuning rows (dev): declined on words alone, right with the layer.
PARAPHRASE = ("can we stop paying twice for the same outreach", "benefit-efficiency")
OFF_TOPIC = ["is the m62 closed again??", "whats a good recipe for a quick veggie lasagne"]


def test_the_model_loads_from_the_wheel_with_the_network_blocked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the semantic layer tried to reach the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    files = semantic.model_files()
    assert files is not None
    for file in files:
        assert "site-packages" in file.parts
        assert "wordllama" in file.parts
    model = semantic.load_model(files)
    vectors = model.embed(["pool budgets", "share a pot of money", "the football score"])
    assert vectors.shape == (3, semantic.DIMENSIONS)
    near = semantic.Embedded(
        model,
        (
            ("pool budgets", "a joint budget", "who pays for what"),
            ("the football score", "who won the match", "premier league results"),
            ("the weather tomorrow", "will it rain", "is it sunny"),
        ),
    )
    pooled, football, weather = near.similarities("share a pot of money")
    assert pooled > max(football, weather)


def test_loading_leaves_the_root_logger_as_it_was() -> None:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    files = semantic.model_files()
    assert files is not None
    semantic.load_model(files)  # wordllama's import calls logging.basicConfig(level=INFO)
    assert (root.level, root.handlers) == (level, handlers)


def test_a_paraphrase_the_words_alone_decline_is_answered_with_the_layer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    question, expected = PARAPHRASE
    retriever = Retriever(load_knowledge())
    answer = retriever.ask(question)
    assert answer.best is not None
    assert answer.best.entry.id == expected
    assert answer.best.semantic is not None
    assert answer.best.semantic == max(m.semantic or 0.0 for m in answer.candidates)
    monkeypatch.setattr(semantic._layer, "embedded", {})  # not ready yet
    lexical = retriever.ask(question)
    assert lexical.best is None
    assert lexical.candidates[0].entry.id == expected
    assert lexical.candidates[0].semantic is None


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_questions_stay_declined(question: str) -> None:
    assert Retriever(load_knowledge()).ask(question).best is None


def test_a_knowledge_base_never_started_stays_lexical() -> None:
    knowledge = load_knowledge()
    entries = dict(list(knowledge.entries.items())[:-1])  # as a FAQ's combined base differs
    smaller = type(knowledge)(entries, knowledge.synonyms, knowledge.general_question)
    answer = Retriever(smaller).ask(PARAPHRASE[0])
    assert answer.best is None
    assert all(m.semantic is None for m in answer.candidates)


def test_missing_files_log_one_warning_and_guidance_carries_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(semantic, "_layer", semantic._Layer())
    monkeypatch.setattr(semantic, "model_files", lambda: None)
    knowledge = load_knowledge()
    with caplog.at_level(logging.WARNING, logger="guidance.semantic"):
        semantic.start(knowledge)
        assert semantic.wait(timeout=10) is False
        semantic.start(knowledge)  # started again: no second attempt, no second warning
    assert len([r for r in caplog.records if r.name == "guidance.semantic"]) == 1
    assert semantic.ready_seconds() is None
    answer = Retriever(knowledge).ask("how do we build trust with the council")
    assert answer.best is not None
    assert answer.best.entry.id == "principle-trust-honesty"
    assert answer.best.semantic is None


def test_a_broken_weights_file_does_not_crash(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    weights, tokenizer = tmp_path / "weights.safetensors", tmp_path / "tokenizer.json"
    weights.write_bytes(b"not a tensor file")
    tokenizer.write_text("{}")
    monkeypatch.setattr(semantic, "_layer", semantic._Layer())
    monkeypatch.setattr(semantic, "model_files", lambda: (weights, tokenizer))
    with caplog.at_level(logging.WARNING, logger="guidance.semantic"):
        semantic.start(load_knowledge())
        assert semantic.wait(timeout=10) is False
    assert "semantic layer failed" in caplog.text


def test_exit_waits_for_a_load_in_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that stops while the layer loads waits for the load (bounded) at exit:
    interrupting the loader inside native code could abort the process."""
    registered: list[object] = []
    monkeypatch.setattr(semantic.atexit, "register", registered.append)
    monkeypatch.setattr(semantic, "_layer", semantic._Layer())
    semantic.start()
    assert registered == [semantic._finish_loading]
    semantic._finish_loading()
    assert semantic._layer.thread is not None
    assert not semantic._layer.thread.is_alive()
