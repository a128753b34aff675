"""Charts as PNG bytes from plain data (no Telegram here); matplotlib is imported lazily."""
