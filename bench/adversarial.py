"""Hostile messages through the real Application: how long the worst one takes, and how
long the event loop (every other chat) waits meanwhile.

The corpus: 4 KB arguments to every command in the catalogue, long and repetitive due
clauses, nested markers ("by on in due by …"), and unicode edge cases (RTL marks,
zero-width joiners, emoji sequences, stacked combining characters, text outside the
Basic Multilingual Plane, which Telegram counts twice). Each message is timed from the
update to its last reply; a watchdog task sleeping 5 ms in a loop records the largest
overshoot, the longest stall. A plain ``/help`` and a short ``/assign`` are the baseline.

Commands that post with the fan-out pacing (/digest, /checkin) each run in a group of
their own: Telegram's 20 messages a minute per group would otherwise be measured, not
Accord. Errors logged while handling are counted, not printed (the corpus is 4 KB each).

Run: ``make bench`` or ``.venv/bin/python -m bench.adversarial``.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from telegram.ext import Application

from app.builder import build_application
from app.lifecycle import feed, running
from bench.harness import StallWatch, ratio
from config.settings import load_settings
from handlers.catalogue import catalogue_of
from localapi.request import WorldRequest
from localapi.world import Person, SimChat, World

TARGET_WORST_MS = 50.0
TARGET_STALL_MS = 100.0
SIZE = 4000  # characters: Telegram's limit is 4,096 UTF-16 code units
OPEN_ACTIONS = 200
FAN_OUT_COMMANDS = ("digest", "checkin")
BASELINE_ROUNDS = 30


def fill(piece: str, size: int = SIZE) -> str:
    """``piece`` repeated to about ``size`` characters (whole pieces only)."""
    return piece * max(1, size // len(piece))


def fill_utf16(piece: str, units: int = SIZE) -> str:
    """``piece`` repeated to about ``units`` UTF-16 code units, as Telegram counts."""
    return piece * max(1, units // (len(piece.encode("utf-16-le")) // 2))


UNICODE = {
    "rtl marks": "\u200f\u05e9\u05dc\u05d5\u05dd \u202e",
    "zero-width joiners": "a\u200d\u200d\u200db ",
    "emoji sequences": "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    "\U0001f1ec\U0001f1e7 ",
    "combining characters": "e" + "\u0301" * 20 + " ",
    "astral plane": "\U0001d518\U0001d52b\U0001d526\U0001d520\U0001d52c\U0001d521\U0001d522 ",
    "bidi and bom": "\ufeff\u202d\u2066x\u2069\u202c ",
}
ARGUMENTS = {
    "words": fill("partnership funding bid draft "),
    "one word": "x" * SIZE,
    "digits": fill("12 "),
    "mentions": fill("@someone "),
    "markers": fill("by on in due "),
    **{name: fill_utf16(piece) for name, piece in UNICODE.items()},
}


def corpus(commands: list[str]) -> Iterator[tuple[str, str]]:
    """(name, text) of every hostile message."""
    for command in commands:
        for name, argument in ARGUMENTS.items():
            yield f"/{command} <{name}>", f"/{command} {argument}"
            yield f"/{command} 1 <{name}>", f"/{command} 1 {argument}"
    yield "/assign me in in in …", "/assign me " + fill("in ")
    yield "/assign me x in x in …", "/assign me " + fill("x in ")
    yield "/assign me task by 12 12 …", "/assign me task " + fill("by 12 ")
    yield "/assign me <title> + nested markers", "/assign me Plan " + "by on in due " * 20
    yield "/assign me <290 chars> by <7 numbers>", "/assign me " + "x" * 290 + " by 1 2 3 4 5 6 7"
    yield "/assign me x by <64 digits>", "/assign me x by " + "1" * 64
    yield "/due 1 <8 numbers>", "/due 1 12 12 12 12 12 12 12 12"
    yield "/due 1 the 3rd of next month at 5", "/due 1 the 3rd of next month at 5"
    yield "/assign me x by 9999-12-31", "/assign me x by 9999-12-31"
    for name, argument in ARGUMENTS.items():
        yield f"text <{name}>", argument
        yield f"@accord_bot <{name}>", f"@accord_bot {argument}"


@dataclass
class Timed:
    """One message: its handling time and the longest loop stall while it was handled."""

    name: str
    ms: float
    stall_ms: float
    logged: int = 0  # warnings and errors logged while handling it


class LogCounter(logging.Handler):
    """Counts what the application logs at WARNING and above, by first line."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()

    @property
    def total(self) -> int:
        """Records so far."""
        return self.counts.total()

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the message's gist (before any echoed update)."""
        self.counts[record.getMessage().split(" while handling ", 1)[0][:100]] += 1


