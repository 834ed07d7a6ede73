"""Pacing for proactive messages: a token bucket overall, at most one message a second per chat, and
a shared pause when Telegram says "retry after N seconds".

Time is injected (``monotonic`` and an async ``sleep``), so tests run on a fake clock and never
wait. Waiting is serialised under one lock: senders queue in order and only the head waits, which
keeps the bucket exact and lets a fake clock advance one wait at a time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

_EPSILON = 1e-6
"""Waits shorter than this count as none (float rounding must never leave a sender spinning)."""
PER_CHAT_INTERVAL = 1.0
"""Telegram asks bots to send at most about one message a second to the same chat."""


class RateLimiter:
    def __init__(
        self,
        rate: float,
        burst: float | None = None,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.capacity = float(burst if burst is not None else max(1.0, rate / 5))
        self.per_chat_interval = per_chat_interval
        self._time = monotonic
        self._sleep = sleep
        self._tokens = self.capacity
        self._stamp = monotonic()
        self._paused_until = float("-inf")
        self._last_send: dict[int, float] = {}
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    def pause(self, seconds: float) -> None:
        """Nobody sends for ``seconds`` from now (Telegram's RetryAfter applies to the whole bot)."""
        self._paused_until = max(self._paused_until, self._time() + max(0.0, seconds))

    @property
    def paused_until(self) -> float:
        return self._paused_until

    def _refill(self, now: float) -> None:
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    async def acquire(self, chat_id: int) -> float:
        """Wait for a send slot for ``chat_id``; returns the moment (monotonic) the slot was given."""
        async with self._queue():
            while True:
                now = self._time()
                self._refill(now)
                wait = max(
                    self._paused_until - now,
                    self._last_send.get(chat_id, float("-inf")) + self.per_chat_interval - now,
                    (1.0 - self._tokens) / self.rate,
                )
                if wait <= _EPSILON:
                    self._tokens = max(0.0, self._tokens - 1.0)
                    self._remember(chat_id, now)
                    return now
                await self._sleep(max(wait, _EPSILON))

    def _queue(self) -> asyncio.Lock:
        """The lock senders queue on, one per event loop (a dispatcher may outlive a loop in tests)."""
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    def _remember(self, chat_id: int, now: float) -> None:
        self._last_send[chat_id] = now
        if len(self._last_send) > max(4096, 2 * self.rate * self.per_chat_interval):
            horizon = now - self.per_chat_interval
            self._last_send = {c: t for c, t in self._last_send.items() if t > horizon}
