"""The people and groups the local console starts with."""

from __future__ import annotations

from dataclasses import dataclass

from localapi.world import Person, SimChat, World


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
