"""The partnership health check: rounds, anonymous answers, results (no Telegram here)."""
