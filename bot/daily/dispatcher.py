"""The sending loop: one scheduler for everyone, transport-free.

Why and how: docs/daily.md, under "bot/daily/dispatcher.py". Other scheduled messages (the writing
course's prompts, ``Scheduled``) go through the same loop at the same pace, after the reflections,
each sent once."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from bot.clock import Clock
from bot.content.model import Content
from bot.daily.compose import reflection_message, reflections_by_id, special_keys
from bot.daily.ratelimit import RateLimiter
from bot.daily.repository import Claimed, DailyRepository, Job
from bot.engine.types import OutMessage

log = logging.getLogger(__name__)

DEFAULT_RATE = 25.0
FLOOD_RETRIES = 3
"""How often one message is retried after Telegram's RetryAfter before it waits for the 5-minute retry."""
POLL_SECONDS = 20.0
"""The loop looks for due sends at least this often (sooner when the next one is due sooner)."""


@dataclass(frozen=True)
class SendResult:
    kind: Literal["ok", "blocked", "retry_after", "error"]
    seconds: float = 0.0
    detail: str = ""

    @classmethod
    def ok(cls) -> SendResult:
        return cls("ok")

    @classmethod
    def blocked(cls, detail: str = "") -> SendResult:
        return cls("blocked", detail=detail)

    @classmethod
    def retry_after(cls, seconds: float) -> SendResult:
        return cls("retry_after", seconds=float(seconds))

    @classmethod
    def error(cls, detail: str = "") -> SendResult:
        return cls("error", detail=detail)


class Scheduled(Protocol):
    """Messages someone asked for at a time, sent by this loop at the reflections' pace."""

    def claim(self, now: datetime, limit: int) -> list[tuple[int, list[OutMessage]]]:
        """Up to ``limit`` chats' messages due at ``now``, each handed out once."""
        ...

    def next_due(self) -> datetime | None: ...


Sender = Callable[[int, list[OutMessage]], Awaitable[SendResult]]
"""Sends one chat's messages; never raises for Telegram's answers, reports them as a SendResult."""


@dataclass
class Stats:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    blocked: int = 0
    failed: int = 0
    flood_waits: int = 0
    batches: int = 0
    scheduled: int = 0
    """Other scheduled messages (writing prompts) sent."""
    started: float = 0.0
    finished: float = 0.0
    results: dict[str, int] = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return self.finished - self.started

    def __str__(self) -> str:
        return (f"claimed {self.claimed}, sent {self.sent}, skipped {self.skipped}, blocked {self.blocked}, "
                f"failed {self.failed}, flood waits {self.flood_waits}, scheduled {self.scheduled}, "
                f"{self.duration:.1f}s")


