"""Storage: one SQLite file, the minimum about each chat, never the text of a message."""

from bot.store.db import Store

__all__ = ["Store"]
