"""Replies per second and CPU per reply: Accord beside a bare PTB echo bot, same run.

100 private chats each send 10 messages at once to a bot process; the fake Bot API
server answers every call after 50 ms. Run: ``make bench`` or
``.venv/bin/python -m bench.throughput [--chats N] [--per-chat N] [--latency S]``.
"""

from __future__ import annotations

import asyncio
import random

from bench.harness import (
    Measurement,
    accord_command,
    accord_ready,
    bot_under_test,
    burst_arguments,
    echo_command,
    echo_ready,
    private_people,
    ratio,
)
from localapi.world import Person, World

# Kinds of message with different answers, so each chat's order is checkable.
ACCORD_MESSAGES = {
    "/help": "Commands",
    "/unknown": "I don't know",
    "hello": "Hello! Ask me anything",
    "how do we build trust": "Trust and honesty",
}
TARGET_REPLIES_PER_SECOND = 250
TARGET_CPU_RATIO = 2.0


def plan(people: list[Person], per_chat: int, seed: int = 7) -> dict[int, list[str]]:
    """What each person will send, in order."""
    rng = random.Random(seed)
    return {p.user_id: [rng.choice(list(ACCORD_MESSAGES)) for _ in range(per_chat)] for p in people}


def send_all(world: World, people: list[Person], messages: dict[int, list[str]]) -> int:
    """Queue every chat's messages at once, interleaved across chats as they would arrive."""
    per_chat = len(next(iter(messages.values())))
    for index in range(per_chat):
        for person in people:
            world.user_says(person, world.private_chat(person), messages[person.user_id][index])
    return per_chat * len(people)


def in_order(
    world: World, people: list[Person], messages: dict[int, list[str]], echo: bool
) -> bool:
    """Did each chat get its replies in the order it sent the messages?"""
    for person in people:
        replies = [m.text for m in world.bot_messages(person.user_id)][
            -len(messages[person.user_id]) :
        ]
        for sent, reply in zip(messages[person.user_id], replies, strict=True):
            expected = sent if echo else ACCORD_MESSAGES[sent]
            if not (reply == sent if echo else expected in reply):
                return False
    return True


async def run_one(name: str, echo: bool, chats: int, per_chat: int, latency: float) -> Measurement:
    """Warm the bot up with one message per chat, then measure the burst."""
    world = World()
    people = private_people(world, chats)
    command, ready = (echo_command(), echo_ready) if echo else (accord_command(), accord_ready)
    async with bot_under_test(world, command, ready, latency) as bot:
        warm_up = {p.user_id: ["hello"] for p in people}
        await bot.measure(lambda: send_all(world, people, warm_up))
        messages = plan(people, per_chat)
        result = await bot.measure(lambda: send_all(world, people, messages))
    ordered = in_order(world, people, messages, echo)
    print(
        f"{name:<22} {result.replies_per_second:8.1f} replies/s  "
        f"{result.cpu_ms_per_reply:6.2f} CPU ms/reply  in order: {'yes' if ordered else 'NO'}"
    )
    return result


async def main() -> None:
    """Measure both bots and print the ratios against the targets."""
    arguments = burst_arguments(__doc__ or "", "private chats")
    sizes = (arguments.senders, arguments.per_sender, arguments.latency)
    echo = await run_one("bare PTB echo (16)", True, *sizes)
    accord = await run_one("Accord", False, *sizes)
    print(
        f"Accord / echo: throughput {ratio(accord.replies_per_second, echo.replies_per_second)}, "
        f"CPU per reply {ratio(accord.cpu_ms_per_reply, echo.cpu_ms_per_reply)} "
        f"(target ≤ {TARGET_CPU_RATIO:.1f}×); "
        f"{accord.replies_per_second:.0f} replies/s (target ≥ {TARGET_REPLIES_PER_SECOND})"
    )


if __name__ == "__main__":
    asyncio.run(main())
