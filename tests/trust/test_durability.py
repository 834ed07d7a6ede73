"""Data that survives: WAL, a schema version, forward migrations at start-up (from the very first
schema), atomic migrations, and the real bot killed with SIGKILL twenty times.

The kill -9 test runs ``run_bot.py`` in real processes against the fake Bot API (polling, a tmp
database, no reply pauses, DEBUG logs). Each process is forked from ``tests/trust/zygote.py``, which
builds the content once: a cold start costs seconds here, and twenty-one of them would not fit the
time budget (see its docstring; nothing else differs from a cold start). Twelve kills land at seeded
random moments of conversations (before the update is fetched, after, while the reply is being
sent, after it arrived); eight land in the middle of a batch of daily reflections, which the
dispatcher sends on the real clock because the test subscribed people whose time is two minutes
ago. No test-only hook in the bot was needed.

After every kill, before the restart, the database is read as the dead process left it
(read-only: no checkpoint tidies it up first): every turn whose reply had reached Telegram is
there. At the end: nobody's subscription is gone, nobody got two reflections on one local day, and
every reflection claimed is either delivered or was lost to a kill between claim and send (the
dispatcher's documented at-most-once choice, docs/daily.md), never sent twice.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.daily.repository import DailyRepository
from bot.engine.types import UserState
from bot.store import Store
from bot.store.migrations import MIGRATIONS
from tests.feather_testkit import clean_env
from tests.frontends.telegram.test_bot import CELLS_QUESTION
from tests.support.telegram_text import parse_text
from tests.support.waiting import eventually
from tests.trust.conftest import FaultyBotApi

NOW = datetime(2026, 11, 25, 7, 59, tzinfo=UTC)


# ------------------------------------------------------------------------ schema and upgrades


def first_schema_database(path: Path) -> None:
    """A database as the first release left it: only migration 1, with people and counts in it."""
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0][1])
    db.execute(f"PRAGMA user_version={MIGRATIONS[0][0]}")
    for chat, state in ((11, UserState(country="IE", flow="mc_duration", node="studies", turn=4)),
                        (12, UserState(country="GB", pending="country", turn=1))):
        db.execute("INSERT INTO chats VALUES (?, ?, ?, ?, ?)",
                   (chat, json.dumps(state.to_dict()), state.country, "2025-01-02T03:04:05+00:00",
                    "2025-02-03T04:05:06+00:00"))
    db.execute("INSERT INTO event_counts VALUES ('country_set', '2025-01-02', 7)")
    db.commit()
    db.close()


def test_a_first_schema_database_is_upgraded_at_start_up_with_everything_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    first_schema_database(path)
    store = Store(path)  # what start-up does
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"
    assert store.schema_version == MIGRATIONS[-1][0] > 1
    assert store.load_state(11) == UserState(country="IE", flow="mc_duration", node="studies", turn=4)
    assert store.load_state(12) == UserState(country="GB", pending="country", turn=1)
    row = store.query("SELECT created_at, updated_at FROM chats WHERE chat_id = 11")[0]
    assert tuple(row) == ("2025-01-02T03:04:05+00:00", "2025-02-03T04:05:06+00:00")
    assert store.event_total("country_set") == 7
    tables = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "daily_subscriptions" in tables  # every later migration's tables exist, and work:
    DailyRepository(store).subscribe(11, NOW.time(), "Europe/Dublin", NOW)
    assert set(store.my_data(11)) == {"chats", "daily_subscriptions"}
    store.close()
    again = Store(path)  # starting again changes nothing
    assert again.schema_version == MIGRATIONS[-1][0] and again.load_state(12).pending == "country"


def test_a_migration_that_fails_leaves_the_database_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f.sqlite3"
    first_schema_database(path)
    broken = [*MIGRATIONS, (MIGRATIONS[-1][0] + 1, "CREATE TABLE half_done (x INTEGER); SELECT nonsense();")]
    monkeypatch.setattr("bot.store.db.MIGRATIONS", broken)
    with pytest.raises(sqlite3.OperationalError):
        Store(path)
    monkeypatch.undo()
    store = Store(path)
    assert store.schema_version == MIGRATIONS[-1][0]
    tables = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables and store.load_state(11).node == "studies"


# ---------------------------------------------------------------------------- kill -9


TOKEN = "6021337000:AAkill-nine-TRUST-token-Vb2"
MARKER = "gentle-marmot-5521"
DAILY_RATE = 30  # messages a second: PTB's own overall limit too
BATCH = 60  # what the dispatcher claims at once at that rate (bot/daily/dispatcher.py)
SUBSCRIBERS = range(5_000_000, 5_000_540)
THEM, BOUNDS = "chat_id BETWEEN ? AND ?", (SUBSCRIBERS.start, SUBSCRIBERS.stop - 1)
CONVERSATION_KILLS, DAILY_KILLS = 12, 8
PHASES = ("sent", "fetched", "replying", "replied")


class Zygote:
    """Drives tests/trust/zygote.py: forks run_bot.py processes, kills them, reaps them."""

    def __init__(self, api: FaultyBotApi, db: Path, logs: Path) -> None:
        self.api, self.db, self.logs = api, db, logs
        self.env = clean_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api.url, FEATHER_DB_PATH=str(db),
                             FEATHER_REPLY_PAUSE="0", FEATHER_LOG_LEVEL="DEBUG",
                             FEATHER_DAILY_RATE=str(DAILY_RATE), PYTHONPATH=str(PROJECT_ROOT))
        self.process = subprocess.Popen([sys.executable, "-m", "tests.trust.zygote"], cwd=PROJECT_ROOT,
                                        env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        self.lives = 0
        self.running: set[int] = set()
        assert self._read(120) == "ready", self.process.stderr.read() if self.process.stderr else ""

    def _read(self, timeout: float = 15.0) -> object:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        assert ready, "the zygote did not answer"
        line = self.process.stdout.readline()
        assert line, f"the zygote stopped: {self.process.stderr.read() if self.process.stderr else ''}"
        return json.loads(line)

    def _send(self, command: dict) -> object:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self._read()

    def start(self) -> int:
        """A new bot process; returns once it polls Telegram."""
        polls = len(self.api.calls("getUpdates"))
        self.lives += 1
        log = self.logs / f"life-{self.lives:02d}.log"
        pid = self._send({"op": "fork", "env": self.env, "log": str(log)})["pid"]
        self.running.add(pid)
        try:
            eventually(lambda: len(self.api.calls("getUpdates")) > polls, what=f"life {self.lives} to poll")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; its log:\n{log.read_text() if log.exists() else '(none)'}") from None
        return pid

    def kill(self, pid: int) -> None:
        os.kill(pid, signal.SIGKILL)
        status = self._send({"op": "wait", "pid": pid})["status"]
        self.running.discard(pid)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        # Whatever the dead process had fully sent, Telegram still carries out: let it finish.
        eventually(lambda: all(c.status is not None for c in self.api.calls() if c.method != "getUpdates"),
                   what="calls in flight to finish")

    def stop(self, pid: int) -> int:
        os.kill(pid, signal.SIGTERM)
        status = self._send({"op": "wait", "pid": pid})["status"]
        self.running.discard(pid)
        return status

    def close(self) -> None:
        for pid in list(self.running):  # a test that failed half-way leaves no bot behind
            try:
                os.kill(pid, signal.SIGKILL)
                self._send({"op": "wait", "pid": pid})
            except (OSError, AssertionError):
                pass
        if self.process.poll() is None:
            try:
                self._send_only({"op": "exit"})
                self.process.wait(10)
            except Exception:  # noqa: BLE001
                self.process.kill()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream:
                stream.close()

    def _send_only(self, command: dict) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()


def as_left(db: Path) -> sqlite3.Connection:
    """The database exactly as a dead process left it: read-only, so nothing is checkpointed."""
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


class Conversation:
    """One person's short script; ``confirmed`` once the reply to its last step reached Telegram."""

    def __init__(self, kind: str, chat: int, studies_label: str) -> None:
        self.kind, self.chat = kind, chat
        self.steps: list[tuple[str, str, int]] = {
            "country": [("say", "/country", 1), ("say", "ireland", 2)],
            "daily": [("say", "/daily", 1), ("press", "Morning, 08:00", 1), ("say", f"dublin {MARKER}", 1)],
            "flow": [("say", f"{CELLS_QUESTION} {MARKER}", 1), ("press", studies_label, 1)],
        }[kind]
        self.done = 0
        self.confirmed = False

    def holds(self, db: sqlite3.Connection) -> bool:
        """Is what this person was told stored (the state as of their last answered step)?"""
        if self.kind == "country":
            rows = db.execute("SELECT country FROM chats WHERE chat_id = ?", (self.chat,)).fetchall()
            return rows == [("IE",)]
        if self.kind == "daily":
            rows = db.execute("SELECT timezone FROM daily_subscriptions WHERE chat_id = ?", (self.chat,)).fetchall()
            return rows == [("Europe/Dublin",)]
        rows = db.execute("SELECT state FROM chats WHERE chat_id = ?", (self.chat,)).fetchall()
        return bool(rows) and json.loads(rows[0][0])["node"] == "studies"


