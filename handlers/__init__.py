"""Telegram-facing handlers, one module per feature, each with ``register(application)``."""

from __future__ import annotations

from telegram.ext import Application

from handlers import (
    action_buttons,
    actions,
    coordinators,
    deep_links,
    errors,
    export,
    fallback,
    faq,
    guidance,
    healthcheck,
    membership,
    names,
    nudges,
    pages,
    partners,
    progress,
    start,
    tracking,
)

# Order matters: /help lists commands in this order, and the fallback answers only
# what every feature before it passed over.
FEATURES = (
    tracking,
    deep_links,
    start,
    actions,
    action_buttons,
    names,
    partners,
    coordinators,
    export,
    progress,
    nudges,
    faq,
    healthcheck,
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
