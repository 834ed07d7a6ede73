"""10,000 people due in the same minute: sent at the configured rate (measured on the fake clock),
never faster than the bucket allows, while people chatting with Feather are answered meanwhile."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from pathlib import Path

from bot.app import build_conversations
from bot.config import Settings
from bot.daily import order
from bot.daily.dispatcher import Dispatcher
from bot.daily.repository import DailyRepository
from bot.daily.schedule import to_db
from bot.store import Store
from tests.daily.kit import FakeTime, RecordingSender, open_store, real_core, run, utc
from tests.support.clocks import FixedClock

DUE = utc(2026, 1, 5, 8, 0)


def add_subscribers(store: Store, count: int, due: datetime = DUE, first_chat: int = 1) -> None:
    """``count`` people at 08:00 London, all due at ``due`` (written directly: quicker than the flow)."""
    stamp = to_db(utc(2026, 1, 1, 12, 0))
    rows = [(chat, "08:00", "Europe/London", to_db(due), order.new_seed(), stamp, stamp)
            for chat in range(first_chat, first_chat + count)]
    with store.transaction() as db:
        db.executemany(
            """INSERT INTO daily_subscriptions (chat_id, local_time, timezone, next_send_utc, seed,
                   created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)""", rows)


def busiest_second(times: list[float]) -> int:
    """The most sends in any window of one second."""
    times = sorted(times)
    most, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def test_ten_thousand_due_at_once_at_25_per_second_while_conversations_are_answered(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    add_subscribers(store, 10_000)
    core = real_core()
    conversations = build_conversations(core, store, FixedClock(DUE))
    clock = FakeTime(0.0)
    sender = RecordingSender(clock)
    settings = Settings.from_env(env={}, dotenv=tmp_path / "none.env")
    dispatcher = Dispatcher(DailyRepository(store), core.content, sender, rate=settings.daily_rate,
                            monotonic=clock.monotonic, sleep=clock.sleep)

    async def scenario():  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        batch = asyncio.create_task(dispatcher.dispatch_due(DUE))
        turns = []
        for k in range(1, 11):  # ten people write to Feather at different points of the batch
            while len(sender.sent) < k * 900 and not batch.done():
                await asyncio.sleep(0)
            sent_before, fake_before, wall_before = len(sender.sent), clock.now, time.perf_counter()
            # As the Telegram handlers do: the synchronous turn in a worker thread.
            reply = await asyncio.to_thread(conversations.handle_text, 500_000 + k, "/daily")
            turns.append((sent_before, len(sender.sent), clock.now - fake_before, time.perf_counter() - wall_before,
                          reply))
        stats = await batch
        return stats, turns, time.perf_counter() - started

    stats, turns, wall = run(scenario())
    assert stats.sent == 10_000 and stats.claimed == 10_000
    simulated = stats.duration
    expected = 10_000 / settings.daily_rate  # 400 s at the default 25/s
    assert abs(simulated - expected) / expected < 0.01, simulated
    assert busiest_second([s.at for s in sender.sent]) <= settings.daily_rate + dispatcher.limiter.capacity
    assert len({s.chat_id for s in sender.sent}) == 10_000
    for _sent_before, sent_after, _fake_waited, wall_waited, reply in turns:
        assert reply[0].text == core.content.messages["daily_intro"][0]
        assert sent_after < 10_000  # answered while the batch was still going
        assert wall_waited < 1.0  # and did not wait for it
    print(f"\n10,000 reflections: {simulated:.1f} s simulated at {settings.daily_rate:.0f}/s "
          f"({10_000 / simulated:.2f}/s achieved), {wall:.1f} s real; reply waits "
          f"{max(t[3] for t in turns) * 1000:.0f} ms at most")


def test_the_rate_is_configurable(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    add_subscribers(store, 2_000)
    settings = Settings.from_env(env={"FEATHER_DAILY_RATE": "50"}, dotenv=tmp_path / "none.env")
    clock = FakeTime(0.0)
    sender = RecordingSender(clock)
    dispatcher = Dispatcher(DailyRepository(store), real_core().content, sender, rate=settings.daily_rate,
                            monotonic=clock.monotonic, sleep=clock.sleep)
    stats = run(dispatcher.dispatch_due(DUE))
    assert stats.sent == 2_000
    assert abs(stats.duration - 2_000 / 50) / (2_000 / 50) < 0.01
    assert busiest_second([s.at for s in sender.sent]) <= 50 + dispatcher.limiter.capacity


def test_one_chat_gets_at_most_one_message_a_second(tmp_path: Path) -> None:
    from bot.daily.ratelimit import RateLimiter

    clock = FakeTime(0.0)
    limiter = RateLimiter(1000, monotonic=clock.monotonic, sleep=clock.sleep)

    async def five_to_one_chat() -> list[float]:
        return [await limiter.acquire(7) for _ in range(5)]

    moments = run(five_to_one_chat())
    assert [round(b - a, 6) for a, b in zip(moments, moments[1:], strict=False)] == [1.0] * 4
