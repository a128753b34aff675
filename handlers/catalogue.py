"""The commands Accord offers: one list feeds /help, Telegram's command menu and the
command handlers, so how a command treats edits and floods is decided in one place."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.ext import Application, CommandHandler, filters

from app.context import AccordContext
from handlers.common import Handler, once_per_message, reply, throttled
from storage.lru import LruDict

EDIT_NOTICE = "Edits don't run commands again: send it as a new message."
EDITS_TOLD = 10_000  # edited messages remembered as told (a few edits each get one notice)


@dataclass(frozen=True)
class CommandInfo:
    """One command: its name, one-line description, an example and where it works.

    ``writes``: it changes the register or posts to the group on request, so its changes
    count against the sender's rate limit (refusals give their token back) and an edit of
    the message does not run it again (the editor is told so, once).
    ``on_edit``: whether an edited message runs it again; by default only commands that
    do not write answer edits (a corrected ``/who fundng`` gets its answer).
    ``repeat_safe``: a writing command that recognises a redelivered message itself;
    others run at most once per message.
    ``bare_reads``: the command with no arguments only shows something (``/nudges``), so
    it is not counted against the rate limit.
    """

    name: str
    description: str
    example: str
    in_private: bool = True
    in_groups: bool = True
    coordinators_only: bool = False
    writes: bool = False
    on_edit: bool | None = None
    repeat_safe: bool = False
    bare_reads: bool = False

    @property
    def answers_edits(self) -> bool:
        """Whether an edited message runs the command again."""
        return not self.writes if self.on_edit is None else self.on_edit


class CommandCatalogue:
    """The commands that handler modules register, in the order they were added."""

    def __init__(self) -> None:
        self._commands: dict[str, CommandInfo] = {}

    def add(self, *commands: CommandInfo) -> None:
        """Record commands; a name may be offered only once."""
        for command in commands:
            if command.name in self._commands:
                raise ValueError(f"/{command.name} is registered twice")
            self._commands[command.name] = command

    def get(self, name: str) -> CommandInfo | None:
        """The command called ``name``, if there is one."""
        return self._commands.get(name)

    def all(self) -> list[CommandInfo]:
        """Every command, in the order they were added."""
        return list(self._commands.values())

    def for_private(self) -> list[CommandInfo]:
        """Commands that work in a private chat with the bot."""
        return [command for command in self._commands.values() if command.in_private]

    def for_groups(self) -> list[CommandInfo]:
        """Commands that work in a group."""
        return [command for command in self._commands.values() if command.in_groups]


CATALOGUE_KEY = "accord.commands"


def catalogue_of(application: Application) -> CommandCatalogue:
    """The application's command catalogue, created on first use."""
    return application.bot_data.setdefault(CATALOGUE_KEY, CommandCatalogue())


def command_handler(command: CommandInfo, callback: Handler) -> CommandHandler:
    """The handler for ``command``: edits, redeliveries and rate limits as its entry says."""
    kinds = filters.UpdateType.MESSAGES if command.answers_edits else filters.UpdateType.MESSAGE
    if command.writes and not command.repeat_safe:
        callback = once_per_message(callback)
    if command.writes:
        callback = throttled(callback, bare_reads=command.bare_reads)
    return CommandHandler(command.name, callback, filters=kinds)


async def edit_notice(update: Update, context: AccordContext) -> None:
    """An edited command that does not run again says so, once per edited message:
    otherwise the person thinks the correction was taken."""
    message = update.edited_message
    if message is None:
        return
    told: LruDict[tuple[int, int], bool] = context.bot_data.setdefault(
        "accord.edits_told", LruDict(EDITS_TOLD)
    )
    key = (message.chat_id, message.message_id)
    if key not in told:
        told[key] = True
        await reply(update, EDIT_NOTICE)


def add_commands(application: Application, *entries: tuple[CommandInfo, Handler]) -> None:
    """List each command in the catalogue and register its handler (and, for one that
    ignores edits, the notice an edit gets)."""
    catalogue = catalogue_of(application)
    for command, callback in entries:
        catalogue.add(command)
        application.add_handler(command_handler(command, callback))
        if not command.answers_edits:
            edited = filters.UpdateType.EDITED_MESSAGE
            application.add_handler(CommandHandler(command.name, edit_notice, filters=edited))


async def publish_commands(application: Application) -> None:
    """Register the command menus with Telegram (setMyCommands), per chat scope."""
    catalogue = catalogue_of(application)
    private = [BotCommand(c.name, c.description) for c in catalogue.for_private()]
    groups = [BotCommand(c.name, c.description) for c in catalogue.for_groups()]
    await application.bot.set_my_commands(private)
    await application.bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats())
    await application.bot.set_my_commands(groups, scope=BotCommandScopeAllGroupChats())
