"""The people and groups the local console starts with."""

from __future__ import annotations

from dataclasses import dataclass

from localapi.world import Person, SimChat, World

# The chat ids the console gives: its groups count down from -1001000000001 (``:chat``
# adds the next), its people (and so their private chats) up from 101 (``:as`` adds the
# next). A database with any other chat was written by a real bot.
CONSOLE_GROUP_IDS = range(-1001000999999, -1001000000000)
CONSOLE_PERSON_IDS = range(101, 1_000_000)


def console_made(chat_id: int) -> bool:
    """Whether ``chat_id`` is one the console could have made (in this run or an earlier one)."""
    return chat_id in CONSOLE_GROUP_IDS or chat_id in CONSOLE_PERSON_IDS


@dataclass
class Cast:
    """Who is in the console's world and which groups have short names."""

    groups: dict[str, SimChat]
    first_person: Person


def seed_world(world: World) -> Cast:
    """Add four partners and two groups; each group's creator is a coordinator."""
    alice = world.add_person(101, "Alice", "alice")
    bob = world.add_person(102, "Bob", "bobby_p")
    carol = world.add_person(103, "Carol", "carol")
    dave = world.add_person(104, "Dave", "dave_k")
    partners = world.add_group(
        -1001000000001, "Partners for Health", creator=alice, members=[bob, carol, dave]
    )
    partners.members[bob.user_id] = "administrator"
    steering = world.add_group(-1001000000002, "Steering Board", creator=carol, members=[alice])
    return Cast(groups={"partners": partners, "steering": steering}, first_person=alice)