def take_step(api: FaultyBotApi, person: Conversation, phase: str | None) -> bool:
    """One step; with a ``phase``, returns at that moment of it (for the kill); True if replied."""
    action, what, replies = person.steps[person.done]
    api.mark()
    calls_before = len(api.calls())
    if action == "say":
        update_id = api.send_text(person.chat, what)
    else:
        update_id = api.press_button_by_text(person.chat, None, what)
    if phase == "sent":
        return False
    if phase == "fetched":
        eventually(lambda: any(c.status == 200 and isinstance(c.result, list)  # the waiting long poll's
                               and any(u.get("update_id") == update_id for u in c.result)
                               for c in api.calls("getUpdates")[-3:]), what="the update to be fetched")
        return False
    if phase == "replying":
        eventually(lambda: any(c.method == "sendMessage" and c.params.get("chat_id") == person.chat
                               for c in api.calls()[calls_before:]), what="the reply to be under way")
        return False
    api.wait_for_messages(person.chat, replies)
    person.done += 1
    person.confirmed = person.done == len(person.steps)
    return True


@pytest.fixture
def zygote(tmp_path: Path) -> Iterator[Zygote]:
    (tmp_path / "logs").mkdir()
    with FaultyBotApi(token=TOKEN) as api:
        spawner = Zygote(api, tmp_path / "feather.sqlite3", tmp_path / "logs")
        try:
            yield spawner
        finally:
            spawner.close()
    assert api.internal_errors == []


