"""A local stand-in for Telegram: the in-memory world, its transport and an HTTP server."""
