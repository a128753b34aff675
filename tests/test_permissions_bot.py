"""Who is in charge, through the real Application: demoted admins, people who leave,
anonymous admins, forged and stale buttons, edited commands, and real failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.ext import Application

from app.clock import FrozenClock
from app.context import services_of
from app.lifecycle import feed
from domain.model import Status
from handlers.errors import APOLOGY
from localapi.world import World
from tests.helpers import say, toasts

# Cast: in "partners" Alice is the creator, Bob an admin, Carol and Dave members.


def people(world: World):
    return (world.people[i] for i in (101, 102, 103, 104))


async def named(app: Application, chat_id: int, user_id: int) -> bool:
    return await services_of(app).coordinators.is_named(chat_id, user_id)


# --- demoted administrators -----------------------------------------------------------


async def test_demotion_reported_by_telegram_takes_effect_at_once(
    app: Application, world: World, group
) -> None:
    alice, bob, _, _ = people(world)
    [reply] = await say(app, world, bob, group, "/due 1 friday")  # cached: Bob is an admin
    assert not reply.text.startswith("Only coordinators")
    await feed(app, world.set_member_status(group, bob, "member", by=alice))
    [reply] = await say(app, world, bob, group, "/assign @dave_k Still in charge?")
    assert reply.text.startswith("Only coordinators")  # the cache was cleared, not waited out
    [reply] = await say(app, world, bob, group, "/coordinator add @bobby_p")
    assert reply.text.startswith("Only coordinators")
    assert not await named(app, group.chat_id, bob.user_id)


async def test_naming_a_coordinator_asks_telegram_afresh(
    app: Application, world: World, group
) -> None:
    _, bob, _, _ = people(world)
    [reply] = await say(app, world, bob, group, "/assign @dave_k Cached as admin")
    assert reply.text.startswith("Recorded #1")
    group.members[bob.user_id] = "member"  # demoted, and no chat_member update arrived
    asked = len([c for c in world.calls if c[0] == "getChatMember"])
    [reply] = await say(app, world, bob, group, "/coordinator add @bobby_p")
    assert reply.text.startswith("Only coordinators")
    assert not await named(app, group.chat_id, bob.user_id)
    assert len([c for c in world.calls if c[0] == "getChatMember"]) == asked + 1
    for command in ("/export", "/drop 1", "/reassign 1 @carol"):
        [reply] = await say(app, world, bob, group, command)
        assert reply.text.startswith("Only coordinators"), command


async def test_a_named_coordinator_who_leaves_loses_the_role(
    app: Application, world: World, group
) -> None:
    alice, _, carol, dave = people(world)
    await say(app, world, alice, group, "/coordinator add @carol")
    await say(app, world, alice, group, "/coordinator add @dave_k")
    assert await named(app, group.chat_id, carol.user_id)
    await feed(app, world.set_member_status(group, carol, "left", by=carol))
    await feed(app, world.set_member_status(group, dave, "kicked", by=alice))
    assert not await named(app, group.chat_id, carol.user_id)
    assert not await named(app, group.chat_id, dave.user_id)
    await feed(app, world.set_member_status(group, carol, "member", by=alice))  # back again
    [reply] = await say(app, world, carol, group, "/assign @alice Still a coordinator?")
    assert reply.text.startswith("Only coordinators")


async def test_the_left_member_service_message_also_un_names(
    app: Application, world: World, group
) -> None:
    """Bots that are not administrators get no chat_member updates, but they do see the
    group's "Carol left" service message."""
    alice, _, carol, _ = people(world)
    await say(app, world, alice, group, "/coordinator add @carol")
    update = world.user_says(carol, group, "placeholder")
    del update["message"]["text"]
    update["message"]["left_chat_member"] = carol.to_json()
    await feed(app, update)
    assert not await named(app, group.chat_id, carol.user_id)


# --- anonymous administrators ---------------------------------------------------------


async def test_anonymous_admin_assign_me_and_join_say_who_to_name(
    app: Application, world: World, group
) -> None:
    alice = world.people[101]
    await say(app, world, alice, group, "/partner add City Council")
    for command in ("/assign me Book the room", "/join City Council"):
        before = len(world.bot_messages())
        await feed(app, world.anonymous_admin_says(group, command))
        [reply] = world.bot_messages()[before:]
        assert "posting anonymously as the group" in reply.text, command
        assert "post as yourself" in reply.text, command
    actions = await services_of(app).register.actions.in_chat(group.chat_id, list(Status))
    assert actions == []


