"""/export's CSV files: no cell a spreadsheet would run as a formula, values as people read them."""

from __future__ import annotations

import csv
import io

import pytest
from telegram.ext import Application

from console.cast import Cast
from localapi.world import World
from register.export import safe_cell
from tests.helpers import introduce, say

HOSTILE = (
    '=HYPERLINK("http://x")', "+SUM(1)", "@SUM(1)", "-1+2", "\t=1", "\r=1", " =1+1", "  \t+1",
)  # fmt: skip


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_that_starts_a_formula_is_quoted_as_text(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Budget", "1", "2026-11-27", "", "a=b", " x =1", "   "])
def test_ordinary_cells_are_unchanged(text: str) -> None:
    assert safe_cell(text) == text


async def test_export_neutralises_formulas_from_titles_notes_and_names(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    alice.first_name = '=HYPERLINK("http://x")'
    await introduce(app, world, group, alice)
    await say(app, world, alice, group, "/partner add @SUM(1)")
    await say(app, world, alice, group, "/join @SUM(1)")
    await say(app, world, alice, group, "/assign me +SUM(1) by friday")
    await say(app, world, alice, group, "/update 1 -1+2 on track")
    await say(app, world, alice, group, "/due 1 next monday")
    register_doc, history_doc = await say(app, world, alice, group, "/export")

    header, row = rows_of(register_doc.document[1])
    cells = dict(zip(header, row, strict=True))
    assert cells["title"] == "'+SUM(1)"
    assert cells["owner"] == "'" + alice.first_name
    assert cells["partner"] == "'@SUM(1)"
    assert cells["last note"] == "'-1+2 on track"
    assert cells["status"] == "on track"
    events = rows_of(history_doc.document[1])
    assert events[0] == ["number", "when", "who", "what", "old", "new", "note"]
    by_kind = {row[3]: row for row in events[1:]}
    assert by_kind["created"][2] == "'" + alice.first_name
    assert by_kind["created"][5] == "'+SUM(1)"
    assert by_kind["status"][4:] == ["open", "on track", "'-1+2 on track"]
    assert by_kind["due"][4:6] == ["2026-11-27", "2026-11-30"]
    for row in [*rows_of(register_doc.document[1]), *events]:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", row


def fields_split_on_semicolons(line: str) -> list[str]:
    """How a spreadsheet whose locale separates fields with ';' reads a line: a double
    quote toggles quoting, a ';' outside quotes ends a field."""
    fields, current, quoted = [], "", False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            fields.append(current)
            current = ""
        else:
            current += char
    return [*fields, current]


async def test_a_semicolon_separated_reading_cannot_split_a_cell_into_a_formula(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    alice.first_name = "Dave;=2+2"
    await introduce(app, world, group, alice)
    await say(app, world, alice, group, "/assign me x;=cmd|' /C calc'!A0 by friday")
    await say(app, world, alice, group, "/update 1 fine; =1+1 later")
    register_doc, history_doc = await say(app, world, alice, group, "/export")

    header, row = rows_of(register_doc.document[1])
    cells = dict(zip(header, row, strict=True))
    assert cells["title"] == "x;=cmd|' /C calc'!A0"  # the text itself is kept
    assert cells["owner"] == "Dave;=2+2"
    for document in (register_doc, history_doc):
        text = document.document[1].decode("utf-8-sig")
        for line in text.split("\r\n")[:-1]:
            assert line.startswith('"'), line  # every cell quoted
            assert line.endswith('"'), line
            for field in fields_split_on_semicolons(line):
                assert not field.lstrip(" ,").startswith(("=", "+", "-", "@")), line
