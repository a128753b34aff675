"""Semantic evidence for guidance: how close a question is in meaning to each entry's
ways of asking (title, tags, example questions), for wording that shares no word with
them ("the NHS won't hand over figures" for data sharing).

The embeddings are wordllama's static 256-dimension token vectors, averaged: the weights
and tokenizer ship inside the wordllama wheel, so nothing is fetched at run time. The
model loads once per process, in a background thread (importing it and numpy takes
about a second, too long for start-up), and the phrasings of each knowledge base that
asks for it are embedded once. Until the layer is ready, or if it cannot load, guidance
answers on lexical evidence alone.

The same thread fits each knowledge base's classifier (guidance/classifier.py) on the
same phrasings and the questions people asked (guidance/asked.py): the layer's two
readings, closeness in meaning and the classifier's decision values, are ready together
or not at all.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from guidance.knowledge import KnowledgeBase

if TYPE_CHECKING:
    import numpy as np

    from guidance.classifier import Classifier

CONFIG = "l2_supercat"
DIMENSIONS = 256
# An entry's closeness: its closest phrasing with the next this many (see Embedded).
CLOSEST_OTHERS = 7
LOAD_JOIN_SECONDS = 30.0  # at exit, how long a load in progress may take to finish

Phrasings = tuple[tuple[str, ...], ...]  # each entry's ways of asking, in entry order


class _Layer:
    """The process's model and the phrasings' embeddings, filled in by one loader."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ready = threading.Event()  # set once loaded, or once loading has failed
        self.thread: threading.Thread | None = None
        self.model: Any = None  # wordllama's WordLlamaInference when loaded
        self.failed = False
        self.seconds = 0.0  # how long loading took
        self.wanted: dict[Phrasings, tuple[str, ...]] = {}  # each one's entry ids
        self.embedded: dict[Phrasings, Embedded] = {}
        self.classified: dict[Phrasings, Classifier] = {}


_layer = _Layer()


def start(knowledge: KnowledgeBase | None = None) -> None:
    """Load the model in the background (once per process), then embed the phrasings of
    ``knowledge``; a knowledge base never started stays lexical (a FAQ's, say)."""
    phrasings = phrasings_of(knowledge) if knowledge is not None else None
    with _layer.lock:
        if knowledge is not None and phrasings is not None:
            _layer.wanted.setdefault(phrasings, tuple(knowledge.entries))
        if _layer.thread is None:
            _layer.thread = threading.Thread(target=_load, name="semantic-load", daemon=True)
            _layer.thread.start()
            atexit.register(_finish_loading)
        elif _layer.model is not None and phrasings is not None:
            _embed_wanted()


def _finish_loading() -> None:
    """At exit, let a load in progress finish (a second or so) before the interpreter
    stops: a daemon thread halted inside the tokenizer's or numpy's native code can abort
    the process ("FATAL: exception not rethrown"), and a bot stopped right after start-up
    would exit with SIGABRT instead of 0."""
    thread = _layer.thread
    if thread is not None and thread.is_alive():
        thread.join(timeout=LOAD_JOIN_SECONDS)


def wait(timeout: float | None = None) -> bool:
    """Wait until the layer is loaded (or has failed); whether it is usable."""
    _layer.ready.wait(timeout)
    return _layer.model is not None


def is_ready() -> bool:
    """Whether loading has ended (loaded, or failed: then it never will be)."""
    return _layer.ready.is_set()


def ready_seconds() -> float | None:
    """How long the layer took to load and embed, once it is ready."""
    return _layer.seconds if _layer.model is not None else None


def similarities(phrasings: Phrasings, question: str) -> list[float] | None:
    """Each entry's closest phrasing's cosine similarity to ``question``, or None while
    the layer is not ready for this knowledge base (lexical evidence alone then)."""
    embedded = _layer.embedded.get(phrasings)
    if embedded is None:
        return None
    return embedded.similarities(question)


class Readings(NamedTuple):
    """Both readings of a question: each entry's closeness in meaning, each entry's
    decision value from the classifier, and the classifier's value for "no entry"."""

    meaning: list[float]
    decisions: list[float]
    outside: float


def readings(phrasings: Phrasings, question: str) -> Readings | None:
    """Both readings of ``question``, or None while the layer is not ready for
    ``phrasings``: never one without the other."""
    meaning = similarities(phrasings, question)
    classified = _layer.classified.get(phrasings)
    if meaning is None or classified is None:
        return None
    return Readings(meaning, *classified.reading(question))


