"""Roles (terms of reference) and the decisions log, with their buttons."""

from __future__ import annotations

from telegram.ext import Application

from app.lifecycle import feed
from localapi.world import SimChat, World
from tests.helpers import BOTH_BACKENDS, press, say, toasts

pytestmark = BOTH_BACKENDS


async def test_roles_for_people_and_partners(
    app: Application, world: World, group: SimChat
) -> None:
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, group, "/partner add HSCB")
    [added] = await say(app, world, alice, group, "/role add Chair @carol")
    assert added.text == "Added the role Chair — Carol."
    [added] = await say(
        app, world, alice, group, '/role add "Data lead" HSCB: monthly data returns'
    )
    assert added.text == "Added the role Data lead — HSCB: monthly data returns."
    [by_name] = await say(app, world, alice, group, "/role add Treasurer Bob")
    assert by_name.text == "Added the role Treasurer — Bob."
    [roles] = await say(app, world, carol, group, "/roles")
    assert "Chair — Carol" in roles.text
    assert "Data lead — HSCB: monthly data returns" in roles.text
    [changed] = await say(app, world, alice, group, "/role add Chair @dave_k")
    assert "Chair — Dave" in changed.text
    assert "(It was Carol)" in changed.text
    [removed] = await say(app, world, alice, group, "/role remove Treasurer")
    assert removed.text.startswith("Removed the role Treasurer")
    [refused] = await say(app, world, carol, group, "/role add Chair @carol")
    assert refused.text.startswith("Only coordinators")
    [typo] = await say(app, world, alice, group, "/role add Host @carlo")
    assert typo.text.startswith("I haven't seen @carlo in this group. Did you mean @carol?")
    [unknown] = await say(app, world, alice, group, "/role add Host Nobody Inc")
    assert "There is no partner called" in unknown.text
    [bad] = await say(app, world, alice, group, '/role add "Data lead HSCB')
    assert "no closing quote" in bad.text


async def test_guidance_answers_who_holds_a_role(
    app: Application, world: World, group: SimChat
) -> None:
    alice, dave = world.people[101], world.people[104]
    await say(app, world, alice, group, "/partner add HSCB")
    await say(app, world, alice, group, "/role add Chair @carol")
    await say(app, world, alice, group, '/role add "Data lead" HSCB: monthly data returns')
    for question, expected in (
        ("who chairs?", "Chair — Carol"),
        ("who is the chair?", "Chair — Carol"),
        ("who is our data lead?", "Data lead — HSCB: monthly data returns"),
        ("who's the chair of the partnership?", "Chair — Carol"),
    ):
        [answer] = await say(app, world, dave, group, f"/ask {question}")
        assert expected in answer.text, question
    [declined] = await say(app, world, dave, group, "/ask who is the treasurer?")
    assert "Chair" not in declined.text  # no such role: the knowledge base's turn


async def test_decisions_answers_by_partner_and_resolution(
    app: Application, world: World, group: SimChat
) -> None:
    alice, bob, carol, dave = (world.people[i] for i in (101, 102, 103, 104))
    await say(app, world, alice, group, "/partner add HSCB")
    await say(app, world, carol, group, "/join HSCB")
    [refused] = await say(app, world, carol, group, "/decide Pool the budgets")
    assert refused.text.startswith("Only coordinators")
    [recorded] = await say(app, world, alice, group, "/decide Pool the budgets")
    assert "Recorded decision 1" in recorded.text
    assert "proposed by Alice" in recorded.text
    await press(app, world, carol, recorded, "Agree")
    assert toasts(world)[-1] == "Recorded: you agree with decision 1."
    edited = recorded  # edited in place by the press
    assert "Agree: HSCB (Carol)" in edited.text
    await press(app, world, dave, edited, "Object")
    await press(app, world, carol, edited, "Object")  # changeable
    edited = recorded  # edited in place by the press
    assert "Object: HSCB (Carol); No partner organisation (Dave)" in edited.text
    assert "Agree" not in edited.text.split("\n")[1]
    [listing] = await say(app, world, bob, group, "/decisions")
    assert "Decision 1" in listing.text
    assert "0 agree, 2 object" in listing.text
    [refused] = await say(app, world, carol, group, "/decision 1 confirm")
    assert refused.text.startswith("Only coordinators")
    [confirmed] = await say(app, world, alice, group, "/decision 1 confirm")
    assert confirmed.text.startswith("Decision 1 is confirmed.")
    await press(app, world, dave, edited, "Agree")
    assert "answers are closed" in toasts(world)[-1]
    assert "· confirmed" in recorded.text  # the message now shows how it ended
    assert recorded.buttons() == []
    [again] = await say(app, world, alice, group, "/decision 1 withdraw")
    assert "already confirmed" in again.text


async def test_decide_as_a_reply_records_that_message_and_its_author(
    app: Application, world: World, group: SimChat
) -> None:
    alice, carol = world.people[101], world.people[103]
    await say(app, world, carol, group, "Let's share one referral form")
    proposal = world.messages[-1]
    before = len(world.bot_messages())
    update = world.user_says(alice, group, "/decide", reply_to=proposal.message_id)
    await feed(app, update)
    [recorded] = world.bot_messages()[before:]
    assert "Decision 1</b>" not in recorded.text  # rendered, no tags
    assert "Decision 1 Let's share one referral form — proposed by Carol" in recorded.text
    await feed(app, update)  # Telegram delivers it again: recorded once
    [listing] = await say(app, world, alice, group, "/decisions")
    assert "Decision 2" not in listing.text


