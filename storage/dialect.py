"""What PostgreSQL needs said differently from the SQLite the repositories and
migrations are written in: placeholders, a few function names, column types.

Repositories write SQL both engines accept (``ON CONFLICT``, ``RETURNING``,
``IS NOT DISTINCT FROM``); the little that can't be written once is translated here,
outside quoted strings and identifiers, and cached per statement.
"""

from __future__ import annotations

import functools
import re

# SQLite's names of functions PostgreSQL spells differently (same arguments).
_FUNCTIONS = {"group_concat": "string_agg", "char": "chr", "instr": "strpos"}
_FUNCTION_CALL = re.compile(r"\b(" + "|".join(_FUNCTIONS) + r")\s*\(", re.IGNORECASE)
_RETURNS_ROWS = re.compile(r"^\s*(SELECT|WITH|VALUES)\b|\bRETURNING\b", re.IGNORECASE)
# Columns holding Telegram's own ids: keys given, never generated.
NATURAL_KEYS = ("chat_id", "user_id")


def _segments(sql: str) -> list[tuple[bool, str]]:
    """``sql`` cut into (is_code, text) pieces: quoted strings and identifiers, and
    ``--`` comments, are not code."""
    pieces: list[tuple[bool, str]] = []
    start = index = 0
    while index < len(sql):
        char = sql[index]
        if char in "'\"":
            end = index + 1
            while end < len(sql):
                if sql[end] == char:
                    if end + 1 < len(sql) and sql[end + 1] == char:  # '' inside a string
                        end += 2
                        continue
                    break
                end += 1
            pieces.append((True, sql[start:index]))
            pieces.append((False, sql[index : end + 1]))
            start = index = end + 1
        elif sql.startswith("--", index):
            end = sql.find("\n", index)
            end = len(sql) if end < 0 else end
            pieces.append((True, sql[start:index]))
            pieces.append((False, sql[index:end]))
            start = index = end
        else:
            index += 1
    pieces.append((True, sql[start:]))
    return [piece for piece in pieces if piece[1]]


@functools.lru_cache(maxsize=2048)
def to_postgres(sql: str) -> tuple[str, bool]:
    """``sql`` with ``?`` numbered ``$1, $2 …`` and SQLite's function names replaced; and
    whether it returns rows (a query, or a change with ``RETURNING``)."""
    out: list[str] = []
    number = 0
    for is_code, text in _segments(sql):
        if not is_code:
            out.append(text)
            continue
        text = _FUNCTION_CALL.sub(lambda m: f"{_FUNCTIONS[m.group(1).lower()]}(", text)
        parts = text.split("?")
        for part in parts[:-1]:
            number += 1
            out.append(f"{part}${number}")
        out.append(parts[-1])
    translated = "".join(out)
    code = "".join(text for is_code, text in _segments(sql) if is_code)
    return translated, bool(_RETURNS_ROWS.search(code))


def affected(status: str) -> int:
    """The row count in a PostgreSQL command status (``UPDATE 3``, ``INSERT 0 1``)."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


_ROWID_KEY = re.compile(r"\b(\w+)(\s+)INTEGER\s+PRIMARY\s+KEY\b", re.IGNORECASE)
_INSERT_OR_IGNORE = re.compile(r"^INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_NOT_NULL = r"\((\w+) IS NOT NULL\)"
_EXACTLY_ONE = re.compile(rf"\(\s*{_NOT_NULL}\s*\+\s*{_NOT_NULL}\s*\+\s*{_NOT_NULL}\s*=\s*1\s*\)")
_UNTRANSLATABLE = re.compile(
    r"\bPRAGMA\b|\bCREATE\s+TEMP\b|\bdate\s*\(|\bjulianday\b|\bstrftime\b", re.IGNORECASE
)


def migration_to_postgres(statement: str) -> str:
    """One statement of a migration, in PostgreSQL's words: 64-bit integers (Telegram ids
    exceed 32 bits), identity keys, ``BYTEA``, ``ON CONFLICT DO NOTHING``, ``num_nonnulls``.

    Raises ``ValueError`` for what has no mechanical translation: such a migration gets a
    ``NNNN_name.postgres.sql`` beside it.
    """
    code = "".join(text for is_code, text in _segments(statement) if is_code)
    if found := _UNTRANSLATABLE.search(code):
        raise ValueError(f"no PostgreSQL translation for {found.group(0)!r}: add a .postgres.sql")
    out = []
    for is_code, text in _segments(statement):
        if is_code:
            text = _ROWID_KEY.sub(_identity, text)
            text = re.sub(r"\bINTEGER\b", "BIGINT", text, flags=re.IGNORECASE)
            text = re.sub(r"\bBLOB\b", "BYTEA", text, flags=re.IGNORECASE)
            text = re.sub(r"\)\s*WITHOUT\s+ROWID", ")", text, flags=re.IGNORECASE)
            text = _EXACTLY_ONE.sub(r"(num_nonnulls(\1, \2, \3) = 1)", text)
        out.append(text)
    translated = "".join(out).rstrip().rstrip(";")
    if _INSERT_OR_IGNORE.match(translated):
        translated = _INSERT_OR_IGNORE.sub("INSERT INTO", translated) + " ON CONFLICT DO NOTHING"
    return translated


def _identity(match: re.Match[str]) -> str:
    """SQLite's ``INTEGER PRIMARY KEY`` numbers rows itself: an identity column does so in
    PostgreSQL; a Telegram id stays a plain key."""
    column, space = match.group(1), match.group(2)
    if column.lower() in NATURAL_KEYS:
        return f"{column}{space}BIGINT PRIMARY KEY"
    return f"{column}{space}BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
