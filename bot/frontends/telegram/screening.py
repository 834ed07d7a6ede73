"""One safety check per incoming text, shared by the per-chat ordering, the flood guard and the
engine: whoever needs the result first computes it, the others read it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from telegram import Update

from bot.safety import SafetyResult

URGENT = ("crisis", "medical")
"""Safety levels that are never dropped or held back."""
_KEPT = 4096
"""Results kept for updates still on their way; an update that never reaches a handler
(dropped, or from a group) only ages out."""


class Screening:
    def __init__(self, assess: Callable[[str], SafetyResult]) -> None:
        self._assess = assess
        self._results: OrderedDict[int, SafetyResult] = OrderedDict()
        self._guard = threading.Lock()  # the flood guard reads from a worker thread

    def of(self, update: Update) -> SafetyResult | None:
        """The safety result of the update's text (None without a text), computed once."""
        message = update.message
        if message is None or not message.text:
            return None
        with self._guard:
            result = self._results.get(update.update_id)
        if result is None:
            result = self._assess(message.text)
            with self._guard:
                self._results[update.update_id] = result
                while len(self._results) > _KEPT:
                    self._results.popitem(last=False)
        return result

    def known(self, update: Update) -> SafetyResult | None:
        """The result if someone already computed it, without computing it."""
        with self._guard:
            return self._results.get(update.update_id)

    def forget(self, update: Update) -> None:
        with self._guard:
            self._results.pop(update.update_id, None)

    def is_urgent(self, update: object) -> bool:
        if not isinstance(update, Update):
            return False
        result = self.of(update)
        return result is not None and result.level in URGENT
