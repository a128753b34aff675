"""The issue 10 new-user trial's findings: honest "did you mean" suggestions, FAQ
synonyms and acronyms, local facts, mentions, /unanswered, roles and the overview."""

from __future__ import annotations

from telegram.ext import Application

from console.cast import Cast
from localapi.world import World
from tests.helpers import introduce, press, say

MOU = "Memoranda of understanding and partnership agreements"


async def test_a_plausible_best_match_is_suggested_not_declined_as_outside(
    app: Application, world: World, cast: Cast
) -> None:
    """ "wot goes in an MOU" was declined as outside what Accord knows, with the right
    topic as a button: it is now offered honestly as a guess, first, and answers."""
    group = cast.groups["partners"]
    alice, carol = world.people[101], world.people[103]
    await introduce(app, world, group, alice, carol)
    [guess] = await say(app, world, carol, group, "/ask wot goes in an MOU")
    assert guess.text.startswith(f"I'm not sure I've understood — did you mean: {MOU}?")
    assert "outside what Accord knows" not in guess.text
    labels = [label for label, _ in guess.buttons()]
    assert labels[0].startswith("Memoranda of understanding")
    [answer] = await press(app, world, carol, guess, labels[0])
    assert answer.text.startswith(MOU)
    # A question whose best match is weak keeps the plain decline and its hint.
    [declined] = await say(app, world, alice, group, "/ask where do we book the community hall?")
    assert declined.text.startswith("That's outside what Accord knows.")
    assert "/faq add" in declined.text
