"""Storage: one SQLite file, the minimum about each chat, never the text of a message."""

from bot.store.backup import Copied, backup, check_backup, restore
from bot.store.db import Store
from bot.store.paths import StorePathError

__all__ = ["Copied", "Store", "StorePathError", "backup", "check_backup", "restore"]
