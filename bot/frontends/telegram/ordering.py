"""Updates from different chats run side by side; updates from one chat run one at a time, in order.

Why and how: docs/telegram.md, under "bot/frontends/telegram/ordering.py"."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (the person, for a press on a message that is gone)."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class PerChatOrder(BaseUpdateProcessor):
    """Concurrent across chats, sequential within a chat."""

    def __init__(self, max_concurrent: int = 512, max_per_chat: int = 32,
                 urgent: Callable[[Update], bool] | None = None) -> None:
        super().__init__(max_concurrent)
        self.max_per_chat = max_per_chat
        self._urgent = urgent or (lambda update: False)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._dropping: set[int] = set()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        if self._waiting.get(key, 0) >= self.max_per_chat and not self._is_urgent(update):
            if key not in self._dropping:
                self._dropping.add(key)
                log.warning("a chat sent more than %d updates at once; dropping the excess", self.max_per_chat)
            close = getattr(coroutine, "close", None)
            if close:
                close()
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]
                self._dropping.discard(key)

    def _is_urgent(self, update: object) -> bool:
        return isinstance(update, Update) and self._urgent(update)

    def waiting(self, chat_id: int) -> int:
        """Updates of this chat being handled or waiting their turn."""
        return self._waiting.get(chat_id, 0)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
