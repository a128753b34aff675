"""The commands Accord offers: one list feeds /help and Telegram's command menu."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.ext import Application


@dataclass(frozen=True)
class CommandInfo:
    """One command: its name, one-line description, an example and where it works."""

    name: str
    description: str
    example: str
    in_private: bool = True
    in_groups: bool = True
    coordinators_only: bool = False


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


async def publish_commands(application: Application) -> None:
    """Register the command menus with Telegram (setMyCommands), per chat scope."""
    catalogue = catalogue_of(application)
    private = [BotCommand(c.name, c.description) for c in catalogue.for_private()]
    groups = [BotCommand(c.name, c.description) for c in catalogue.for_groups()]
    await application.bot.set_my_commands(private)
    await application.bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats())
    await application.bot.set_my_commands(groups, scope=BotCommandScopeAllGroupChats())