async def test_anonymous_admin_coordinates(app: Application, world: World, group) -> None:
    before = len(world.bot_messages())
    await feed(app, world.anonymous_admin_says(group, "/assign @dave_k Draft the minutes"))
    [reply] = world.bot_messages()[before:]
    assert reply.text.startswith("Recorded #1 for Dave")
    await feed(app, world.anonymous_admin_says(group, "/update 1 at risk: no room booked"))
    assert "at risk" in world.bot_messages()[-1].text
    await feed(app, world.anonymous_admin_says(group, "/coordinator add me"))
    assert "posting anonymously as the group" in world.bot_messages()[-1].text
    [history] = await say(app, world, world.people[104], group, "/history 1")
    assert "anonymous admin" in history.text
    assert "Accord added a note" not in history.text
    await say(app, world, world.people[101], group, "/export")
    events = world.bot_messages()[-1].document[1].decode("utf-8-sig").splitlines()
    assert [line for line in events[1:] if '","An anonymous admin","status","' in line]


# --- forged, stale and failing buttons --------------------------------------------------


async def test_a_forged_press_never_rewrites_another_actions_message(
    app: Application, world: World, group
) -> None:
    alice = world.people[101]
    [first] = await say(app, world, alice, group, "/assign me First thing")
    await say(app, world, alice, group, "/assign me Second thing")
    text, buttons = first.text, first.buttons()
    await feed(app, world.user_presses(alice, first, "act:done:2"))
    second = await services_of(app).register.actions.get(group.chat_id, 2)
    assert second.status is Status.DONE  # Alice may close #2: that part is allowed
    assert first.text == text
    assert first.buttons() == buttons


async def test_unknown_buttons_are_answered(app: Application, world: World, group) -> None:
    alice = world.people[101]
    [message] = await say(app, world, alice, group, "/assign me Something")
    for data in ("act:explode:1", "zz:9f3a", "kb:open:NOT-AN-ID", "ci:lost:1"):
        answered = len(toasts(world))
        await feed(app, world.user_presses(alice, message, data))
        assert toasts(world)[answered:] == ["This button no longer works."], data


