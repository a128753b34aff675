"""The callback context every Accord handler receives."""

from __future__ import annotations

from telegram.ext import Application, CallbackContext, ExtBot

from app.services import Services

SERVICES_KEY = "accord.services"


class AccordContext(CallbackContext[ExtBot, dict, dict, dict]):
    """PTB's context plus ``services``: settings, clock and repositories."""

    @property
    def services(self) -> Services:
        """The application's services."""
        return self.application.bot_data[SERVICES_KEY]


def services_of(application: Application) -> Services:
    """The services stored on ``application`` by ``build_application``."""
    return application.bot_data[SERVICES_KEY]
