"""Front ends: thin adapters from a transport (terminal, Telegram) to ``Conversations``."""
