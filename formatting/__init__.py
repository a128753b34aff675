"""Text for Telegram: HTML escaping and clipping, and long messages split to fit."""
