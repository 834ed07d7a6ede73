"""A safety detector compiled after start-up, in the background; a check asked for before it is
ready waits for it (nothing is ever let through unchecked)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from bot.safety.detector import SafetyDetector, SafetyResult


class Assessor(Protocol):
    def assess(self, text: str) -> SafetyResult: ...


class DeferredSafety:
    def __init__(self, build: Callable[[], SafetyDetector]) -> None:
        self._build = build
        self._detector: SafetyDetector | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Start compiling in a background thread (once)."""
        threading.Thread(target=self.detector, name="feather-safety", daemon=True).start()

    def detector(self) -> SafetyDetector:
        with self._lock:
            if self._detector is None:
                self._detector = self._build()
            return self._detector

    def assess(self, text: str) -> SafetyResult:
        detector = self._detector  # set once, never unset: no lock needed once it is there
        return (detector or self.detector()).assess(text)