class Embedded:
    """One knowledge base's phrasings, embedded, centred and normalised.

    Three choices, each measured as the top-1 entry by meaning alone on the tuning rows
    (dev, dev3, dev4; 966 questions), from 0.669 with the plain mean of tokens: texts
    lowercased (0.698: the tokenizer splits "How" and "how" apart); the phrasings' mean
    vector taken from every vector (0.720: what all phrasings share, "how do we", says
    nothing about which entry is meant); and an entry's closeness the average of its
    closest phrasing and its next closest few (0.783: one phrasing close by chance is
    weaker evidence than several close ones)."""

    def __init__(self, model: Any, phrasings: Phrasings) -> None:
        import numpy as np

        self._model = model
        vectors = np.array(
            [self._mean(text) for texts in phrasings for text in texts], dtype=np.float32
        )
        self._centre = vectors.mean(axis=0)
        vectors -= self._centre
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        self._vectors: np.ndarray = vectors
        # Each entry's phrasings are consecutive rows: where each entry's rows start.
        sizes = [len(texts) for texts in phrasings]
        ends = np.cumsum(sizes)
        self._bounds = [(int(end) - size, int(end)) for size, end in zip(sizes, ends, strict=True)]
        self._count = len(phrasings)
        # Each entry's rows as one row of a padded table (the padding points past the
        # last cosine, at -inf), so every entry is ranked in one sort, not one each.
        self._table = np.full((len(sizes), max(sizes, default=0)), len(vectors))
        for row, (start, end) in enumerate(self._bounds):
            self._table[row, : end - start] = np.arange(start, end)

    def _mean(self, text: str) -> np.ndarray:
        """The mean of ``text``'s token vectors, lowercased, without special tokens."""
        import numpy as np

        embedding = self._model.embedding
        ids = self._model.tokenizer.encode(text.lower(), add_special_tokens=False).ids
        if not ids:
            return np.zeros(embedding.shape[1], dtype=np.float32)
        return embedding[np.clip(ids, 0, len(embedding) - 1)].mean(axis=0)

    def similarities(self, question: str) -> list[float]:
        """Per entry, how close ``question`` is in meaning to its phrasings: the mean of
        its closest phrasing's cosine and its next CLOSEST_OTHERS' average cosine.

        The question is embedded as the phrasings are, and the products are taken without
        BLAS: under load BLAS's threads made one question in a hundred take 20 ms, not 0.5."""
        import numpy as np

        vector = self._mean(question) - self._centre
        length = float(np.linalg.norm(vector))
        if length == 0.0:
            return [0.0] * self._count
        cosines = np.einsum("ij,j->i", self._vectors, vector / length, optimize=False)
        padded = np.append(cosines, np.float32(-np.inf))[self._table]
        ranked = -np.sort(-padded, axis=1)[:, : 1 + CLOSEST_OTHERS]
        best = ranked[:, 0].astype(np.float64)
        others = ranked[:, 1:]
        held = np.isfinite(others)
        count = held.sum(axis=1)
        total = np.where(held, others, 0.0).sum(axis=1, dtype=np.float64)
        mean = total / np.maximum(count, 1)
        return np.where(count > 0, (best + mean) / 2, best).tolist()


def model_files() -> tuple[Path, Path] | None:
    """The weights and tokenizer inside the installed wordllama wheel, if it is there."""
    import importlib.util

    spec = importlib.util.find_spec("wordllama")
    if spec is None or spec.origin is None:
        return None
    package = Path(spec.origin).parent
    weights = package / "weights" / f"{CONFIG}_{DIMENSIONS}.safetensors"
    tokenizer = package / "tokenizers" / f"{CONFIG}_tokenizer_config.json"
    return (weights, tokenizer) if weights.is_file() and tokenizer.is_file() else None


def load_model(files: tuple[Path, Path]) -> Any:
    """wordllama's own inference object from the wheel's files. ``WordLlama.load`` looks
    for the tokenizer in the wrong folder and would then download it: built by hand."""
    import logging

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama import WordLlamaInference

    # Importing wordllama calls logging.basicConfig(level=INFO): undo that.
    root.setLevel(level)
    root.handlers[:] = handlers
    weights, tokenizer = files
    with safe_open(str(weights), framework="np", device="cpu") as tensors:
        embedding = tensors.get_tensor("embedding.weight")
    return WordLlamaInference(embedding, Tokenizer.from_file(str(tokenizer)))


def _load() -> None:
    started = time.perf_counter()
    try:
        files = model_files()
        if files is None:
            raise FileNotFoundError("wordllama's weights or tokenizer are not installed")
        model = load_model(files)
        with _layer.lock:
            _layer.model = model
            _embed_wanted()
        for phrasings in list(_layer.embedded):
            readings(phrasings, "warm up")  # the first question pays no set-up
        _layer.seconds = time.perf_counter() - started
    except Exception as error:  # any failure leaves guidance lexical, never down
        import logging  # here, not at import: a fresh process loads the knowledge sooner

        _layer.failed = True
        logging.getLogger(__name__).warning(
            "Guidance answers on words alone: the semantic layer failed: %s", error
        )
    finally:
        _layer.ready.set()


def _embed_wanted() -> None:
    """Embed each knowledge base asked for and not yet embedded, and fit its classifier
    (lock held); the classifier is stored first, so a knowledge base with meaning has it."""
    for phrasings, ids in _layer.wanted.items():
        if phrasings not in _layer.embedded:
            _layer.classified[phrasings] = fit_classifier(phrasings, ids)
            _layer.embedded[phrasings] = Embedded(_layer.model, phrasings)


def fit_classifier(
    phrasings: Phrasings, ids: tuple[str, ...], leaving_out: str | None = None
) -> Classifier:
    """The classifier of the entries ``ids`` (their ``phrasings``, in order), fitted on
    those and on the asked questions, without ``leaving_out``'s author's if given."""
    from guidance.asked import learnt
    from guidance.classifier import Classifier

    asked = learnt(leaving_out)
    return Classifier(phrasings, tuple(asked.by_entry.get(id_, ()) for id_ in ids), asked.outside)


@contextmanager
def leaving_out(knowledge: KnowledgeBase, name: str) -> Iterator[None]:
    """Within the block, ``knowledge``'s reading comes from a classifier that has not
    learnt set ``name``'s author's questions (calibration reads each set so); the
    layer must be ready for ``knowledge``."""
    phrasings = phrasings_of(knowledge)
    fitted = _layer.classified[phrasings]
    _layer.classified[phrasings] = fit_classifier(phrasings, tuple(knowledge.entries), name)
    try:
        yield
    finally:
        _layer.classified[phrasings] = fitted


def phrasings_of(knowledge: KnowledgeBase) -> Phrasings:
    """Each entry's ways of asking: its title, tags and example questions."""
    return tuple((e.title, *e.tags, *e.questions) for e in knowledge.entries.values())
