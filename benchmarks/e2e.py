"""End to end over HTTP: N people write at once; how soon each gets a reply, and how many per second.

The fake Bot API (tests/support/fake_bot_api.py) runs in this process, in its own thread; each bot
runs in its own subprocess (benchmarks/bots.py), so the server and the bot each have a core of
this 2-core machine and neither waits for the other's GIL. In a round, N new people each send one
message (labelled messages, each with a different number appended) as fast as the fake can queue
them; the bot fetches them with long polling as it would from Telegram and answers.

* reply latency: from the moment a person's message is queued at the fake until the fake has
  handled the bot's first sendMessage to that person (a reply of several messages counts from its
  first); p50 and p99 over the N people;
* updates per second: N over the time from the first message queued to the last first reply.

Beside Feather run the plain echo bot (the floor) and, limiter lifted only, the echo bot replying
with a Feather-shaped message (HTML, four buttons): how much of Feather's cost is what it sends.

Small rounds are repeated within each process (``ROUNDS``) and their median kept. Every bot
process is also timed from spawn to its first getUpdates (start-up; Feather's own steps
are timed inside it, see benchmarks/startup.py) and its memory read at that moment (RSS) and just
before it is stopped (peak RSS, VmHWM): Feather starts on a store with
``subscribers`` daily subscribers (not due), the echo bot has no store. Each repeat is a new pair
of processes: start, rounds of 10, 100 and 1,000 people, stop.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import ROOT, labelled, log, median, percentile
from tests.support.fake_bot_api import FakeBotApi

BOTS = Path(__file__).resolve().parent / "bots.py"
FIRST_PERSON = 50_000_000
ROUNDS = {10: 7, 100: 3}
"""Rounds per bot process for the small sizes (their p99 is nearly the maximum of a few people,
so single rounds jump about); each figure is the median of the rounds, then of the processes.
With the 30/s limiter on, one round per size, each after ``LIMITER_REFILL`` seconds of quiet:
back-to-back rounds would measure the previous round's backlog."""
LIMITER_REFILL = 1.5


# ------------------------------------------------------------------------------ the store


def make_store(path: Path, subscribers: int) -> Path:
    """A Feather store with ``subscribers`` daily subscribers, due tomorrow (so not sent during the
    run), written directly: a quicker route to the same rows as the /daily conversation."""
    from bot.daily import order
    from bot.daily.schedule import to_db
    from bot.store import Store

    store = Store(path)
    now = datetime.now(UTC)
    due = to_db(now + timedelta(days=1))
    stamp = to_db(now)
    zones = ("Europe/London", "America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata")
    rows = [(chat, "08:00", zones[chat % len(zones)], due, order.new_seed(), stamp, stamp)
            for chat in range(1, subscribers + 1)]
    with store.transaction() as db:
        db.executemany(
            """INSERT INTO daily_subscriptions (chat_id, local_time, timezone, next_send_utc, seed,
                   created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)""", rows)
    store.query("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


# ------------------------------------------------------------------------------ bot processes


@dataclass
class BotProcess:
    """One bot subprocess against the fake: start-up time, RSS, peak RSS at exit."""

    kind: str
    api: FakeBotApi
    workdir: Path
    lifted: bool = True
    db_template: Path | None = None
    proc: subprocess.Popen | None = None
    spawned: float = 0.0
    startup: float = 0.0
    rss_ready: int = 0
    peak_rss: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    log_path: Path = field(init=False)
    timings_path: Path = field(init=False)

    def __post_init__(self) -> None:
        stem = f"{self.kind}-{time.monotonic_ns()}"
        self.log_path = self.workdir / f"{stem}.log"
        self.timings_path = self.workdir / f"{stem}-timings.json"

    def start(self, timeout: float = 120.0) -> BotProcess:
        env = dict(os.environ)
        db = self.workdir / f"feather-{time.monotonic_ns()}.sqlite3"
        if self.db_template is not None:
            shutil.copyfile(self.db_template, db)
        env.update({
            "TELEGRAM_BOT_TOKEN": self.api.token,
            "TELEGRAM_API_URL": self.api.url,
            "FEATHER_DB_PATH": str(db),
            "FEATHER_REPLY_PAUSE": "0",  # no "typing..." pauses between the parts of a reply
            "FEATHER_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            "FEATHER_BENCH_TIMINGS": str(self.timings_path),
        })
        env.pop("WEBHOOK_URL", None)
        program, _, variant = self.kind.partition("-")  # "echo-rich": benchmarks/bots.py echo --rich
        args = [sys.executable, str(BOTS), program] + (["--lifted"] if self.lifted else []) + \
            ([f"--{variant}"] if variant else [])
        self.api.reset()
        self.api.mark()
        log_file = self.log_path.open("wb")
        self.spawned = time.monotonic()
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                     stdout=log_file, stderr=subprocess.STDOUT)
        log_file.close()
        try:
            [call] = self.api.wait_for_calls("getUpdates", 1, timeout=timeout, started=True)[:1]
        except AssertionError as exc:
            self.stop()
            raise RuntimeError(f"{self.kind} bot did not start; its log:\n{self.log_path.read_text()[-3000:]}") from exc
        self.startup = call.started - self.spawned
        self.rss_ready = memory_of(self.proc.pid)
        if self.timings_path.exists():
            self.timings = json.loads(self.timings_path.read_text())
        return self

    def stop(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        self.peak_rss = memory_of(proc.pid, "VmHWM")
        proc.send_signal(signal.SIGTERM)  # PTB stops cleanly on SIGTERM
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def memory_of(pid: int, field: str = "VmRSS") -> int:
    """From /proc/PID/status, in bytes: VmRSS (resident now) or VmHWM (the peak since the process
    started its program; unlike ``wait4``'s ru_maxrss, which on Linux also counts the parent's
    memory copied by fork before exec). 0 where /proc can't be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


# ------------------------------------------------------------------------------ rounds


def round_texts(count: int, offset: int) -> list[str]:
    texts = [item["text"] for item in labelled()]
    return [f"{texts[(offset + i) % len(texts)]} {(offset + i) % 9_973 + 17}" for i in range(count)]


def wait_first_replies(api: FakeBotApi, people: set[int], timeout: float) -> dict[int, float]:
    """When the fake finished each person's first sendMessage (monotonic seconds)."""
    first: dict[int, float] = {}
    position = api._mark_calls
    pending = []
    deadline = time.monotonic() + timeout
    with api._cond:
        while True:
            calls = api._calls
            while position < len(calls):
                call = calls[position]
                position += 1
                if call.method == "sendMessage":
                    pending.append(call)
            still = []
            for call in pending:
                if call.finished is None:
                    still.append(call)
                    continue
                try:
                    chat = int(call.params.get("chat_id"))
                except (TypeError, ValueError):
                    continue
                if chat in people and chat not in first and call.ok:
                    first[chat] = call.finished
            pending = still
            if len(first) == len(people):
                return first
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"only {len(first)} of {len(people)} people got a reply in {timeout:.0f}s; "
                                   f"errors: {api.internal_errors[:3]}")
            api._cond.wait(min(remaining, 0.5))


