"""Waiting in tests for something to become true, never for a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.support.fake_bot_api import WAIT_SECONDS


def eventually(condition: Callable[[], object], what: str = "condition", timeout: float = WAIT_SECONDS) -> object:
    """``condition()``'s value as soon as it is truthy (checked every few ms); AssertionError naming
    ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.005)
    return value