class Dispatcher:
    def __init__(
        self,
        repository: DailyRepository,
        content: Content,
        sender: Sender,
        *,
        rate: float = DEFAULT_RATE,
        limiter: RateLimiter | None = None,
        batch_size: int | None = None,
        workers: int | None = None,
        offload: bool = True,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        scheduled: Scheduled | None = None,
    ) -> None:
        self.repository = repository
        self.scheduled = scheduled
        self.content = content
        self.sender = sender
        self.limiter = limiter or RateLimiter(rate, monotonic=monotonic, sleep=sleep)
        rate = self.limiter.rate
        self.batch_size = batch_size or max(20, math.ceil(rate * 2))
        """About two seconds of sending: a crash loses at most this many claimed reflections."""
        self.workers = workers or max(1, min(64, math.ceil(rate)))
        """Sends in flight at once, so network latency does not cap the rate."""
        self.offload = offload
        self._time = monotonic
        self._reflections = reflections_by_id(content)
        self._ids = [r.id for r in content.reflections]

    async def next_due(self) -> datetime | None:
        """When the next reflection falls due (None: nobody is subscribed)."""
        result: datetime | None = await self._db(self.repository.next_due)
        if self.scheduled is not None:
            other: datetime | None = await self._db(self.scheduled.next_due)
            result = min(d for d in (result, other) if d is not None) if result or other else None
        return result

    async def _db(self, fn: Callable[..., Any], *args: Any) -> Any:
        """SQLite work off the event loop (each call is one short transaction)."""
        return await asyncio.to_thread(fn, *args) if self.offload else fn(*args)

    def message_for(self, job: Job) -> OutMessage | None:
        reflection = self._reflections.get(job.reflection_id)
        if reflection is None:
            return None
        return reflection_message(self.content, reflection, special_keys(job.slot, job.due_date, job.loss_date))

    async def dispatch_due(self, now: datetime) -> Stats:
        """Send everything due at ``now`` (batch by batch) and return what happened."""
        stats = Stats(started=self._time())
        while True:
            claimed = await self._claim(now)
            if not claimed.examined:
                break
            stats.batches += 1
            stats.claimed += len(claimed.jobs)
            stats.skipped += claimed.skipped
            blocked, failed = await self._send_batch(claimed.jobs, stats, now)
            await self._db(self.repository.settle, now, blocked, failed)
            if claimed.examined < self.batch_size:
                break
        if self.scheduled is not None:
            await self._send_scheduled(self.scheduled, now, stats)
        stats.finished = self._time()
        if stats.claimed or stats.skipped or stats.scheduled:
            log.info("daily reflections: %s", stats)
        return stats

    async def _send_scheduled(self, scheduled: Scheduled, now: datetime, stats: Stats) -> None:
        """The other scheduled messages due at ``now``, batch by batch, each sent once."""
        while True:
            due: list[tuple[int, list[OutMessage]]] = await self._db(scheduled.claim, now, self.batch_size)
            for chat_id, messages in due:
                await self.limiter.acquire(chat_id)
                try:
                    result = await self.sender(chat_id, messages)
                except Exception as exc:  # a sender should not raise
                    log.warning("scheduled send raised %s", type(exc).__name__)
                    result = SendResult.error(type(exc).__name__)
                stats.scheduled += result.kind == "ok"
                if result.kind == "retry_after":
                    self.limiter.pause(result.seconds)
            if len(due) < self.batch_size:
                break

    async def _claim(self, now: datetime) -> Claimed:
        """Claim a batch; if we are cancelled meanwhile, the claim still completes and is handed back
        for a retry, so a clean shutdown loses nothing."""
        task = asyncio.ensure_future(self._db(self.repository.claim_due, now, self._ids, self.batch_size))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            claimed = await task
            self.repository.settle(now, [], claimed.jobs)
            raise

    async def _send_batch(self, jobs: Sequence[Job], stats: Stats, now: datetime) -> tuple[list[int], list[Job]]:
        queue: deque[tuple[Job, int]] = deque((job, 0) for job in jobs)
        waiting: set[Job] = set()
        """Taken from the queue, not yet handed to the sender (waiting for the limiter)."""
        blocked: list[int] = []
        failed: list[Job] = []

        async def worker() -> None:
            while queue:
                job, attempt = queue.popleft()
                message = self.message_for(job)
                if message is None:
                    continue
                waiting.add(job)
                await self.limiter.acquire(job.chat_id)
                waiting.discard(job)
                try:
                    result = await self.sender(job.chat_id, [message])
                except Exception as exc:  # a sender should not raise; treat it as a failed send
                    log.warning("daily send raised %s", type(exc).__name__)
                    result = SendResult.error(type(exc).__name__)
                stats.results[result.kind] = stats.results.get(result.kind, 0) + 1
                if result.kind == "ok":
                    stats.sent += 1
                elif result.kind == "blocked":
                    stats.blocked += 1
                    blocked.append(job.chat_id)
                elif result.kind == "retry_after":
                    stats.flood_waits += 1
                    self.limiter.pause(result.seconds)
                    if attempt < FLOOD_RETRIES:
                        queue.append((job, attempt + 1))
                    else:
                        stats.failed += 1
                        failed.append(job)
                else:
                    stats.failed += 1
                    failed.append(job)

        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(min(self.workers, len(jobs))):
                    group.create_task(worker())
        except asyncio.CancelledError:
            # Shutting down: claimed reflections not yet handed to the sender are retried after the
            # restart (as failed sends); those already in flight are not (they may have arrived).
            unsent = [job for job, _ in queue] + list(waiting)
            self.repository.settle(now, blocked, failed + unsent)
            raise
        return blocked, failed


class DailyService:
    """Runs the dispatcher forever beside the conversation (a front end's background task)."""

    def __init__(self, dispatcher: Dispatcher, clock: Clock, poll: float = POLL_SECONDS,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        self.dispatcher = dispatcher
        self.clock = clock
        self.poll = poll
        self._sleep = sleep

    async def run(self) -> None:
        log.info("daily reflections: dispatcher started (%.0f messages/s)", self.dispatcher.limiter.rate)
        while True:
            try:
                await self.dispatcher.dispatch_due(self.clock.now())
                upcoming = await self.dispatcher.next_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("daily reflections: dispatch failed; trying again shortly")
                upcoming = None
            delay = self.poll
            if upcoming is not None:
                delay = min(self.poll, max(0.2, (upcoming - self.clock.now()).total_seconds()))
            await self._sleep(delay)
