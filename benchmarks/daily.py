"""Daily sending: everyone due in the same minute, at Telegram's 30 messages/s and with no limit.

The real dispatcher (bot/daily/dispatcher.py) on a real SQLite store of N subscribers all due at
the same moment, with a sender that accepts every message at once (a Telegram with no network),
so what is measured is the scheduler: claiming in SQLite, choosing each person's reflection,
composing it, pacing.

* At 30 messages/s, 100,000 sends take 55 minutes of real time, so these runs use the
  dispatcher's injectable clock (``monotonic``/``sleep``): the limiter waits on a simulated
  clock that jumps instead of sleeping. The achieved rate is sends over *simulated* seconds,
  as a fraction of the configured 30/s. All the work is real; only the waiting is skipped.
* Lifted: a limiter of 10^9 messages/s on the real clock, with the batch size and the number of
  concurrent senders the dispatcher uses at 30/s, so the run shows how fast the scheduler itself
  can go (real messages per second).

Meanwhile people keep writing to Feather: one new person after another sends a labelled message
and gets the reply through ``Conversations.handle_text`` in a worker thread, exactly as the
Telegram handlers run a turn, on the same store. Their reply latency (real time) is measured for
the turns that start while the batch is running.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import labelled, log, percentile
from bot.app import Core, build_conversations
from bot.daily import order
from bot.daily.dispatcher import Dispatcher, SendResult
from bot.daily.ratelimit import RateLimiter
from bot.daily.repository import DailyRepository
from bot.daily.schedule import to_db
from bot.engine.types import OutMessage
from bot.store import Store
from tests.support.clocks import FixedClock, SteppedTime

DUE = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TELEGRAM_RATE = 30.0
LIFTED_RATE = 1e9
CHATTER_GAP = 0.01
"""Real seconds between one person's reply and the next person's message."""


@dataclass
class InstantSender:
    """Accepts every message at once (Telegram with no network); counts them."""

    sent: int = 0
    chats: set[int] = field(default_factory=set)

    async def __call__(self, chat_id: int, messages: list[OutMessage]) -> SendResult:
        self.sent += 1
        self.chats.add(chat_id)
        return SendResult.ok()


def make_template(path: Path, count: int) -> Path:
    """``count`` people at 08:00 London, all due at ``DUE`` (written directly into the store)."""
    store = Store(path)
    stamp = to_db(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    rows = [(chat, "08:00", "Europe/London", to_db(DUE), order.new_seed(), stamp, stamp)
            for chat in range(1, count + 1)]
    with store.transaction() as db:
        db.executemany(
            """INSERT INTO daily_subscriptions (chat_id, local_time, timezone, next_send_utc, seed,
                   created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)""", rows)
    store.query("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


async def _chatter(conversations, running: asyncio.Event, done: asyncio.Event,  # type: ignore[no-untyped-def]
                   latencies: list[float], first_chat: int) -> None:
    """New people write one after another while the batch runs; each reply's real latency."""
    texts = [item["text"] for item in labelled()]
    index = 0
    await running.wait()
    while not done.is_set():
        chat = first_chat + index
        text = f"{texts[index % len(texts)]} {index % 9_973 + 17}"
        started = time.perf_counter()
        await asyncio.to_thread(conversations.handle_text, chat, text)
        if not done.is_set():
            latencies.append(time.perf_counter() - started)
        index += 1
        await asyncio.sleep(CHATTER_GAP)


def one_run(core: Core, template: Path, workdir: Path, simulated: bool, tag: str) -> dict[str, float]:
    path = workdir / f"daily-{tag}.sqlite3"
    shutil.copyfile(template, path)
    store = Store(path)
    clock = FixedClock(DUE)
    conversations = build_conversations(core, store, clock)
    sender = InstantSender()
    if simulated:
        fake = SteppedTime(0.0)
        dispatcher = Dispatcher(DailyRepository(store), core.content, sender, rate=TELEGRAM_RATE,
                                monotonic=fake.monotonic, sleep=fake.sleep)
    else:
        # The batch size and senders of a 30/s dispatcher, with the limit itself lifted.
        reference = Dispatcher(DailyRepository(store), core.content, sender, rate=TELEGRAM_RATE)
        dispatcher = Dispatcher(DailyRepository(store), core.content, sender,
                                limiter=RateLimiter(LIFTED_RATE), batch_size=reference.batch_size,
                                workers=reference.workers)
    latencies: list[float] = []

    async def scenario():  # type: ignore[no-untyped-def]
        running, done = asyncio.Event(), asyncio.Event()
        chatter = asyncio.create_task(_chatter(conversations, running, done, latencies, 90_000_000))
        started = time.perf_counter()
        batch = asyncio.create_task(dispatcher.dispatch_due(DUE))
        running.set()
        stats = await batch
        wall = time.perf_counter() - started
        done.set()
        await chatter
        return stats, wall

    try:
        stats, wall = asyncio.run(scenario())
    finally:
        store.close()
        path.unlink(missing_ok=True)
    if stats.sent != stats.claimed or len(sender.chats) != stats.sent:
        raise RuntimeError(f"daily run {tag}: {stats}")
    figures = {
        "sent": stats.sent,
        "real_seconds": wall,
        "real_rate": stats.sent / wall,
        "reply_p50_ms": percentile(latencies, 50) * 1e3,
        "reply_p99_ms": percentile(latencies, 99) * 1e3,
        "reply_max_ms": max(latencies, default=0.0) * 1e3,
        "replies": len(latencies),
    }
    if simulated:
        figures["simulated_seconds"] = stats.duration
        figures["simulated_rate"] = stats.sent / stats.duration
        figures["fraction_of_limit"] = figures["simulated_rate"] / TELEGRAM_RATE
    return figures


def run(core: Core, sizes: tuple[int, ...] = (10_000, 100_000), repeats: int = 3) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="feather-daily-"))
    results: dict = {"sizes": list(sizes), "rate": TELEGRAM_RATE, "runs": {}}
    try:
        for size in sizes:
            template = make_template(workdir / f"template-{size}.sqlite3", size)
            for mode, simulated in (("limited", True), ("lifted", False)):
                runs = []
                for index in range(repeats):
                    log(f"daily: {size:,} subscribers, {mode}, repeat {index + 1}/{repeats}")
                    runs.append(one_run(core, template, workdir, simulated, f"{size}-{mode}-{index}"))
                results["runs"][f"{size}-{mode}"] = runs
            template.unlink()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return results
