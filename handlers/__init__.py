"""Telegram-facing handlers, one module per feature, each with ``register(application)``."""

from __future__ import annotations

from telegram.ext import Application

from handlers import (
    action_buttons,
    actions,
    coordinators,
    decisions,
    deep_links,
    errors,
    export,
    fallback,
    faq,
    goals,
    guidance,
    healthcheck,
    membership,
    names,
    nudges,
    pages,
    partners,
    progress,
    roles,
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
    goals,
    roles,
    decisions,
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
