"""Issue 9 trial follow-ups (items 7–11, 15, 16): supporter near misses, batch notes,
/edit with dates or supporters, /assign on minutes, /partner remove on one word, the
digest's week, and tidier messages."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import Application

from app.context import services_of
from app.lifecycle import feed
from domain.model import OPEN_STATUSES
from localapi.world import SimChat, World
from tests.helpers import say


async def open_actions(app: Application, chat: SimChat):
    return await services_of(app).register.actions.in_chat(chat.chat_id, OPEN_STATUSES)


async def test_a_near_miss_supporter_is_refused_naming_the_close_name(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    [reply] = await say(app, world, alice, group, "/assign @bobby_p Draft the bid with @carlo")
    assert "I haven't seen @carlo in this group. Did you mean @carol? Say @carol" in reply.text
    assert await open_actions(app, group) == []
    await say(app, world, alice, group, "/assign @bobby_p Draft the bid")
    [reply] = await say(app, world, alice, group, "/supporters 1 @carlo")
    assert "Did you mean @carol?" in reply.text
    [action] = await open_actions(app, group)
    assert action.supporters == ()


async def test_batch_lines_say_how_an_ambiguous_date_was_read(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    [reply] = await say(
        app, world, alice, group, "/assign\n@bobby_p Send the minutes by 05/12\nme Book the room"
    )
    assert "I read 'by 05/12' as Sat 5 Dec." in reply.text


async def test_edit_refuses_a_title_with_a_date_or_supporters(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/assign @bobby_p Draft the bid")
    [reply] = await say(app, world, alice, group, "/edit 1 Draft the funding bid by Friday")
    assert "/due 1" in reply.text
    [reply] = await say(app, world, alice, group, "/edit 1 Draft the funding bid with @carol")
    assert "/supporters 1" in reply.text
    [action] = await open_actions(app, group)
    assert action.title == "Draft the bid"
    [reply] = await say(app, world, alice, group, "/edit 1 Draft the funding bid")
    assert reply.text == "#1 is now: Draft the funding bid."


async def test_minutes_me_is_their_author_and_a_second_reply_records_nothing(
    app: Application, world: World, group: SimChat
) -> None:
    alice, carol = world.people[101], world.people[103]
    minutes = "Actions:\n- @bobby_p Draft the funding bid by Friday\n- me Check the budget lines"
    await say(app, world, carol, group, minutes)
    pasted = next(m for m in world.messages if m.text == minutes)
    await feed(app, world.user_says(alice, group, "/assign", reply_to=pasted.message_id))
    assert "#2 for Carol: Check the budget lines" in world.bot_messages(group.chat_id)[-1].text
    await feed(app, world.user_says(alice, group, "/assign", reply_to=pasted.message_id))
    assert world.bot_messages(group.chat_id)[-1].text.startswith("Already recorded:")
    assert len(await open_actions(app, group)) == 2


async def test_partner_remove_needs_the_full_name(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/partner add Health Board")
    [reply] = await say(app, world, alice, group, "/partner remove health")
    assert "/partner remove Health Board" in reply.text
    partners = await services_of(app).register.partners.in_chat(group.chat_id)
    assert [p.name for p in partners] == ["Health Board"]
    await say(app, world, alice, group, "/partner remove health board")
    assert await services_of(app).register.partners.in_chat(group.chat_id) == []


async def test_the_digest_week_ends_on_sunday_and_undated_actions_show(
    app: Application, world: World, group: SimChat, clock
) -> None:
    alice = world.people[101]
    clock.advance(timedelta(days=3))  # Thursday 26 Nov
    await say(app, world, alice, group, "/assign @carol Book the hall by Sunday")
    await say(app, world, alice, group, "/assign @carol Draft the survey by Tuesday 1 Dec")
    await say(app, world, alice, group, "/assign @bobby_p Find a venue")
    [digest] = await say(app, world, alice, group, "/digest")
    assert "1 due this week" in digest.text
    week, coming = digest.text.split("Coming up")
    assert "#1 Book the hall" in week
    assert "#2 Draft the survey" in coming
    assert "No due date\n  #3 Find a venue — Bob" in digest.text


async def test_timezone_abbreviations_and_city_names_get_a_suggestion(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    [reply] = await say(app, world, alice, group, "/timezone BST")  # taken: trial 9, finding 15
    assert reply.text.startswith("Timezone set to Europe/London (read from BST, with summer time).")
    [reply] = await say(app, world, alice, group, "/timezone new york")
    assert "did you mean America/New_York?" in reply.text
    assert reply.text.count("America/New_York") == 1  # named once (second trial)
    [reply] = await say(app, world, alice, group, "/timezone CET")
    assert reply.text.startswith("Timezone set to Europe/Paris (read from CET")


async def test_coordinator_add_for_an_admin_or_the_creator_says_so(
    app: Application, world: World, group: SimChat
) -> None:
    alice = world.people[101]
    [reply] = await say(app, world, alice, group, "/coordinator add @bobby_p")
    assert reply.text == "Bob is an administrator of this group: already a coordinator."
    [reply] = await say(app, world, alice, group, "/coordinator add @alice")
    assert reply.text == "Alice is the group's creator: already a coordinator."
    assert await services_of(app).register.coordinators.named(group.chat_id) == []


async def test_update_in_private_for_no_such_action_names_the_groups(
    app: Application, world: World, group: SimChat
) -> None:
    alice, bob = world.people[101], world.people[102]
    await say(app, world, alice, group, "/assign @bobby_p Draft the bid")
    [reply] = await say(app, world, bob, world.private_chat(bob), "/update 7 on track")
    assert "Partners for Health" in reply.text
    assert "/actions" not in reply.text
