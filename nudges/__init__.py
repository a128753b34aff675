"""Nudges: schedules, what digests and reminders say, and the engine that sends them.

No Telegram here: the engine sends through an ``Outbox`` that handlers provide."""
