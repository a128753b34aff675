"""The partnership's charter (goals, roles, decisions), free of Telegram."""