def one_round(api: FakeBotApi, people: int, offset: int, timeout: float = 300.0) -> dict[str, float]:
    """``people`` new people write at once; latency and throughput of the first replies."""
    api.reset()
    api.mark()
    first_id = FIRST_PERSON + offset
    texts = round_texts(people, offset)
    queued: dict[int, float] = {}
    for index, text in enumerate(texts):
        person = first_id + index
        queued[person] = time.monotonic()
        api.send_text(person, text)
    replied = wait_first_replies(api, set(queued), timeout)
    latencies = [replied[p] - queued[p] for p in queued]
    span = max(replied.values()) - min(queued.values())
    return {
        "p50_ms": percentile(latencies, 50) * 1e3,
        "p99_ms": percentile(latencies, 99) * 1e3,
        "max_ms": max(latencies) * 1e3,
        "updates_per_second": people / span,
        "seconds": span,
        "messages_per_person": len(api.calls("sendMessage", since_mark=True)) / people,
    }


def session(api: FakeBotApi, kind: str, workdir: Path, sizes: Sequence[int], offset: int, lifted: bool,
            db_template: Path | None) -> dict:
    """Start one bot, run a round per size, stop it; start-up, RSS and the rounds' figures."""
    bot = BotProcess(kind, api, workdir, lifted=lifted, db_template=db_template).start()
    rounds = {}
    try:
        warm = one_round(api, 5, offset + 900_000)  # first HTTP connections, first turns
        del warm
        for size in sizes:
            runs = []
            for index in range(ROUNDS.get(size, 1) if lifted else 1):
                if not lifted:
                    time.sleep(LIMITER_REFILL)  # start each round with the limiter's bucket full
                runs.append(one_round(api, size, offset + size * 10 + index * 100_000))
            rounds[size] = {key: median([r[key] for r in runs]) for key in runs[0]}
            rounds[size]["rounds"] = len(runs)
    finally:
        bot.stop()
    return {"startup_s": bot.startup, "timings": bot.timings, "rss_ready_mb": bot.rss_ready / 2**20,
            "peak_rss_mb": bot.peak_rss / 2**20, "rounds": rounds, "exit": bot.proc.returncode if bot.proc else None}


def run(sizes: Sequence[int] = (10, 100, 1000), repeats: int = 3, subscribers: int = 100_000,
        limited_sizes: Sequence[int] = (10, 100), limited_repeats: int = 3) -> dict:
    """Feather and the echo bot, limiter lifted (sizes) and at Telegram's 30/s (limited_sizes)."""
    results: dict = {"sizes": list(sizes), "limited_sizes": list(limited_sizes), "subscribers": subscribers,
                     "lifted": {"feather": [], "echo": [], "echo-rich": []}, "limited": {"feather": [], "echo": []}}
    workdir = Path(tempfile.mkdtemp(prefix="feather-bench-"))
    try:
        template = make_store(workdir / "template.sqlite3", subscribers)
        with FakeBotApi() as api:
            for index in range(repeats):
                for kind in ("echo", "echo-rich", "feather"):
                    log(f"end to end, limiter lifted: {kind} bot, repeat {index + 1}/{repeats}")
                    results["lifted"][kind].append(session(
                        api, kind, workdir, sizes, 1_000_000 * (index + 1), True,
                        template if kind == "feather" else None))
            for index in range(limited_repeats if limited_sizes else 0):
                for kind in ("echo", "feather"):
                    log(f"end to end, 30 messages/s: {kind} bot, repeat {index + 1}/{limited_repeats}")
                    results["limited"][kind].append(session(
                        api, kind, workdir, limited_sizes, 1_000_000 * (index + 11), False,
                        template if kind == "feather" else None))
            results["internal_errors"] = api.internal_errors
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return results
