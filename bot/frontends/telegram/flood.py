"""One chat sending far too fast is slowed down, politely and once, without touching anyone else.

Why and how: docs/telegram.md, under "bot/frontends/telegram/flood.py"."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Verdict = Literal["ok", "warn", "drop"]

CAPACITY = 20
PER_SECOND = 1.0
CHECKS_PER_EPISODE = 20


@dataclass
class _Bucket:
    tokens: float
    at: float
    throttled: bool = False
    warned: bool = False
    checks: int = 0
    safety_passed: bool = False


class FloodGuard:
    """Per-chat token buckets; ``check(chat_id)`` for each incoming message, in arrival order."""

    def __init__(self, capacity: int = CAPACITY, per_second: float = PER_SECOND, *,
                 monotonic: Callable[[], float] = time.monotonic, max_chats: int = 10_000,
                 checks_per_episode: int = CHECKS_PER_EPISODE) -> None:
        if capacity < 1 or per_second <= 0:
            raise ValueError("capacity must be at least 1 and per_second above 0")
        self.capacity = float(capacity)
        self.per_second = per_second
        self.max_chats = max_chats
        self.checks_per_episode = checks_per_episode
        self._now = monotonic
        self._buckets: dict[int, _Bucket] = {}

    def check(self, chat_id: int) -> Verdict:
        """``ok``: handle it; ``warn``: set it aside and say ``slow_down``; ``drop``: set it aside."""
        bucket = self._refilled(chat_id)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return "ok"
        bucket.throttled = True
        if bucket.warned:
            return "drop"
        bucket.warned = True
        return "warn"

    def warn_later(self, chat_id: int) -> None:
        """The message that was to carry the warning went through (a crisis): warn on the next."""
        bucket = self._buckets.get(chat_id)
        if bucket is not None:
            bucket.warned = False

    def may_check(self, chat_id: int) -> bool:
        """Whether a set-aside message may still be read by the safety check in this episode."""
        bucket = self._buckets.get(chat_id)
        if bucket is None or bucket.safety_passed or bucket.checks >= self.checks_per_episode:
            return False
        bucket.checks += 1
        return True

    def safety_pass(self, chat_id: int) -> None:
        """A set-aside message was a crisis (or /help): it goes through, once per episode."""
        bucket = self._buckets.get(chat_id)
        if bucket is not None:
            bucket.safety_passed = True

    def throttled(self, chat_id: int) -> bool:
        bucket = self._buckets.get(chat_id)
        return bucket is not None and bucket.throttled

    def __len__(self) -> int:
        return len(self._buckets)

    def _refilled(self, chat_id: int) -> _Bucket:
        now = self._now()
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            if len(self._buckets) >= self.max_chats:
                self._forget_calm(now)
            bucket = self._buckets[chat_id] = _Bucket(self.capacity, now)
            return bucket
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.per_second)
        bucket.at = now
        if bucket.tokens >= self.capacity and bucket.throttled:  # calm again: the episode is over
            bucket.throttled, bucket.warned, bucket.checks, bucket.safety_passed = False, False, 0, False
        return bucket

    def _forget_calm(self, now: float) -> None:
        """Drops chats whose bucket has filled up again: they are as if never seen."""
        full = [chat for chat, b in self._buckets.items()
                if b.tokens + (now - b.at) * self.per_second >= self.capacity]
        for chat in full:
            del self._buckets[chat]
