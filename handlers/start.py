"""/start and /help: what Accord does and the commands that exist today."""

from __future__ import annotations

import html

from telegram import Chat, Update
from telegram.ext import Application

from app.context import AccordContext
from handlers.catalogue import CommandInfo, add_commands, catalogue_of
from handlers.common import is_anonymous_admin, is_coordinator
from register.usage import USAGE

COMMANDS = (
    CommandInfo("start", "What Accord does and how to begin", "/start"),
    CommandInfo("help", "The commands you can use here; /help assign for one of them", "/help"),
)

INTRO = (
    "<b>Accord</b> keeps a partnership's work moving. It sits in the partnership's "
    "Telegram group, answers questions on partnership working, records who owns which "
    "action, and sends digests and reminders so progress does not wait for the next meeting."
)


def register(application: Application) -> None:
    """Add /start and /help."""
    add_commands(application, *((command, show_help) for command in COMMANDS))


async def show_help(update: Update, context: AccordContext) -> None:
    """Answer /start and /help with text that fits a private chat or a group."""
    chat = update.effective_chat
    message = update.effective_message
    if chat is None or message is None:
        return
    asked = (message.text or "").split()[1:2]
    if asked:
        await message.reply_text(command_help(context, asked[0]))
        return
    if chat.type == Chat.PRIVATE:
        await message.reply_text(private_help(context))
        return
    coordinator = is_anonymous_admin(update) or (
        update.effective_user is not None
        and await is_coordinator(context, chat, update.effective_user.id)
    )
    await message.reply_text(group_guide(context, chat.title, coordinator))


def _command_lines(commands: list[CommandInfo]) -> str:
    return "\n".join(
        f"{html.escape(c.example)} — {html.escape(c.description)}"
        + (" <i>(coordinators)</i>" if c.coordinators_only else "")
        for c in commands
    )


def command_help(context: AccordContext, name: str) -> str:
    """``/help <command>``: what one command does, how to write it, examples, who may use
    it and where (usage from register/usage.py, the rest from the catalogue)."""
    wanted = name.lstrip("/").split("@")[0].lower()
    catalogue = catalogue_of(context.application)
    command = catalogue.get(wanted)
    if command is None:
        known = ", ".join(f"/{c.name}" for c in catalogue.all())
        return f"There is no command /{html.escape(wanted[:32])}. Commands: {known}"
    where = (
        "in groups and in a private chat with me"
        if command.in_groups and command.in_private
        else "in your partnership's group"
        if command.in_groups
        else "in a private chat with me"
    )
    usage = USAGE.get(command.name)
    who = usage.who if usage else "coordinators" if command.coordinators_only else "anyone"
    more = usage.examples if usage else ()
    examples = [command.example, *(e for e in more if e != command.example)]
    lines = [f"<b>/{command.name}</b> — {html.escape(command.description)}"]
    if usage:
        lines.append(f"Usage: {html.escape(usage.syntax[0])}")
        lines.extend(html.escape(form) for form in usage.syntax[1:])
    lines.extend(f"Example: {html.escape(example)}" for example in examples)
    lines.append(f"Who: {html.escape(who)}; where: {where}.")
    return "\n".join(lines)


def private_help(context: AccordContext) -> str:
    """Help for a private chat: what Accord does, then every command usable here."""
    commands = catalogue_of(context.application).for_private()
    return (
        f"{INTRO}\n\n"
        "Add me to your partnership's group to use me there; here you can talk to me "
        "on your own.\n\n"
        f"<b>Commands</b>\n{_command_lines(commands)}"
    )


def group_guide(context: AccordContext, title: str | None, coordinator: bool) -> str:
    """For a coordinator, a short set-up guide and every command; for anyone else, the
    commands they can use and who to ask for the rest."""
    commands = catalogue_of(context.application).for_groups()
    name = html.escape(title) if title else "this group"
    if not coordinator:
        own = [c for c in commands if not c.coordinators_only]
        return (
            f"<b>Accord in {name}</b>\n"
            "I answer questions on partnership working and keep the register of who owns "
            "which action. The group's admins coordinate: they assign actions to others and "
            "set up partners and nudges.\n\n"
            f"<b>Commands</b>\n{_command_lines(own)}"
        )
    return (
        f"<b>Accord is set up in {name}.</b>\n\n"
        "<b>For coordinators</b>\n"
        "1. The group's creator and administrators are Accord's coordinators.\n"
        "2. Telegram's privacy mode can stay on: I only need commands, replies to my "
        "messages and messages that mention me.\n"
        "3. Add the partner organisations (/partner add City Council) and ask each person "
        "to /join theirs, so actions are attributed to organisations.\n"
        "4. Ask each partner to send /start to me in a private chat once, so I can "
        "remind them directly instead of mentioning them here.\n"
        "5. A digest goes out every Monday at 09:00 unless you change it: see /nudges.\n\n"
        f"<b>Commands</b>\n{_command_lines(commands)}"
    )
