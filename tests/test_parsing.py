"""Command parsers: owners, titles, due clauses, numbers; never an unexpected exception."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.model import MAX_TITLE, OwnerRef, Status
from register.dates import DueDateError, parse_due
from register.parsing import (
    Mention,
    UsageError,
    parse_assign,
    parse_coordinator,
    parse_numbered,
    parse_reassign,
    split_due,
    status_in,
)

ZONE = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def assign(text: str, mentions: list[Mention] | None = None, replied: str | None = None):
    return parse_assign(text, mentions or [], replied, NOW, ZONE)


def test_mention_owner_title_and_due() -> None:
    request = assign("@sam Draft the funding bid by Friday", [Mention(0, 4, username="sam")])
    assert request.owner == OwnerRef(handle="sam")
    assert request.title == "Draft the funding bid"
    assert request.due_text == "by Friday"


def test_me_and_text_mentions() -> None:
    assert assign("me Book the venue").owner == OwnerRef(is_me=True)
    request = assign("Sam Jones Book the venue", [Mention(0, 9, user_id=42, name="Sam Jones")])
    assert request.owner == OwnerRef(user_id=42, name="Sam Jones")
    assert request.title == "Book the venue"


def test_handle_without_an_entity_still_counts() -> None:
    assert assign("@Sam_J call the trust").owner == OwnerRef(handle="sam_j")


def test_reply_form_takes_the_replied_text() -> None:
    request = assign("@sam by next Tuesday", [Mention(0, 4, username="sam")], "Send the minutes")
    assert (request.title, request.due_text) == ("Send the minutes", "by next Tuesday")
    request = assign("@sam", [Mention(0, 4, username="sam")], "Send the minutes")
    assert (request.title, request.due_text) == ("Send the minutes", None)


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("Draft the bid by Friday", "Draft the bid", "by Friday"),
        ("Review paper written by the auditors", "Review paper written by the auditors", None),
        ("Work on the budget in 2 weeks", "Work on the budget", "in 2 weeks"),
        ("Work on the budget", "Work on the budget", None),
        ("Call the trust tomorrow 5pm", "Call the trust", "tomorrow 5pm"),
        ("Send minutes on 31 Jan", "Send minutes", "on 31 Jan"),
        ("Plan by end of month", "Plan", "by end of month"),
        ("Meet in person", "Meet in person", None),
        ("Sign off by 2026-12-01", "Sign off", "by 2026-12-01"),
    ],
)
def test_due_clauses_split_off_the_title(text: str, title: str, due: str | None) -> None:
    assert split_due(text, NOW, ZONE) == (title, due)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "Say who owns it"),
        ("bob do a thing", "is not a person"),
        ("@sam", "Say what the action is"),
        ("@sam by Fridya", "couldn't read"),
        ("@sam report by yesterday", "in the past"),
        ("@sam " + "x" * (MAX_TITLE + 1), f"keep it to {MAX_TITLE}"),
    ],
)
def test_bad_assignments_explain_themselves(text: str, problem: str) -> None:
    with pytest.raises(UsageError, match=problem):
        assign(text, [Mention(0, 4, username="sam")] if text.startswith("@sam") else [])


def test_title_of_exactly_the_maximum_is_accepted() -> None:
    assert len(assign("me " + "x" * MAX_TITLE).title) == MAX_TITLE


def test_numbers() -> None:
    assert parse_numbered("#3 sent it", "done").number == 3
    assert parse_numbered("3", "done").rest == ""
    with pytest.raises(UsageError, match="Give its number"):
        parse_numbered("three", "done")
    with pytest.raises(UsageError, match="Add a note"):
        parse_numbered("3", "update", rest_required=True)
    with pytest.raises(UsageError, match="Usage: /done"):
        parse_numbered("", "done")


def test_reassign_and_coordinator_find_the_person_after_the_first_word() -> None:
    text = "3  @alex"
    assert parse_reassign(text, [Mention(3, 8, username="alex")]) == (3, OwnerRef(handle="alex"))
    text = "add Sam J"
    assert parse_coordinator(text, [Mention(4, 9, user_id=7, name="Sam J")]) == (
        "add",
        OwnerRef(user_id=7, name="Sam J"),
    )
    with pytest.raises(UsageError, match="Say who"):
        parse_reassign("3", [])


def test_status_words() -> None:
    assert status_in("At risk: waiting for figures") is Status.AT_RISK
    assert status_in("was blocked, now on track") is Status.BLOCKED
    assert status_in("not on track") is None  # the trial: this set "on track"
    assert status_in("no longer blocked") is None
    assert status_in("Not at risk any more, on track") is Status.ON_TRACK
    assert status_in("isn't blocked but at risk") is Status.AT_RISK
    assert status_in("unblocked and moving") is None
    assert status_in("drafted the intro") is None


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120) | st.from_regex(
    r"(@\w{0,8} |me |#?\d{0,4} )?[\w ]{0,30}( (by|on|in|due) [\w /:-]{0,20})?"
)


@settings(max_examples=300, deadline=None)
@given(text=texts, replied=st.none() | st.text(max_size=50))
def test_parsers_never_raise_anything_unexpected(text: str, replied: str | None) -> None:
    mentions = [Mention(0, len(text.split(" ")[0]), username="x")] if text.startswith("@") else []
    for parse in (
        lambda: parse_assign(text, mentions, replied, NOW, ZONE),
        lambda: parse_numbered(text, "update", rest_required=True),
        lambda: parse_reassign(text, mentions),
        lambda: parse_coordinator(text, mentions),
        lambda: status_in(text),
    ):
        try:
            parse()
        except UsageError as error:
            assert str(error)


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_due_parser_only_raises_due_date_errors(text: str) -> None:
    try:
        due = parse_due(text, NOW, ZONE)
    except DueDateError as error:
        assert str(error)
    else:
        assert due.deadline(ZONE) > NOW
