"""Telegram-facing handlers, one module per feature, each with ``register(application)``."""

from __future__ import annotations

from telegram import Update
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

# The update types these handlers take: polling and the webhook ask Telegram for these
# only (``allowed_updates``), so it sends nothing Accord would drop. ``chat_member``
# comes only when asked for. A handler for another kind (inline queries, reactions...)
# needs its type here: tests/test_webhook.py checks this against the handlers.
UPDATE_TYPES = (
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    Update.CHAT_MEMBER,
)


def register_all(application: Application) -> None:
    """Register every feature's handlers on ``application``."""
    for feature in FEATURES:
        feature.register(application)
