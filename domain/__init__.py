"""Accord's shared vocabulary: the types storage and every feature use (actions,
statuses, due dates, recurrences, schedules), with no dependency on any of them."""
