"""Telegram-facing handlers, one module per feature, each with ``register(application)``."""

from __future__ import annotations

from telegram.ext import Application

from handlers import errors, fallback, start, tracking

# The fallback answers what the features before it did not take.
FEATURES = (tracking, start, fallback, errors)


def register_all(application: Application) -> None:
    """Register every feature's handlers on ``application``."""
    for feature in FEATURES:
        feature.register(application)