async def test_decisions_are_per_chat_and_buttons_check_membership(
    app: Application, world: World, groups: tuple[SimChat, SimChat]
) -> None:
    partners, steering = groups
    alice, carol = world.people[101], world.people[103]
    [_recorded] = await say(app, world, alice, partners, "/decide Pool the budgets")
    [missing] = await say(app, world, carol, steering, "/decision 1")
    assert "There is no decision 1" in missing.text
    [empty] = await say(app, world, carol, steering, "/decisions")
    assert empty.text.startswith("No decisions recorded yet")
    [steering_decision] = await say(app, world, carol, steering, "/decide Meet monthly")
    await press(app, world, world.people[102], steering_decision, "Agree")  # Bob: not in it
    assert "no longer a member" in toasts(world)[-1]
    assert "No answers yet." in steering_decision.text
    forged = steering_decision.buttons()[0][1].replace(":2", ":1")
    assert forged != steering_decision.buttons()[0][1]
    await feed(app, world.user_presses(carol, steering_decision, forged))  # partners' decision
    assert toasts(world)[-1] == "This decision is not this chat's."


async def test_a_role_for_an_unseen_name_becomes_theirs_and_a_partners_remit(
    app: Application, world: World, group: SimChat
) -> None:
    alice, carol = world.people[101], world.people[103]
    erin = world.add_person(105, "Erin", "erin_h")
    group.members[erin.user_id] = "member"
    await say(app, world, alice, group, "/partner add HSCB")
    await say(app, world, carol, group, "/join HSCB")
    [added] = await say(app, world, alice, group, "/role add Secretary @erin_h")
    assert added.text.startswith("Added the role Secretary — @erin_h.\nI haven't seen @erin_h")
    await say(app, world, erin, group, "hello")
    [roles] = await say(app, world, alice, group, "/roles")
    assert "Secretary — Erin" in roles.text

    # "what is HSCB responsible for?": its roles beside its open actions
    await say(app, world, alice, group, '/role add "Data lead" HSCB: monthly data returns')
    await say(app, world, alice, group, "/assign @carol Send the returns")
    [remit] = await say(app, world, alice, group, "/ask what is HSCB responsible for?")
    assert "What HSCB is responsible for" in remit.text
    assert "Role: Data lead — HSCB: monthly data returns" in remit.text
    assert "#1 Send the returns" in remit.text
    [erins] = await say(app, world, alice, group, "/ask what is @erin_h responsible for?")
    assert "Role: Secretary — Erin" in erins.text


async def test_every_charter_change_has_history(
    app: Application, world: World, group: SimChat
) -> None:
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, group, "/goal add Cut waiting times")
    await say(app, world, alice, group, "/goal edit 1 Halve waiting times")
    await say(app, world, alice, group, "/goal close 1")
    [goal] = await say(app, world, carol, group, "/goal 1 history")
    assert "Alice recorded it: Cut waiting times" in goal.text
    assert "Alice reworded it: Cut waiting times → Halve waiting times" in goal.text
    assert goal.text.endswith("Alice closed it")

    await say(app, world, alice, group, "/role add Chair @carol")
    await say(app, world, alice, group, "/role add Chair @dave_k: the steering meetings")
    await say(app, world, alice, group, "/role remove chair")
    [roles] = await say(app, world, carol, group, "/roles history")
    assert "Alice added Chair — Carol" in roles.text
    assert "Alice changed Chair — Dave: the steering meetings (was Carol)" in roles.text
    assert "Alice removed Chair — Dave: the steering meetings" in roles.text

    [decision] = await say(app, world, alice, group, "/decide Pool the budgets")
    await press(app, world, carol, decision, "Object")
    await press(app, world, carol, decision, "Agree")
    await say(app, world, alice, group, "/decision 1 confirm")
    [trail] = await say(app, world, carol, group, "/decision 1 history")
    assert "Alice recorded it: Pool the budgets" in trail.text
    assert "Carol answered object" in trail.text
    assert "Carol answered agree (was object)" in trail.text
    assert trail.text.endswith("Alice confirmed it")
    [none] = await say(app, world, carol, group, "/decision 2 history")
    assert "There is no decision 2" in none.text


async def test_roles_are_per_chat_and_holders_must_be_members(
    app: Application, world: World, groups: tuple[SimChat, SimChat]
) -> None:
    partners, steering = groups
    alice, carol = world.people[101], world.people[103]
    await say(app, world, alice, partners, "/role add Chair @carol")
    [empty] = await say(app, world, carol, steering, "/roles")
    assert empty.text.startswith("No roles yet.")
    [outsider] = await say(app, world, carol, steering, "/role add Chair @bobby_p")
    assert outsider.text == "Bob isn't in this group: add them first, or pick someone here."
    [nobody] = await say(app, world, carol, steering, "/ask who chairs?")
    assert "Chair" not in nobody.text
    [refused] = await say(app, world, carol, steering, "/role remove Chair")
    assert refused.text.startswith("There is no role called 'Chair' here.")
