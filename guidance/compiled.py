"""The knowledge base's retriever, compiled once and kept beside the knowledge files.

Parsing the TOML files (pure-Python ``tomllib``) and indexing every way of asking takes
about 100 ms, and grows with each phrasing added; unpickling the finished index takes
about 10. Like Python's own ``.pyc`` files, the compiled form lives in a ``__pycache__``
folder and is keyed by a digest of everything it was built from (the knowledge files and
the code that indexes them), so an edit to either is picked up at the next start. Where
the folder can't be written (a read-only image built without ``python -m
guidance.compiled``), the retriever is built in memory every time, as before.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from guidance.knowledge import KNOWLEDGE_DIR, load_knowledge
from guidance.retrieval import Retriever

if TYPE_CHECKING:
    import logging

# The code a compiled retriever depends on: editing any of it invalidates the cache.
SOURCES = tuple(
    Path(__file__).resolve().parent / name
    for name in ("asking.py", "knowledge.py", "retrieval.py", "routing.py", "compiled.py")
)
CACHE_FOLDER = "__pycache__"


def digest(directory: Path = KNOWLEDGE_DIR) -> str:
    """What a compiled retriever for ``directory`` is keyed by: its TOML files, the
    indexing code and the Python version (pickles of one minor version for that one)."""
    hashed = hashlib.sha256(sys.version.encode())
    for path in (*sorted(directory.glob("*.toml")), *SOURCES):
        hashed.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return hashed.hexdigest()[:20]


def cache_file(directory: Path = KNOWLEDGE_DIR) -> Path:
    """Where the retriever compiled from ``directory``'s current files is kept."""
    return directory / CACHE_FOLDER / f"retriever-{digest(directory)}.pickle"


def load_retriever(directory: Path = KNOWLEDGE_DIR) -> Retriever:
    """The retriever over ``directory``'s knowledge base: compiled when its sources are
    unchanged, else built, and compiled for the next start when the folder allows."""
    path = cache_file(directory)
    try:
        with path.open("rb") as file:
            loaded = pickle.load(file)
        if isinstance(loaded, Retriever):
            return loaded
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError) as error:
        _log().warning("Compiled knowledge base %s unreadable (%s): building it", path, error)
    retriever = Retriever(load_knowledge(directory))
    retriever.prepare()
    _write(path, retriever)
    return retriever


def _write(path: Path, retriever: Retriever) -> None:
    """Keep ``retriever`` at ``path`` for the next start; older compilations go."""
    import tempfile  # here, as logging: only a start that compiles needs them

    temporary: str | None = None
    try:
        path.parent.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as file:
            temporary = file.name
            pickle.dump(retriever, file, protocol=pickle.HIGHEST_PROTOCOL)
        # readable by all, as a .pyc is: an image compiles it as root for the bot's user
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        _log().info("Knowledge base not compiled (%s): it is built at each start", error)
        return
    for old in path.parent.glob("retriever-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)


def _log() -> logging.Logger:
    import logging

    return logging.getLogger(__name__)


def main() -> None:
    """Compile the shipped knowledge base (an image's build step, so its starts are quick)."""
    load_retriever()
    print(cache_file())


if __name__ == "__main__":
    main()
