"""Shared helpers for the daily-reflection tests: a fake monotonic clock, a recording sender,
the real content loaded once, and a dispatcher wired to both.

Nothing here waits on real time: ``FakeTime.sleep`` moves the fake clock and yields to the loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time
from pathlib import Path

from bot.content.model import Content, Reflection
from bot.content.yamlsrc import Where
from bot.daily.dispatcher import Dispatcher, SendResult
from bot.daily.repository import DailyRepository
from bot.engine.types import OutMessage
from bot.store import Store
from tests.feather_testkit import real_core
from tests.support.clocks import SteppedTime

UTC = UTC


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)




def small_content(count: int = 5, base: Content | None = None) -> Content:
    """The real content with ``count`` made-up reflections r1..rN (for order tests)."""
    content = base or real_core().content
    made = tuple(Reflection(f"r{i}", f"Reflection number {i}.", None, Where("test", i)) for i in range(1, count + 1))
    return replace(content, reflections=made)


FakeTime = SteppedTime
"""The daily tests' name for :class:`tests.support.clocks.SteppedTime`."""


@dataclass
class Sent:
    chat_id: int
    text: str
    at: float


@dataclass
class RecordingSender:
    """The dispatcher's sender: records every send (with fake time); scripted answers per chat."""

    clock: FakeTime | None = None
    script: dict[int, list[SendResult]] = field(default_factory=dict)
    default: SendResult = field(default_factory=SendResult.ok)
    sent: list[Sent] = field(default_factory=list)
    attempts: list[tuple[int, float]] = field(default_factory=list)
    on_send: Callable[[int], None] | None = None

    async def __call__(self, chat_id: int, messages: list[OutMessage]) -> SendResult:
        at = self.clock.now if self.clock else 0.0
        self.attempts.append((chat_id, at))
        if self.on_send:
            self.on_send(chat_id)
        queued = self.script.get(chat_id)
        result = queued.pop(0) if queued else self.default
        if result.kind == "ok":
            self.sent.extend(Sent(chat_id, m.text, at) for m in messages)
        return result

    def chats(self) -> list[int]:
        return [s.chat_id for s in self.sent]


def make_dispatcher(store: Store, content: Content | None = None, sender: RecordingSender | None = None,
                    rate: float = 1000.0, clock: FakeTime | None = None,
                    **options) -> tuple[Dispatcher, RecordingSender, FakeTime]:
    clock = clock or FakeTime()
    sender = sender or RecordingSender(clock)
    dispatcher = Dispatcher(DailyRepository(store), content or real_core().content, sender, rate=rate,
                            monotonic=clock.monotonic, sleep=clock.sleep, **options)
    return dispatcher, sender, clock


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def open_store(tmp_path: Path, name: str = "feather.sqlite3") -> Store:
    return Store(tmp_path / name)


def at(hour: int, minute: int = 0) -> time:
    return time(hour, minute)
