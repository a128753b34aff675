"""Text people type, made safe to store and show, and compared the way people read it.

Titles, notes, partner and display names are echoed to the whole group and exported,
so characters that can disguise them are dropped before they are stored: control
characters (NUL, BEL, escape, C1) and the bidirectional overrides, embeddings and
isolates (an unclosed U+202E turns the rest of a line around). The left-to-right and
right-to-left marks stay: they are harmless and mixed-script names need them.
"""

from __future__ import annotations

import re
import unicodedata

# U+202A to U+202E embeddings and overrides, U+2066 to U+2069 isolates, U+206A to U+206F the
# deprecated shaping controls.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x2070))}
_SPACES = re.compile(r"[^\S\n]+")

# Cyrillic and Greek letters that look like Latin ones (after case folding), from
# Unicode's confusables data (UTS #39): enough for the look-alike partner check.
_LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "н": "h",
        "і": "i", "ї": "i", "ј": "j", "к": "k", "ӏ": "l", "м": "m", "п": "n", "о": "o",
        "р": "p", "ԛ": "q", "г": "r", "ѕ": "s", "т": "t", "у": "y", "ԝ": "w", "х": "x",
        "ү": "y", "ь": "b", "з": "3",
        # Greek
        "α": "a", "β": "b", "ϲ": "c", "ε": "e", "η": "n", "ι": "i", "ϳ": "j", "κ": "k",
        "μ": "m", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ζ": "z",
        "γ": "y", "ω": "w",
    }
)  # fmt: skip


def clean_text(text: str, keep_newlines: bool = False) -> str:
    """``text`` without control or bidi override characters, its spaces collapsed
    (line breaks kept only if ``keep_newlines``)."""
    kept = []
    for char in text:
        if char == "\n" and keep_newlines:
            kept.append(char)
        elif char.isspace():
            kept.append(" ")
        elif char not in _BIDI_CONTROLS and unicodedata.category(char) != "Cc":
            kept.append(char)
    lines = _SPACES.sub(" ", "".join(kept)).split("\n")
    return "\n".join(line.strip() for line in lines).strip()


def skeleton(text: str) -> str:
    """What ``text`` looks like: two names with one skeleton read the same to people
    (full-width letters, case, invisible format characters and Cyrillic or Greek
    look-alikes of Latin letters don't count; after UTS #39's skeleton, simplified)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFD", folded.translate(_LOOK_ALIKES))
    visible = "".join(c for c in decomposed if unicodedata.category(c) != "Cf")
    return " ".join(unicodedata.normalize("NFC", visible).split())
