"""The local chat console: type as a partner, switch person and chat, move the clock.

The real Application runs with its Bot API answered by the in-memory world
(``localapi``), so every handler behaves as it would against Telegram.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import re
import sys
import tempfile
import textwrap
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from telegram.ext import Application

from app.builder import build_application
from app.clock import Clock
from app.context import services_of
from app.lifecycle import feed, running
from config.settings import Settings, redacted_url
from console.cast import Cast, seed_world
from console.guard import refuse_real_groups
from handlers.nudges import run_tick
from localapi.request import WorldRequest
from localapi.world import Event, Person, SentMessage, SimChat, World
from register.parsing import MAX_USERNAME, MIN_USERNAME
from storage import single

logger = logging.getLogger(__name__)
_CLOCK_STEP = re.compile(r"(\d+)\s*([wdhm])")
_DEEP_LINK = re.compile(r"https://t\.me/(?P<bot>\w+)(?:\?start=(?P<payload>[\w-]{1,64}))?")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}

HELP = """\
Type a message to send it as the current person in the current chat, e.g. /help
(end a line with \\ to go on to the next: one message of several lines)
  :as <name>        be someone else (a new name joins the current group)
  :chat <name>      go to a group (a new name creates one, with you as its creator)
  :dm               go to your private chat with the bot
  :chats            list the chats;  :people  list the people
  :press <n>        press button n (or the one labelled n) of the last message with buttons
  :press <m> <n>    press button n (number or label) of message m here, e.g. :press 3 2
  :reply <text>     send text as a reply to the bot's last message here
  :reply #<m> <text>  reply to message m here (anyone's), e.g. :reply #4 on track
  :recent [n]       the last n messages here (10 by default), numbered, with their buttons
  :clock [+3d]      show the clock, or move it forward (w, d, h, m; e.g. +1d12h)
  :kick / :invite   remove the bot from this group / add it back
  :help             this list;  :quit  leave (end of input works too)"""


def parse_clock_step(text: str) -> timedelta:
    """``+3d``, ``+1d12h``, ``+90m`` → a timedelta; ``ValueError`` when unreadable."""
    spec = text.strip().removeprefix("+").replace(" ", "")
    steps = _CLOCK_STEP.findall(spec)
    if not spec or "".join(n + u for n, u in steps) != spec:
        raise ValueError(f"cannot read {text!r}: try +3d, +2h, +30m or +1w")
    delta = timedelta()
    for number, unit in steps:
        delta += timedelta(**{_UNITS[unit]: int(number)})
    return delta


def _button(buttons: list[tuple[str, str]], which: str) -> tuple[str, str] | None:
    """The button numbered ``which`` (from 1), or labelled it (case-insensitively, a
    leading emoji aside: "Not helpful" is "👎 Not helpful"); else the one label that
    starts with it up to a colon ("Answer 14" is "✍️ Answer 14: where do we…")."""
    which = _plain_label(which)
    if which.isdigit():
        return buttons[int(which) - 1] if 1 <= int(which) <= len(buttons) else None
    exact = [b for b in buttons if _plain_label(b[0]) == which]
    if exact:
        return exact[0]
    headed = [b for b in buttons if _plain_label(b[0]).split(":")[0].strip() == which]
    return headed[0] if len(headed) == 1 else None


def _plain_label(label: str) -> str:
    """A label as typed: without leading emoji or symbols, case-folded."""
    return re.sub(r"^[^\w#]+", "", label.strip()).casefold()


class ConsoleSession:
    """One console: who you are, where you are, and what you see."""

    def __init__(
        self,
        application: Application,
        world: World,
        cast: Cast,
        out: TextIO,
        images: Path | None = None,
    ) -> None:
        self.application = application
        self._printed = 0  # lines printed so far: a press that printed nothing says so
        # Where images the bot sends are saved, so you can open them; a temporary
        # directory unless the console was given one.
        self.images = images or Path(tempfile.mkdtemp(prefix="accord-console-images-"))
        self.world = world
        self.groups = dict(cast.groups)
        self.me: Person = cast.first_person
        self.chat: SimChat = cast.groups["partners"]
        self.out = out
        self._continued: list[str] = []  # lines of a message still being typed
        world.listeners.append(self._show)

    @property
    def clock(self) -> Clock:
        """The application's clock, which ``:clock`` moves."""
        return services_of(self.application).clock

    def prompt(self) -> str:
        """Where you are, as ``alice @ partners``."""
        return f"{self.me.username or self.me.first_name} @ {self._chat_label(self.chat)}"

    async def open(self) -> None:
        """Each group's creator adds the bot, as a coordinator would in Telegram; the
        private chats people opened in an earlier run on this database are open again
        (Telegram keeps them; a fresh world would refuse to write to them)."""
        people = services_of(self.application).people
        for person in list(self.world.people.values()):
            known = await people.get(person.user_id)
            if known is not None and known.has_private_chat:
                self.world.private_chat(person)
        for chat in self.groups.values():
            creator = next(uid for uid, status in chat.members.items() if status == "creator")
            await feed(self.application, self.world.add_bot_to(chat, self.world.people[creator]))

    async def handle(self, line: str) -> bool:
        """Act on one line of input; ``False`` means the console should end. A line
        ending in a backslash continues on the next: one message of several lines."""
        line = line.strip()
        if line.endswith("\\") and not line.startswith(":"):
            self._continued.append(line[:-1].rstrip())
            return True
        if self._continued:
            line, self._continued = "\n".join([*self._continued, line]).strip(), []
        if not line:
            return True
        if not line.startswith(":"):
            await self._say(line)
            return True
        command, _, argument = line[1:].partition(" ")
        argument = argument.strip()
        action = {
            "as": self._switch_person,
            "chat": self._switch_chat,
            "dm": self._go_private,
            "chats": self._list_chats,
            "people": self._list_people,
            "press": self._press,
            "reply": self._reply,
            "recent": self._recent,
            "clock": self._clock,
            "kick": self._kick,
            "invite": self._invite,
            "help": self._help,
        }.get(command.lower())
        if command.lower() in ("quit", "exit", "q"):
            return False
        if action is None:
            self._print(f"Unknown console command :{command}. Type :help for the list.")
            return True
        await action(argument)
        return True

    async def _say(self, text: str, reply_to: int | None = None) -> None:
        if self.chat.members.get(self.me.user_id) in (None, "left", "kicked"):
            self._print(f"{self.me.first_name} is not in {self._chat_label(self.chat)}.")
            return
        bot = self.chat.members.get(self.world.bot.user_id)
        if self.chat.type != "private" and bot in (None, "left", "kicked"):
            # Telegram sends a bot nothing from a group it is not in
            self._print(
                f"({self.world.bot.first_name} is not in this group any more: :invite adds it back)"
            )
            return
        forced = self.world.forced_replies.pop(self.chat.chat_id, None)
        if reply_to is None and forced is not None and not text.startswith("/"):
            # as a Telegram app does when the bot asks for a reply (ForceReply)
            self._print(f"(a reply to message {forced}, as Telegram sends it)")
            reply_to = forced
        await feed(self.application, self.world.user_says(self.me, self.chat, text, reply_to))

    async def _switch_person(self, name: str) -> None:
        if not name:
            self._print("Usage: :as <name>, e.g. :as bob")
            return
        person = self.world.person_named(name)
        if person is None:
            handle = re.sub(r"\W", "", name.lstrip("@")).lower()
            if not MIN_USERNAME <= len(handle) <= MAX_USERNAME:
                self._print(
                    f"New names need {MIN_USERNAME} to {MAX_USERNAME} letters, digits or "
                    "underscores (Telegram's rule for usernames)."
                )
                return
            new_id = max(self.world.people) + 1
            person = self.world.add_person(new_id, handle.capitalize(), handle)
            if self.chat.type != "private":
                self.chat.members[person.user_id] = "member"
            self._print(f"New person {person.first_name} (@{handle}) joined here.")
        self.me = person
        if self.chat.type == "private":
            self.chat = self.world.private_chat(person)
        self._print(f"You are now {person.first_name}, in {self._chat_label(self.chat)}.")

    async def _switch_chat(self, name: str) -> None:
        key = name.lower().strip()
        if not key:
            self._print("Usage: :chat <name>, e.g. :chat partners")
            return
        chat = self.groups.get(key)
        if chat is None:
            chat_id = min(c.chat_id for c in self.world.chats.values() if c.chat_id < 0) - 1
            chat = self.world.add_group(chat_id, name.strip().title(), creator=self.me)
            self.groups[key] = chat
            self._print(f"Created group {chat.title}; {self.me.first_name} is its creator.")
            self.chat = chat
            await feed(self.application, self.world.add_bot_to(chat, self.me))
            return
        if self.me.user_id not in chat.members or chat.members[self.me.user_id] == "left":
            chat.members[self.me.user_id] = "member"
            self._print(f"{self.me.first_name} joined {chat.title}.")
        self.chat = chat
        self._print(f"Now in {chat.title}.")

    async def _go_private(self, _: str) -> None:
        self.chat = self.world.private_chat(self.me)
        self._print(f"Now in your private chat with @{self.world.bot.username}.")

    async def _list_chats(self, _: str) -> None:
        for key, chat in self.groups.items():
            bot = chat.members.get(self.world.bot.user_id, "absent")
            people = ", ".join(
                f"{self.world.people[uid].first_name} ({status})"
                for uid, status in chat.members.items()
                if uid in self.world.people
            )
            self._print(f"{key}: {chat.title} [{chat.chat_id}], bot {bot}; {people}")

    async def _list_people(self, _: str) -> None:
        for person in self.world.people.values():
            handle = f"@{person.username}" if person.username else "no username"
            self._print(f"{person.first_name} ({handle}, id {person.user_id})")

    async def _press(self, argument: str) -> None:
        """``:press 2``, ``:press Done``: the last message with buttons; ``:press 3 2``,
        ``:press #3 Done``: message 3 of this chat."""
        first, _, rest = argument.partition(" ")
        number = first.removeprefix("#")
        if number.isdigit() and rest.strip():
            message = self._message(int(number))
            if message is None or not message.buttons():
                self._print(f"Message #{number} here has no buttons. See :recent.")
                return
            which = rest.strip()
        else:
            message = self._last_bot_message(with_buttons=True)
            if message is None:
                self._print("No message with buttons here.")
                return
            which = argument
        buttons = message.buttons()
        button = _button(buttons, which)
        if button is None:
            labels = ", ".join(label for label, _ in buttons)
            self._print(f"Usage: :press <1-{len(buttons)}> or a label ({labels}); :press <m> <n>")
            return
        label, data = button
        self._print(f"({self.me.first_name} presses [{label}])")
        if data.startswith(("https://", "http://", "tg://")):
            await self._follow(data)
            return
        printed = self._printed
        await feed(self.application, self.world.user_presses(self.me, message, data))
        if self._printed == printed:  # never silent: say that nothing came back
            self._print("(no reply)")

    async def _follow(self, url: str) -> None:
        """A link button: a ``t.me/<bot>?start=<payload>`` link opens the private chat
        and sends ``/start <payload>``, as Telegram does; any other link is only shown."""
        match = _DEEP_LINK.fullmatch(url)
        if match is None or match["bot"].casefold() != (self.world.bot.username or "").casefold():
            self._print(f"(a link: {url})")
            return
        await self._go_private("")
        await self._say(f"/start {match['payload']}" if match["payload"] else "/start")

    async def _reply(self, text: str) -> None:
        """``:reply <text>``: to the bot's last message; ``:reply #4 <text>``: to message 4."""
        first, _, rest = text.partition(" ")
        if first.startswith("#") and first[1:].isdigit():
            message = self._message(int(first[1:]))
            if message is None:
                self._print(f"There is no message {first} here. See :recent.")
                return
            text = rest.strip()
        else:
            message = self._last_bot_message(with_buttons=False)
        if message is None or not text:
            self._print(
                "Usage: :reply <text> (to the bot's last message here) or :reply #<m> <text>"
            )
            return
        await self._say(text, reply_to=message.message_id)

    async def _recent(self, argument: str) -> None:
        """The chat's last messages, numbered as ``:press`` and ``:reply #`` take them."""
        count = int(argument) if argument.isdigit() else 10
        messages = [m for m in self.world.messages if m.chat_id == self.chat.chat_id]
        if not messages:
            self._print("No messages here yet.")
        for message in messages[-max(1, count) :]:
            who = self.world.people.get(message.sender_id)
            name = "Accord" if message.sender_id == self.world.bot.user_id else None
            name = name or (who.first_name if who else str(message.sender_id))
            first = message.text.splitlines()[0] if message.text else ""
            buttons = "".join(
                f"  [{n}] {label}" for n, (label, _) in enumerate(message.buttons(), 1)
            )
            self._print(f"#{message.message_id} {name}: {textwrap.shorten(first, 70)}{buttons}")

    async def _clock(self, argument: str) -> None:
        if argument:
            try:
                step = parse_clock_step(argument)
            except ValueError as exc:
                self._print(str(exc))
                return
            await self._advance(step)
        zone = services_of(self.application).settings.zone
        self._print(f"Clock: {self.clock.now().astimezone(zone):%a %d %b %Y %H:%M %Z}")

    async def _advance(self, step: timedelta) -> None:
        """Move the clock forward, stopping at each moment a nudge is due on the way, so
        everything fires when it would have (and nothing is late for being skipped over)."""
        target = self.clock.now() + step
        engine = services_of(self.application).nudges
        while (moment := await engine.next_moment(self.clock.now(), target)) is not None:
            self.clock.advance(max(moment - self.clock.now(), timedelta()))
            await run_tick(self.application)
        # the wall clock went on meanwhile: "+0d" (or a slow tick) must not step back
        self.clock.advance(max(target - self.clock.now(), timedelta()))
        await run_tick(self.application)

    async def _kick(self, _: str) -> None:
        await self._bot_membership(present=False)

    async def _invite(self, _: str) -> None:
        await self._bot_membership(present=True)

    async def _bot_membership(self, present: bool) -> None:
        if self.chat.type == "private":
            self._print("Use :kick and :invite in a group.")
            return
        change = self.world.add_bot_to if present else self.world.remove_bot_from
        await feed(self.application, change(self.chat, self.me))
        verb = "added the bot to" if present else "removed the bot from"
        self._print(f"{self.me.first_name} {verb} {self.chat.title}.")

    async def _help(self, _: str) -> None:
        self._print(HELP)

    def _message(self, message_id: int) -> SentMessage | None:
        """Message ``message_id`` of the current chat, anyone's."""
        return next(
            (
                m
                for m in reversed(self.world.messages)
                if m.chat_id == self.chat.chat_id and m.message_id == message_id
            ),
            None,
        )

    def _last_bot_message(self, with_buttons: bool):  # noqa: ANN202 - SentMessage | None
        for message in reversed(self.world.bot_messages(self.chat.chat_id)):
            if message.buttons() or not with_buttons:
                return message
        return None

    def _chat_label(self, chat: SimChat) -> str:
        if chat.private_with is not None:
            return f"dm:{chat.private_with.username or chat.private_with.first_name}"
        for key, group in self.groups.items():
            if group is chat:
                return key
        return chat.title or str(chat.chat_id)

    def _show(self, event: Event) -> None:
        if event.kind == "toast":
            self._print(f"(popup) {event.text}")
            return
        chat = self.world.chats[event.chat_id]
        heading = "Accord (edited)" if event.kind == "edited" else "Accord"
        lines = [f"[{self._chat_label(chat)}] {heading}:"]
        if event.message is not None and event.message.document is not None:
            name, content = event.message.document
            saved = self._save(event.message, name, content)
            lines.append(f"  [document {name}, {len(content)} bytes: {saved}]")
        if event.message is not None and event.message.photo is not None:
            name = f"chat{event.message.chat_id}-message{event.message.message_id}.png"
            lines.append(f"  [image: {self._save(event.message, name, event.message.photo)}]")
        lines.extend(textwrap.indent(event.text, "  ").splitlines())
        if event.message is not None and event.message.buttons():
            lines.append(
                "  "
                + "  ".join(
                    f"[{n}] {label}" for n, (label, _) in enumerate(event.message.buttons(), 1)
                )
                + f"  (message #{event.message.message_id})"
            )
        self._print("\n".join(lines))

    def _save(self, message: SentMessage, name: str, content: bytes) -> Path:
        """Write a file the bot sent (a photo or a document) to ``images``, under a name
        no earlier run used (message numbers restart each run); its path, for the
        transcript."""
        self.images.mkdir(mode=0o700, parents=True, exist_ok=True)
        plain = Path(Path(name).name)  # no directories from the bot's file name
        for n in itertools.count(1):
            path = self.images / (plain if n == 1 else f"{plain.stem}-{n}{plain.suffix}")
            try:  # never overwrite; owner-only, as the database is: it shows the register
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(descriptor, "wb") as file:
                file.write(content)
            return path
        raise AssertionError("unreachable")

    def _print(self, text: str) -> None:
        self._printed += 1
        print(text, file=self.out, flush=True)


