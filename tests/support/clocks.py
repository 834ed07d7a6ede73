"""Test clocks: time that moves only when a test (or something sleeping on it) moves it."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta


class FixedClock:
    """A clock that only moves when told to: deterministic tests without waiting."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment


class SteppedTime:
    """A monotonic clock (seconds) that moves only when something sleeps on it.

    Given to the daily dispatcher's rate limiter in tests and benchmarks, so an hour of paced
    sending runs in moments and deterministically.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)
