"""Text that could spoof a reader: control and bidi characters never reach the register,
and a partner name can't pass for a person, a number or an existing partner."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from console.cast import Cast
from localapi.world import World
from register.text import clean_text, skeleton
from tests.helpers import introduce, say

SPOOFS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x00\x07\x1b\x7f\x85\x9b"


def test_control_and_bidi_override_characters_are_stripped() -> None:
    assert clean_text(f"Pay{SPOOFS} the bill") == "Pay the bill"
    assert clean_text("fdp.exe\u202egnp") == "fdp.exegnp"
    assert clean_text("line one\nline two", keep_newlines=True) == "line one\nline two"
    assert clean_text("line one\nline two\r\x0b") == "line one line two"


def test_marks_and_ordinary_text_are_kept() -> None:
    for text in ("מועצה\u200f 3", "abc\u200e", "Café ☕ Ünïcödé", "Zoë’s plan", "👩\u200d💻 team"):
        assert clean_text(text) == text


def test_look_alike_names_share_a_skeleton() -> None:
    assert skeleton("\u0421ity Council") == skeleton("City Council")  # Cyrillic Es
    assert skeleton("City Counc\u0456l") == skeleton("city council")  # Cyrillic i
    assert skeleton("\u039fxford Trust") == skeleton("Oxford Trust")  # Greek Omicron
    assert skeleton("ＣＩＴＹ council") == skeleton("City Council")  # full width
    assert skeleton("City Council") != skeleton("City Counsel")


async def test_titles_and_notes_are_stored_without_spoofing_characters(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    [reply] = await say(app, world, alice, group, f"/assign me Sign\u202e{SPOOFS}off report")
    assert "Sign off report" in reply.text, reply.text
    await say(app, world, alice, group, "/update 1 waiting\x00 for\u2067 Bob\x07")
    [listing] = await say(app, world, alice, group, "/actions")
    register_doc, history_doc = await say(app, world, alice, group, "/export")
    for text in (
        listing.text,
        register_doc.document[1].decode("utf-8-sig"),
        history_doc.document[1].decode("utf-8-sig"),
    ):
        assert not set(SPOOFS) & set(text), repr(text)
    assert "waiting for Bob" in history_doc.document[1].decode("utf-8-sig")


async def test_display_names_are_stored_without_spoofing_characters(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    alice.first_name = "Alice\u202e\x07"
    await introduce(app, world, group, alice)
    await say(app, world, alice, group, "/assign me Draft the plan")
    register_doc, _ = await say(app, world, alice, group, "/export")
    text = register_doc.document[1].decode("utf-8-sig")
    assert "Alice" in text
    assert not set(SPOOFS) & set(text), repr(text)


@pytest.mark.parametrize("name", ["@carol", "#1", "me", "ME", "#12", "@carol_smith"])
async def test_a_partner_name_that_is_only_a_mention_number_or_me_is_refused(
    app: Application, world: World, cast: Cast, name: str
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    [reply] = await say(app, world, alice, group, f"/partner add {name}")
    assert "not a partner name" in reply.text, reply.text
    [listing] = await say(app, world, alice, group, "/partners")
    assert "No partner organisations yet" in listing.text


async def test_a_look_alike_of_an_existing_partner_is_refused(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    await say(app, world, alice, group, "/partner add City Council")
    [reply] = await say(app, world, alice, group, "/partner add \u0421ity Council")
    assert "looks like City Council" in reply.text, reply.text
    [listing] = await say(app, world, alice, group, "/partners")
    assert "\u0421ity" not in listing.text
    [reply] = await say(app, world, alice, group, "/partner add City Counsel")
    assert "looks like" not in reply.text  # a different name is fine


async def test_unanswered_questions_are_stored_without_spoofing_characters(
    app: Application, world: World, cast: Cast
) -> None:
    group = cast.groups["partners"]
    alice = world.people[101]
    await say(app, world, alice, group, f"/ask how do I frobnicate\u202e{SPOOFS} the zorbs")
    [listing] = await say(app, world, alice, group, "/unanswered")
    assert "frobnicate" in listing.text, listing.text
    assert not set(SPOOFS) & set(listing.text), repr(listing.text)