def test_killed_twenty_times_nothing_is_lost_and_no_reflection_comes_twice(
        zygote: Zygote, tmp_path: Path, core) -> None:
    api = zygote.api
    rng = random.Random(20261125)
    db = zygote.db
    studies = next(b.label for b in core.content.flows["mc_duration"].start.buttons if b.goto == "studies")
    people: list[Conversation] = []
    moments: Counter[str] = Counter()
    started = time.monotonic()

    # Twelve kills in the middle of conversations.
    for life in range(CONVERSATION_KILLS):
        pid = zygote.start()
        cast = [Conversation(kind, 7_000_000 + life * 10 + n, studies)
                for n, kind in enumerate(("country", "daily", "flow"))]
        people += cast
        order = [p for step in range(3) for p in cast if step < len(p.steps)]  # taking turns
        kill_at, phase = rng.randrange(len(order)), rng.choice(PHASES)
        for index, person in enumerate(order[: kill_at + 1]):
            take_step(api, person, phase if index == kill_at else None)
        moments[phase] += 1
        zygote.kill(pid)
        with as_left(db) as left:  # before any restart: what the dead process left behind
            lost = [(p.kind, p.chat) for p in people if p.confirmed and not p.holds(left)]
            assert not lost, f"life {life + 1}: confirmed but not stored: {lost}"
            assert left.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    # People whose daily time was two minutes ago: due now, on the real clock.
    now = datetime.now(UTC)
    store = Store(db)
    repo = DailyRepository(store)
    at = (now - timedelta(minutes=2)).time().replace(second=0, microsecond=0)
    for chat in SUBSCRIBERS:
        api.add_private_chat(chat)  # Telegram knows them (else "chat not found" would unsubscribe them)
        repo.subscribe(chat, at, "UTC", now - timedelta(days=1))
    store.close()

    # Eight kills in the middle of a batch of daily reflections.
    for _ in range(DAILY_KILLS):
        seen = len(api.calls())
        pid = zygote.start()
        wanted = rng.randint(1, BATCH - 1)
        eventually(lambda seen=seen, wanted=wanted: len(daily_sends(api, seen)) >= wanted, timeout=30,
                   what=f"{wanted} daily sends")
        zygote.kill(pid)
        moments["daily batch"] += 1
        with as_left(db) as left:
            assert left.execute(f"SELECT COUNT(*) FROM daily_subscriptions WHERE {THEM}",
                                BOUNDS).fetchone()[0] == len(SUBSCRIBERS)

    # Claimed, then killed before the send: lost for today (at most once), never sent later.
    with as_left(db) as left:
        lost = unsent_claims(api, left)
    # A last life sends what is still due, then stops cleanly.
    pid = zygote.start()
    eventually(lambda: len(delivered_to(api)) >= len(SUBSCRIBERS) - lost, timeout=40,
               what="every reflection still due to be sent")
    status = zygote.stop(pid)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0

    # Nothing lost, nothing twice.
    with sqlite3.connect(db) as final:
        subscriptions = {c for (c,) in final.execute("SELECT chat_id FROM daily_subscriptions")}
        assert set(SUBSCRIBERS) <= subscriptions  # no subscription dropped
        kept = [p for p in people if p.confirmed and p.kind == "daily"]
        assert {p.chat for p in kept} <= subscriptions
        assert all(p.holds(final) for p in people if p.confirmed)
        claimed, days = final.execute(f"SELECT COUNT(*), COUNT(DISTINCT claimed_date) FROM daily_subscriptions "
                                      f"WHERE claimed_date IS NOT NULL AND {THEM}", BOUNDS).fetchone()
        assert days == 1  # everyone's reflection was for the same local day (the test's)
    final.close()
    to_subscribers = Counter(m.chat_id for m in api.sent_messages() if m.chat_id in SUBSCRIBERS)
    to_others = Counter(m.chat_id for m in api.sent_messages()
                        if m.chat_id not in SUBSCRIBERS and is_reflection(core, m.plain_text or ""))
    assert max(to_subscribers.values()) == 1 and max(to_others.values(), default=0) <= 1  # never twice a day
    delivered = len(to_subscribers)
    assert claimed == len(SUBSCRIBERS) and delivered == len(SUBSCRIBERS) - lost

    # What the killed processes logged never held a word anyone wrote, nor the token.
    logs = "".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted((tmp_path / "logs").iterdir()))
    assert " started: polling as @" in logs and "DEBUG" in logs  # the start-up line (docs/deploy.md)
    for secret in (TOKEN, TOKEN.split(":")[1], MARKER):
        assert secret not in logs
    assert sum(moments.values()) == CONVERSATION_KILLS + DAILY_KILLS == 20
    print(f"\n{zygote.lives} lives, 20 kills ({dict(moments)}); {sum(p.confirmed for p in people)} of "
          f"{len(people)} conversations confirmed and kept; {delivered} reflections delivered, "
          f"{lost} lost between claim and send, 0 twice; {time.monotonic() - started:.1f}s")


def daily_sends(api: FaultyBotApi, after: int) -> list:
    return [c for c in api.calls()[after:] if c.method == "sendMessage"
            and int(c.params.get("chat_id", 0)) in SUBSCRIBERS]


def delivered_to(api: FaultyBotApi) -> set[int]:
    return {m.chat_id for m in api.sent_messages() if m.chat_id in SUBSCRIBERS}


def unsent_claims(api: FaultyBotApi, db: sqlite3.Connection) -> int:
    """Subscribers whose reflection for today was claimed but never reached Telegram."""
    claimed = {c for (c,) in db.execute(f"SELECT chat_id FROM daily_subscriptions WHERE claimed_date IS NOT NULL "
                                        f"AND {THEM}", BOUNDS)}
    return len(claimed - delivered_to(api))


def is_reflection(core, text: str) -> bool:  # type: ignore[no-untyped-def]
    """A daily reflection (its text begins like one of reflections.yaml's)."""
    shown = " ".join(text.split())
    return any(shown.startswith(" ".join(parse_text(r.text, "HTML")[0].split())[:30])
               for r in core.content.reflections)
