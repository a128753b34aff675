"""Splitting and paging Telegram HTML: every piece under the limit and valid on its own."""

from __future__ import annotations

import pytest

from formatting.html import MESSAGE_LIMIT, clip, page_of, split_message, utf16_len
from localapi.markup import parse_html


def assert_valid(chunks: list[str], limit: int) -> None:
    for chunk in chunks:
        assert utf16_len(chunk) <= limit
        parse_html(chunk)  # raises on a broken tag or entity


@pytest.mark.parametrize(
    "line",
    [
        "x" * 10_000,
        "<b>" + "bold &amp; brave " * 700 + "</b>",
        '<a href="tg://user?id=5">' + "Name, " * 900 + "</a> and <i>" + "é&lt;" * 900 + "</i>",
        "🙂" * 3000,  # two UTF-16 units each: Telegram counts those
    ],
)
def test_a_single_long_line_is_split_into_valid_html(line: str) -> None:
    chunks = split_message(f"<b>Heading</b>\n{line}\nlast line")
    assert len(chunks) > 1
    assert_valid(chunks, MESSAGE_LIMIT)
    assert "".join(parse_html(c) for c in chunks).replace("\n", "") == parse_html(
        f"<b>Heading</b>\n{line}\nlast line"
    ).replace("\n", "")


def test_short_lines_still_split_at_line_ends() -> None:
    lines = [f"<b>#{n}</b> line {n}" for n in range(1000)]
    chunks = split_message("\n".join(lines), 500)
    assert_valid(chunks, 500)
    assert all(not c.startswith("\n") and not c.endswith("\n") for c in chunks)
    assert "\n".join(chunks).splitlines() == lines


def test_pages_repeat_the_heading_and_cover_everything() -> None:
    heading = "<b>Open actions — Partners</b> (2000)"
    lines = [f"  <b>#{n}</b> Task {n} — due Fri 27 Nov" for n in range(2000)]
    _, count = page_of(f"{heading}\n" + "\n".join(lines), 1)
    assert 1 < count < 2000
    seen = []
    for number in range(1, count + 1):
        text, _ = page_of(f"{heading}\n" + "\n".join(lines), number)
        assert text.startswith(heading)
        assert_valid([text], MESSAGE_LIMIT - 200)  # room left for the footer
        seen.extend(text.splitlines()[1:])
    assert seen == lines
    assert page_of(heading, 1) == (heading, 1)
    assert (
        page_of(f"{heading}\n" + "\n".join(lines), 10_000)[0]
        == page_of(f"{heading}\n" + "\n".join(lines), count)[0]
    )


def test_clip_shortens_echoed_input() -> None:
    assert clip("short") == "short"
    assert clip("y" * 4000) == "y" * 79 + "…"
    assert len(clip("y" * 4000, 20)) == 20
