"""``/start <payload>`` links that open a private chat on something (before /start)."""

from __future__ import annotations

from handlers.healthcheck import register_deep_link as register

__all__ = ["register"]