async def test_a_handler_that_fails_is_apologised_for(
    app: Application, world: World, group, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = world.people[101]
    [message] = await say(app, world, alice, group, "/assign me Something")

    async def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the register fell over")

    monkeypatch.setattr(services_of(app).register, "complete", explode)
    await feed(app, world.user_presses(alice, message, "act:done:1"))
    assert toasts(world)[-1] == APOLOGY
    monkeypatch.setattr(services_of(app).register, "listing", explode)
    [apology] = await say(app, world, alice, group, "/actions")
    assert apology.text == APOLOGY


# --- edited commands ------------------------------------------------------------------


async def command_then_edit(
    app: Application, world: World, group, text: str, edited: str
) -> tuple[int, int]:
    alice = world.people[101]
    before = len(world.bot_messages())
    update = world.user_says(alice, group, text)
    await feed(app, update)
    first = len(world.bot_messages()) - before
    await feed(app, world.user_edits(alice, group, update["message"]["message_id"], edited))
    return first, len(world.bot_messages()) - before - first


async def test_an_edited_digest_posts_no_second_digest(
    app: Application, world: World, group
) -> None:
    await say(app, world, world.people[101], group, "/assign me Something by tomorrow")
    first, again = await command_then_edit(app, world, group, "/digest", "/digest ")
    assert first >= 1
    assert again == 1  # "Edits don't run commands again…"
    assert world.bot_messages()[-1].text.startswith("Edits don't run commands again")


async def test_an_edited_update_adds_no_second_note(app: Application, world: World, group) -> None:
    await say(app, world, world.people[101], group, "/assign me Something")
    first, again = await command_then_edit(
        app, world, group, "/update 1 on track", "/update 1 on track, nearly there"
    )
    assert (first, again) == (1, 1)  # "Edits don't run commands again…"
    action = await services_of(app).register.actions.get(group.chat_id, 1)
    events = await services_of(app).register.actions.history(action)
    assert [e.kind for e in events] == ["created", "status"]


async def test_an_edited_question_is_answered_again(app: Application, world: World, group) -> None:
    await say(app, world, world.people[101], group, "/assign me Funding bid")
    first, again = await command_then_edit(app, world, group, "/who fundng", "/who funding")
    assert (first, again) == (1, 1)  # reading commands answer the corrected question


async def test_an_edited_reply_to_an_update_prompt_adds_no_note(
    app: Application, world: World, group, clock: FrozenClock
) -> None:
    alice = world.people[101]
    [message] = await say(app, world, alice, group, "/assign me Something")
    await feed(app, world.user_presses(alice, message, "act:update:1"))
    prompt = world.bot_messages()[-1]
    update = world.user_says(alice, group, "blocked by IT", reply_to=prompt.message_id)
    await feed(app, update)
    clock.advance(timedelta(minutes=1))
    edited = world.user_edits(alice, group, update["message"]["message_id"], "blocked by IT!")
    edited["edited_message"]["reply_to_message"] = update["message"]["reply_to_message"]
    await feed(app, edited)
    action = await services_of(app).register.actions.get(group.chat_id, 1)
    events = await services_of(app).register.actions.history(action)
    assert [e.kind for e in events] == ["created", "status"]


async def test_no_command_fails_for_an_anonymous_admin(
    app: Application, world: World, group, caplog: pytest.LogCaptureFixture
) -> None:
    from handlers.catalogue import catalogue_of

    alice = world.people[101]
    await say(app, world, alice, group, "/partner add City Council")
    await say(app, world, alice, group, "/assign @bobby_p Draft the bid")
    await say(app, world, alice, group, "/assign @samira Pending owner")
    await say(app, world, alice, group, "/assign me Three")
    texts = [c.example for c in catalogue_of(app).for_groups()]
    texts += [  # /help is the catalogue's example of itself
        "/assign me x",
        "/coordinator remove me",
        "/mine",
        "/done 2",
        "/partner remove City Council",
    ]
    for text in texts:
        before = len(world.bot_messages())
        await feed(app, world.anonymous_admin_says(group, text))
        replies = world.bot_messages()[before:]
        assert replies, text
        assert all(r.text != APOLOGY for r in replies), text
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    guides = [m for m in world.bot_messages() if m.text.startswith("Accord is set up in")]
    assert len(guides) == 2  # /start and /help: the coordinators' guide
    assert [m for m in world.bot_messages() if "anonymously" in m.text and "/mine" in m.text]


async def test_polling_asks_telegram_for_membership_updates(settings, world: World) -> None:
    """serve() polls (no webhook set) asking for the membership updates too; a webhook
    asks for the same list (tests/test_webhook.py)."""
    from telegram import Update
    from telegram.ext import Updater

    from app.builder import build_application
    from app.serve import serve
    from localapi.request import WorldRequest

    class StartedError(Exception):
        pass

    asked: dict[str, object] = {}

    async def start_polling(self: Updater, **kwargs: object) -> None:
        asked.update(kwargs)
        raise StartedError

    request = WorldRequest(world)
    application = build_application(
        settings, request=request, get_updates_request=request, scheduled_jobs=False
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Updater, "start_polling", start_polling)
        with pytest.raises(StartedError):
            await serve(application, settings)
    allowed = list(asked["allowed_updates"])  # type: ignore[call-overload]
    assert Update.CHAT_MEMBER in allowed
    assert Update.MY_CHAT_MEMBER in allowed
    assert asked["bootstrap_retries"] == -1


async def test_a_message_sent_as_a_channel_coordinates_nothing(
    app: Application, world: World, group
) -> None:
    def as_channel(text: str) -> dict:
        update = world.anonymous_admin_says(group, text)
        message = update["message"]
        message["from"] = {"id": 136817688, "is_bot": True, "first_name": "Channel"}
        message["sender_chat"] = {"id": -1002000000009, "type": "channel", "title": "News"}
        return update

    for text, expected in (
        ("/assign me Something", "posting anonymously as the channel News"),
        ("/assign @dave_k Something", "Only coordinators"),
        ("/join Anyone", "posting anonymously as the channel News"),
    ):
        before = len(world.bot_messages())
        await feed(app, as_channel(text))
        [reply] = world.bot_messages()[before:]
        assert expected in reply.text, text


# --- redelivered updates --------------------------------------------------------------


async def test_a_redelivered_command_acts_once(app: Application, world: World, group) -> None:
    """After a crash Telegram sends unconfirmed updates again: a note, a digest and a
    reply to an Update prompt each act once."""
    alice = world.people[101]
    [message] = await say(app, world, alice, group, "/assign me Something by tomorrow")
    for text in ("/update 1 on track", "/digest"):
        update = world.user_says(alice, group, text)
        await feed(app, update)
        sent = len(world.bot_messages())
        await feed(app, update)
        assert len(world.bot_messages()) == sent, text
    await feed(app, world.user_presses(alice, message, "act:update:1"))
    prompt = world.bot_messages()[-1]
    update = world.user_says(alice, group, "blocked by IT", reply_to=prompt.message_id)
    await feed(app, update)
    await feed(app, update)
    action = await services_of(app).register.actions.get(group.chat_id, 1)
    events = await services_of(app).register.actions.history(action)
    assert [e.kind for e in events] == ["created", "status", "status"]


async def test_rejoining_after_an_unnoticed_departure_un_names(
    app: Application, world: World, group
) -> None:
    """Leaving can go unseen (no admin rights, hidden service messages); coming back
    shows it happened."""
    alice, _, carol, dave = people(world)
    await say(app, world, alice, group, "/coordinator add @carol")
    await say(app, world, alice, group, "/coordinator add @dave_k")
    group.members[carol.user_id] = "left"  # no update reached Accord
    await feed(app, world.set_member_status(group, carol, "member", by=alice))
    assert not await named(app, group.chat_id, carol.user_id)
    update = world.user_says(alice, group, "placeholder")
    del update["message"]["text"]
    update["message"]["new_chat_members"] = [dave.to_json()]
    await feed(app, update)
    assert not await named(app, group.chat_id, dave.user_id)