async def run_console(
    settings: Settings, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> None:
    """Run the console until ``:quit`` or end of input, never on a database a real bot
    uses: on SQLite it takes the bot's lock for its run (``storage/single.py``), and it
    refuses a database holding chats it did not make (``console/guard.py``)."""
    if settings.database_url:
        await refuse_real_groups(settings)
        await _run_console(settings, stdin, out)
        return
    with single.holding(settings.database_path):
        await refuse_real_groups(settings)
        await _run_console(settings, stdin, out)


async def _run_console(settings: Settings, stdin: TextIO, out: TextIO) -> None:
    world = World(queue_updates=False)
    cast = seed_world(world)
    request = WorldRequest(world)
    application = build_application(settings, request=request, get_updates_request=request)
    interactive = stdin.isatty()
    async with running(application):
        for chat_id, last in (await services_of(application).handled.last_ids()).items():
            world.number_messages_from(chat_id, last + 1)  # as in Telegram: no id repeats
        images = settings.database_path.parent / "console-images"
        session = ConsoleSession(application, world, cast, out, images)
        await session.open()
        url = settings.database_url
        where = redacted_url(url) if url else settings.database_path
        simulated = (
            "Telegram is simulated here, though TELEGRAM_BOT_TOKEN is set (the console never"
            " uses it)"
            if settings.telegram_bot_token
            else "no TELEGRAM_BOT_TOKEN, so Telegram is simulated here"
        )
        print(
            f"Accord local console: {simulated}. Database: {where}. "
            "Type :help for console commands.",
            file=out,
            flush=True,
        )
        while True:
            if interactive:
                out.write(f"{session.prompt()}> ")
                out.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            if not interactive and line.strip():
                print(f"{session.prompt()}> {line.rstrip()}", file=out, flush=True)
            try:
                if not await session.handle(line):
                    break
            except Exception:  # a console bug must not end the session
                logger.exception("The console could not handle a line")
                logger.debug("The line: %r", line.strip())