class Stage:
    """A running Application and the coordinators who write in its groups."""

    def __init__(self, application: Application, world: World, logs: LogCounter) -> None:
        self.application = application
        self.world = world
        self.logs = logs
        self.groups: dict[int, Person] = {}

    async def group(self, actions: int) -> SimChat:
        """A new group, its own coordinator, three partners and ``actions`` open actions."""
        number = len(self.groups) + 1
        person = self.world.add_person(7000 + number, f"Coordinator{number}", f"coord{number}")
        chat = self.world.add_group(-1004000000000 - number, f"Partnership {number}", person)
        self.groups[chat.chat_id] = person
        await feed(self.application, self.world.add_bot_to(chat, person))
        for name in ("City Council", "Health Trust", "Youth Charity"):
            await self.time(chat, f"/partner add {name}")
        await self.time(chat, "/join City Council")
        for n in range(actions):
            await self.time(chat, f"/assign me Action {n} for the partnership by Friday")
        return chat

    async def time(self, chat: SimChat, text: str) -> float:
        """Milliseconds from the update to its last reply (sent by the chat's coordinator,
        or in a private chat by the person it is with)."""
        person = chat.private_with or self.groups[chat.chat_id]
        update = self.world.user_says(person, chat, text)
        started = time.perf_counter()
        await feed(self.application, update)
        return (time.perf_counter() - started) * 1000


async def measure() -> tuple[list[Timed], list[Timed], Counter[str]]:
    """The corpus's and the baseline's timings, and what was logged."""
    logs = LogCounter()
    root = logging.getLogger()
    root.addHandler(logs)
    root.setLevel(logging.WARNING)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            settings = load_settings(
                {"DATABASE_PATH": str(Path(scratch) / "adversarial.db")}, env_file=None
            )
            world = World(queue_updates=False)
            request = WorldRequest(world)
            application = build_application(settings, request=request, get_updates_request=request)
            async with running(application):
                stage = Stage(application, world, logs)
                main = await stage.group(OPEN_ACTIONS)
                baseline = await run(
                    stage,
                    main,
                    [("/help", "/help")] * BASELINE_ROUNDS
                    + [("/assign me Short task", "/assign me Short task by Friday")]
                    * BASELINE_ROUNDS,
                )
                catalogue = catalogue_of(application)
                hostile = list(corpus([c.name for c in catalogue.for_groups()]))
                timings = await run(stage, main, hostile)
                private = world.private_chat(stage.groups[main.chat_id])
                in_private = list(corpus([c.name for c in catalogue.for_private()]))
                timings += await run(stage, private, in_private, prefix="private ")
    finally:
        root.removeHandler(logs)
    return timings, baseline, logs.counts


async def run(
    stage: Stage, chat: SimChat, messages: list[tuple[str, str]], prefix: str = ""
) -> list[Timed]:
    """Time each message in ``chat`` (fan-out commands in a fresh group each)."""
    timings = []
    async with StallWatch() as watch:
        for name, text in messages:
            command = text[1:].split(" ", 1)[0] if text.startswith("/") else ""
            target = chat
            if command in FAN_OUT_COMMANDS and chat.type != "private":
                target = await stage.group(OPEN_ACTIONS // 10)
            watch.take()
            logged = stage.logs.total
            ms = await stage.time(target, text)
            await asyncio.sleep(0.01)  # let the watchdog see the end of any stall
            timings.append(Timed(prefix + name, ms, watch.take() * 1000, stage.logs.total - logged))
    return timings


async def main() -> None:
    """Run the corpus; print the worst messages, the longest stall and the targets."""
    timings, baseline, logged = await measure()
    base_ms = statistics.median(t.ms for t in baseline)
    base_stall = max(t.stall_ms for t in baseline)
    print(f"{len(timings)} hostile messages (arguments of about {SIZE} characters)")
    print(
        f"baseline (/help, short /assign): median {base_ms:.2f} ms,"
        f" worst {max(t.ms for t in baseline):.2f} ms, longest stall {base_stall:.1f} ms"
    )
    print("slowest:")
    for timed in sorted(timings, key=lambda t: t.ms, reverse=True)[:8]:
        print(f"  {timed.ms:8.2f} ms  {timed.name}")
    print("longest stalls:")
    for timed in sorted(timings, key=lambda t: t.stall_ms, reverse=True)[:5]:
        print(f"  {timed.stall_ms:8.2f} ms  {timed.name}")
    worst = max(timings, key=lambda t: t.ms)
    stall = max(timings, key=lambda t: t.stall_ms)
    print(
        f"worst message: {worst.ms:.1f} ms ({ratio(worst.ms, base_ms)} the baseline median;"
        f" target ≤ {TARGET_WORST_MS:.0f} ms) — {worst.name}"
    )
    print(
        f"longest event-loop stall: {stall.stall_ms:.1f} ms"
        f" ({ratio(stall.stall_ms, max(base_stall, 0.1))} the baseline's;"
        f" target ≤ {TARGET_STALL_MS:.0f} ms) — {stall.name}"
    )
    if logged:
        print("logged while handling the corpus (count × first words):")
        for gist, count in logged.most_common(8):
            print(f"  {count:5d} × {gist}")
        failed = [t.name for t in timings if t.logged]
        print(f"messages that logged a warning or error ({len(failed)}):")
        print("  " + ", ".join(failed))


if __name__ == "__main__":
    asyncio.run(main())
