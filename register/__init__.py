"""The responsibility register: who owns which action, by when; no Telegram here."""
