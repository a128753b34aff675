"""Guidance: the knowledge base and answering partners questions from it; no Telegram here."""
