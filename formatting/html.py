"""Telegram HTML: user text escaped and clipped, long text split into messages and pages.

Each line of Accord's HTML is complete on its own, so a message may be split at any
line. A line longer than a message is split too, between tags and entities, closing
its open tags and opening them again. Lengths are counted in UTF-16 code units, as
Telegram counts them.
"""

from __future__ import annotations

import html
import re

MESSAGE_LIMIT = 4096
PAGE_LIMIT = MESSAGE_LIMIT - 296  # a page's text; the rest is room for its footer
ECHO_LIMIT = 80  # characters of someone's input quoted back to them
_ATOM = re.compile(r"<[^>]*>|&#?\w+;|.", re.DOTALL)
_TAG_NAME = re.compile(r"</?([a-zA-Z][\w-]*)")
_NUMBERED = re.compile(r"^\d{1,5}\. ")  # an item of a numbered listing


def escape(text: str) -> str:
    """User text made safe for Telegram HTML."""
    return html.escape(text, quote=False)


def clip(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis: input quoted back stays short."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: characters outside the BMP (emoji) count twice."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split ``text`` into messages of at most ``limit`` UTF-16 units, at line ends where
    it can, and inside a line (between tags and entities, at a space if there is one)
    where a line alone is too long."""
    chunks: list[str] = []
    current = ""
    for long_line in text.split("\n"):
        pieces = split_line(long_line, limit) if utf16_len(long_line) > limit else [long_line]
        for line in pieces:
            candidate = f"{current}\n{line}" if current else line
            if utf16_len(candidate) > limit:
                chunks.append(current)
                current = line
            else:
                current = candidate
    if current.strip():
        chunks.append(current)
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]


def split_line(line: str, limit: int) -> list[str]:
    """One line of HTML as pieces of at most ``limit`` units, each valid on its own:
    tags open at a cut are closed before it and opened again after it."""
    pieces: list[str] = []
    stack: list[tuple[str, str]] = []  # (name, opening tag) of the tags open now
    atoms: list[str] = []  # the piece being built, tag by tag and character by character
    size = closing = reopened = 0
    mark: tuple[int, list[tuple[str, str]]] | None = None  # just after the last space
    for atom in _ATOM.findall(line):
        name = _TAG_NAME.match(atom)
        ends = atom.startswith("</")
        opens = name is not None and not ends and not atom.endswith("/>")
        needs = utf16_len(atom) + (len(name.group(1)) + 3 if opens and name else 0)
        if not ends and size + needs + closing > limit and len(atoms) > reopened:
            cut, open_then = (
                (mark[0], mark[1]) if mark and mark[0] > reopened else (len(atoms), list(stack))
            )
            pieces.append("".join(atoms[:cut]) + _closing(open_then))
            atoms = [tag for _, tag in open_then] + atoms[cut:]
            reopened = len(open_then)
            size = utf16_len("".join(atoms))
            mark = None
        atoms.append(atom)
        size += utf16_len(atom)
        if ends and stack:
            closing -= len(stack.pop()[0]) + 3
        elif opens and name:
            stack.append((name.group(1), atom))
            closing += len(name.group(1)) + 3
        elif atom == " ":
            mark = (len(atoms), list(stack))
    pieces.append("".join(atoms))
    return pieces


def _closing(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def page_of(text: str, number: int, limit: int = PAGE_LIMIT, per_page: int = 0) -> tuple[str, int]:
    """Page ``number`` (from 1; past the end, the last) of a listing whose first line is
    its heading, repeated on every page; and how many pages there are. With
    ``per_page``, a page also holds at most that many numbered lines ("3. …"), so the
    buttons that go with them stay few."""
    heading, _, body = text.partition("\n")
    if not body.strip():
        return heading, 1
    parts = _by_items(body, per_page) if per_page > 0 else [body]
    pages = [page for part in parts for page in split_message(part, limit - utf16_len(heading) - 1)]
    chosen = pages[min(max(number, 1), len(pages)) - 1]
    return f"{heading}\n{chosen}", len(pages)


def _by_items(body: str, per_page: int) -> list[str]:
    """``body`` cut before every ``per_page``-th numbered line after the first."""
    parts: list[list[str]] = [[]]
    items = 0
    for line in body.split("\n"):
        if _NUMBERED.match(line):
            if items == per_page:
                parts.append([])
                items = 0
            items += 1
        parts[-1].append(line)
    return ["\n".join(part) for part in parts]
