"""Recurring actions: done, the next occurrence is created; dropped, the series ends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from app.context import services_of
from app.lifecycle import feed
from domain.model import OPEN_STATUSES
from domain.recurrence import Recurrence
from localapi.world import SimChat, World
from register.recurrence import read_rule, split_recurrence
from tests.helpers import BOTH_BACKENDS, press, say, toasts

pytestmark = BOTH_BACKENDS

# The suite's clock starts on Monday 23 November 2026.


async def open_actions(app: Application, chat: SimChat) -> list[str]:
    actions = await services_of(app).register.actions.in_chat(chat.chat_id, OPEN_STATUSES)
    return [f"#{a.number} {a.title} {a.due.key if a.due else '-'}" for a in actions]


async def test_done_creates_the_next_occurrence_with_its_own_number(
    app: Application, world: World, group: SimChat, clock: FrozenClock
) -> None:
    alice, bob = world.people[101], world.people[102]
    await say(app, world, alice, group, "/partner add HSCB")
    [reply] = await say(
        app,
        world,
        alice,
        group,
        "/assign @bobby_p Send the returns every month by the 5th with HSCB",
    )
    assert reply.text.startswith(
        "Recorded #1 for Bob: Send the returns — due Sat 5 Dec, with HSCB, "
        "repeating every month on the 5th."
    )
    await say(app, world, alice, group, "/assign me Something else")
    clock.advance(timedelta(days=10))  # Thu 3 Dec
    [done] = await say(app, world, bob, group, "/done 1 sent")
    assert done.text == (
        "Done: #1 Send the returns. Thank you! It repeats every month on the 5th: "
        "the next is #3, due Tue 5 Jan 2027."
    )
    assert await open_actions(app, group) == [
        "#2 Something else -",
        "#3 Send the returns 2027-01-05",
    ]
    [listing] = await say(app, world, bob, group, "/actions @bobby_p")
    assert (
        "#3 Send the returns — with HSCB · due Tue 5 Jan 2027 · repeats every month on the 5th"
    ) in listing.text
    [history] = await say(app, world, bob, group, "/history 3")
    assert "Bob repeats it every month on the 5th (the next after #1)" in history.text

    # done late (after its due day): the next is the following 5th, never in the past
    clock.advance(timedelta(days=40))  # Tue 12 Jan 2027
    [done] = await say(app, world, bob, group, "/done 3")
    assert done.text.endswith("the next is #4, due Fri 5 Feb.")


async def test_weekly_and_every_n_weeks_keep_their_day_and_time(
    app: Application, world: World, group: SimChat, clock: FrozenClock
) -> None:
    alice = world.people[101]
    [reply] = await say(app, world, alice, group, "/assign me Team call notes every Friday")
    assert "due Fri 27 Nov, repeating every Friday." in reply.text
    [reply] = await say(
        app, world, alice, group, "/assign me Budget check by Wednesday 5pm every 2 weeks"
    )
    assert "due Wed 25 Nov 17:00, repeating every 2 weeks." in reply.text
    [done] = await say(app, world, alice, group, "/done 1")
    assert done.text.endswith("the next is #3, due Fri 4 Dec.")
    [done] = await say(app, world, alice, group, "/done 2")
    assert done.text.endswith("the next is #4, due Wed 9 Dec 17:00.")
    # a time after a rule that names its day: that time on that day, words after it kept
    [reply] = await say(app, world, alice, group, "/assign me Timesheets every Friday by 5pm")
    assert "#5 for Alice: Timesheets — due Fri 27 Nov 17:00, repeating every Friday." in (
        reply.text
    )
    [reply] = await say(app, world, alice, group, "/assign me Returns to the board every month")
    # a rule that names no day starts today (today counts, as for "every Friday")
    assert "#6 for Alice: Returns to the board — due Mon 23 Nov, repeating every month." in (
        reply.text
    )
    [done] = await say(app, world, alice, group, "/done 5")
    assert done.text.endswith("the next is #7, due Fri 4 Dec 17:00.")
    [reply] = await say(app, world, alice, group, "/assign me Weekly report by Friday")
    assert "#8 for Alice: Weekly report — due Fri 27 Nov." in reply.text  # no rule


async def test_done_by_button_or_check_in_also_creates_the_next(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    [reply] = await say(app, world, alice, group, "/assign me Weekly report every Monday")
    await press(app, world, alice, reply, "Done")
    assert toasts(world)[-1] == "#1 is done. Next: #2, due Mon 30 Nov."
    assert await open_actions(app, group) == ["#2 Weekly report 2026-11-30"]
    await feed(app, world.user_presses(alice, reply, "ci:done:2"))  # a check-in's Done
    assert await open_actions(app, group) == ["#3 Weekly report 2026-12-07"]


async def test_drop_ends_the_series_and_says_so(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Weekly report every Monday")
    [dropped] = await say(app, world, alice, group, "/drop 1 no longer needed")
    assert dropped.text == (
        "Dropped #1 Weekly report. That ends its series (every Monday): no next one is due."
    )
    assert await open_actions(app, group) == []


async def test_a_redelivered_done_creates_one_next_occurrence(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Weekly report every Monday")
    update = world.user_says(alice, group, "/done 1")
    await feed(app, update)
    await feed(app, update)
    assert await open_actions(app, group) == ["#2 Weekly report 2026-11-30"]


@pytest.mark.parametrize(
    ("words", "rule"),
    [
        ("every Friday", Recurrence("week", weekday=4)),
        ("every other tues", Recurrence("week", 2, weekday=1)),
        ("every 2 weeks", Recurrence("week", 2)),
        ("every fortnight", Recurrence("week", 2)),
        ("every month by the 5th", Recurrence("month", monthday=5)),
        ("each month on the 1st", Recurrence("month", monthday=1)),
        ("monthly by the 31st", Recurrence("month", monthday=31)),
        ("every month on the last day", Recurrence("month", monthday=-1)),
        ("quarterly", Recurrence("month", 3)),
        ("every 3 days", Recurrence("day", 3)),
        ("every year", Recurrence("year")),
        ("weekly on Thursday", Recurrence("week", weekday=3)),
    ],
)
def test_rules_are_read_as_data(words: str, rule: Recurrence) -> None:
    assert read_rule(words) == rule
    assert Recurrence.from_json(rule.to_json()) == rule


@pytest.mark.parametrize(
    "words", ["check every box", "every now and then", "everyone", "visit every day centre"]
)
def test_words_that_are_no_rule_stay_in_the_title(words: str) -> None:
    assert split_recurrence(f"Agree it {words}") == (f"Agree it {words}", None)


@pytest.mark.parametrize(
    "title", ["Weekly report", "Daily standup notes", "Send the monthly returns"]
)
def test_an_adjective_like_weekly_is_no_rule(title: str) -> None:
    assert split_recurrence(title) == (title, None)
    assert split_recurrence(f"{title} to the board") == (f"{title} to the board", None)


def test_a_monthly_day_past_a_months_end_falls_on_its_last_day() -> None:
    rule = Recurrence("month", monthday=31)
    assert rule.first(date(2027, 2, 3)) == date(2027, 2, 28)
    assert rule.after(date(2027, 2, 28), date(2027, 2, 3)) == date(2027, 3, 31)
    assert rule.after(date(2027, 3, 31), date(2027, 3, 1)) == date(2027, 4, 30)
    every_other = Recurrence("week", 2, weekday=1)
    assert every_other.first(date(2026, 11, 25)) == date(2026, 12, 1)  # the next Tuesday
    assert every_other.after(date(2026, 12, 1), date(2026, 12, 1)) == date(2026, 12, 15)


@pytest.mark.parametrize(
    ("text", "rest", "rule"),
    [
        ("Timesheets every Friday by 5pm", "Timesheets by 5pm", Recurrence("week", weekday=4)),
        ("Check the figures weekly by Friday", "Check the figures", Recurrence("week", weekday=4)),
        ("Accounts every month by the 5th.", "Accounts", Recurrence("month", monthday=5)),
    ],
)
def test_the_longest_rule_is_taken_and_the_words_after_it_kept(
    text: str, rest: str, rule: Recurrence
) -> None:
    assert split_recurrence(text) == (rest, rule)


async def test_done_reopened_and_done_again_creates_the_next_once(
    app: Application, world: World, group: SimChat
) -> None:
    alice, bob = world.people[101], world.people[102]
    await say(app, world, alice, group, "/assign @bobby_p Send the weekly returns every Friday")
    [first] = await say(app, world, bob, group, "/done 1 sent")
    assert "the next is #2" in first.text
    await say(app, world, alice, group, "/reopen 1")
    [again] = await say(app, world, bob, group, "/done 1 sent again")
    assert "the next is #2" in again.text
    assert [line.split(" ")[0] for line in await open_actions(app, group)] == ["#2"]


async def test_edit_points_a_new_repeat_to_drop_and_assign(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign me Weekly returns every Friday")
    [reply] = await say(app, world, alice, group, "/edit 1 Weekly returns every Monday")
    assert "a repeat can't be changed in place: /drop 1 ends the series" in reply.text
    assert "/due" not in reply.text
