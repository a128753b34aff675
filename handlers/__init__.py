"""Telegram-facing handlers, one module per feature, each with ``register(application)``."""

from __future__ import annotations

from telegram.ext import Application

from handlers import (
    action_buttons,
    actions,
    coordinators,
    decisions,
    errors,
    export,
    fallback,
    faq,
    goals,
    guidance,
    membership,
    names,
    nudges,
    pages,
    partners,
    roles,
    start,
    tracking,
)

# Order matters: /help lists commands in this order, and the fallback answers only
# what every feature before it passed over.
FEATURES = (
    tracking,
    start,
    actions,
    action_buttons,
    names,
    partners,
    coordinators,
    goals,
    roles,
    decisions,
    export,
    nudges,
    faq,
    guidance,
    membership,
    pages,
    fallback,
    errors,
)


def register_all(application: Application) -> None:
    """Register every feature's handlers on ``application``."""
    for feature in FEATURES:
        feature.register(application)
