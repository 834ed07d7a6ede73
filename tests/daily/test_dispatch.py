"""The one scheduler, end to end on a real SQLite file: right local time in several zones, clock
changes, pause and stop, downtime (late within two hours, skipped beyond), at most one reflection a
local day even through crashes, blocked users, RetryAfter and other errors.

Time is a loop variable (the UTC "now" handed to ``dispatch_due``) plus ``FakeTime`` for pacing:
nothing waits on the real clock.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.daily.dispatcher import Dispatcher, SendResult
from bot.daily.repository import DailyRepository
from bot.engine.types import OutMessage
from bot.store import Store
from tests.daily.kit import FakeTime, RecordingSender, make_dispatcher, open_store, run, small_content, utc

MINUTE = timedelta(minutes=1)


def subscribe(store: Store, chat_id: int, at: time, zone: str, now: datetime) -> None:
    DailyRepository(store).subscribe(chat_id, at, zone, now)


async def walk(dispatcher: Dispatcher, sender: RecordingSender, start: datetime, end: datetime,
               step: timedelta = MINUTE) -> list[tuple[int, datetime]]:
    """Run the dispatcher at every ``step`` from start to end; (chat, utc moment) of each send."""
    sends: list[tuple[int, datetime]] = []
    now = start
    while now <= end:
        before = len(sender.sent)
        await dispatcher.dispatch_due(now)
        sends += [(s.chat_id, now) for s in sender.sent[before:]]
        now += step
    return sends


# ----------------------------------------------------------------------------------- local times


def test_each_person_receives_at_eight_their_time(store: Store) -> None:
    start = utc(2026, 1, 14, 12, 0)
    zones = {1: "Europe/London", 2: "America/New_York", 3: "Australia/Sydney", 4: "Asia/Kolkata"}
    for chat, zone in zones.items():
        subscribe(store, chat, time(8, 0), zone, start)
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    sends = run(walk(dispatcher, sender, start, start + timedelta(days=2), timedelta(minutes=5)))
    by_chat = {chat: [moment for c, moment in sends if c == chat] for chat in zones}
    assert by_chat == {
        1: [utc(2026, 1, 15, 8, 0), utc(2026, 1, 16, 8, 0)],
        2: [utc(2026, 1, 14, 13, 0), utc(2026, 1, 15, 13, 0)],  # the 16th's is after the walk
        3: [utc(2026, 1, 14, 21, 0), utc(2026, 1, 15, 21, 0)],
        4: [utc(2026, 1, 15, 2, 30), utc(2026, 1, 16, 2, 30)],
    }


def test_eight_stays_eight_when_the_clocks_go_forward(store: Store) -> None:
    start = utc(2026, 3, 27, 12, 0)
    subscribe(store, 1, time(8, 0), "Europe/London", start)
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    sends = run(walk(dispatcher, sender, start, utc(2026, 3, 30, 12, 0), timedelta(minutes=5)))
    assert [m for _, m in sends] == [utc(2026, 3, 28, 8, 0), utc(2026, 3, 29, 7, 0), utc(2026, 3, 30, 7, 0)]


def test_dst_forward_a_missing_time_is_sent_at_the_next_valid_minute(store: Store) -> None:
    # Last Sunday of March 2026 in London: 01:30 does not exist; sent at 02:00 BST (01:00 UTC).
    start = utc(2026, 3, 28, 12, 0)
    subscribe(store, 1, time(1, 30), "Europe/London", start)
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    sends = run(walk(dispatcher, sender, start, utc(2026, 3, 30, 2, 0)))
    assert [m for _, m in sends] == [utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30)]


def test_dst_back_a_repeated_time_is_sent_once(store: Store) -> None:
    # Last Sunday of October 2026 in London: 01:30 happens at 00:30 UTC (BST) and 01:30 UTC (GMT).
    start = utc(2026, 10, 24, 12, 0)
    subscribe(store, 1, time(1, 30), "Europe/London", start)
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    sends = run(walk(dispatcher, sender, start, utc(2026, 10, 26, 3, 0)))
    assert [m for _, m in sends] == [utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]


# ----------------------------------------------------------------------------------- pause and stop


def test_pause_for_three_days_skips_three_reflections_then_carries_on(store: Store) -> None:
    start = utc(2026, 1, 5, 9, 0)  # Monday, after 08:00 London
    subscribe(store, 1, time(8, 0), "Europe/London", start)
    paused = DailyRepository(store).pause(1, start, 3)
    assert paused is not None and paused.next_send == utc(2026, 1, 9, 8, 0)  # Tue, Wed, Thu skipped
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    sends = run(walk(dispatcher, sender, start, utc(2026, 1, 10, 12, 0), timedelta(minutes=10)))
    assert [m for _, m in sends] == [utc(2026, 1, 9, 8, 0), utc(2026, 1, 10, 8, 0)]


def test_pause_until_i_say_and_resume(store: Store) -> None:
    start = utc(2026, 1, 5, 9, 0)
    repo = DailyRepository(store)
    subscribe(store, 1, time(8, 0), "Europe/London", start)
    assert repo.pause(1, start, None).paused_indefinitely  # type: ignore[union-attr]
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    assert run(walk(dispatcher, sender, start, utc(2026, 1, 8, 12, 0), timedelta(minutes=10))) == []
    resumed = repo.resume(1, utc(2026, 1, 8, 12, 0))
    assert resumed is not None and resumed.next_send == utc(2026, 1, 9, 8, 0)
    sends = run(walk(dispatcher, sender, utc(2026, 1, 8, 12, 0), utc(2026, 1, 9, 12, 0), timedelta(minutes=10)))
    assert [m for _, m in sends] == [utc(2026, 1, 9, 8, 0)]


def test_stop_ends_sending_and_deletes_the_row(store: Store) -> None:
    start = utc(2026, 1, 5, 9, 0)
    repo = DailyRepository(store)
    subscribe(store, 1, time(8, 0), "Europe/London", start)
    assert repo.unsubscribe(1) and not repo.unsubscribe(1)
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    assert run(walk(dispatcher, sender, start, utc(2026, 1, 7, 12, 0), timedelta(minutes=10))) == []
    assert store.my_data(1) == {}


# ----------------------------------------------------------------------------------- at most one a day


def test_todays_reflection_on_request_moves_the_scheduled_one_to_tomorrow(store: Store) -> None:
    start = utc(2026, 1, 5, 7, 0)
    repo = DailyRepository(store)
    subscribe(store, 1, time(8, 0), "Europe/London", start)
    ids = [r.id for r in small_content(5).reflections]
    job = repo.claim_today(1, start, ids)
    assert job is not None and repo.claim_today(1, start + MINUTE, ids) is None
    dispatcher, sender, _ = make_dispatcher(store, small_content(5), offload=False)
    sends = run(walk(dispatcher, sender, start, utc(2026, 1, 6, 9, 0), timedelta(minutes=10)))
    assert [m for _, m in sends] == [utc(2026, 1, 6, 8, 0)]


def test_changing_the_time_after_todays_reflection_waits_for_tomorrow(store: Store) -> None:
    start = utc(2026, 1, 5, 7, 0)
    repo = DailyRepository(store)
    subscribe(store, 1, time(8, 0), "Europe/London", start)
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    run(walk(dispatcher, sender, start, utc(2026, 1, 5, 8, 30), timedelta(minutes=10)))
    later = repo.set_time(1, time(20, 0), utc(2026, 1, 5, 9, 0))
    assert later is not None and later.next_send == utc(2026, 1, 6, 20, 0)


def test_moving_east_after_todays_reflection_does_not_give_a_second_one_that_day(store: Store) -> None:
    start = utc(2026, 1, 5, 7, 0)
    repo = DailyRepository(store)
    subscribe(store, 1, time(8, 0), "America/New_York", start)  # 13:00 UTC
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    run(walk(dispatcher, sender, start, utc(2026, 1, 5, 13, 30), timedelta(minutes=10)))
    moved = repo.set_zone(1, "Asia/Kolkata", utc(2026, 1, 5, 14, 0))  # already the 5th's evening there
    assert moved is not None and moved.next_send == utc(2026, 1, 6, 2, 30)
    sends = run(walk(dispatcher, sender, utc(2026, 1, 5, 14, 0), utc(2026, 1, 6, 12, 0), timedelta(minutes=10)))
    assert [m for _, m in sends] == [utc(2026, 1, 6, 2, 30)]


# ----------------------------------------------------------------------------------- downtime


def test_restart_sends_a_reflection_missed_by_under_two_hours_late(tmp_path: Path) -> None:
    subscribe(open_store(tmp_path), 1, time(8, 0), "Europe/London", utc(2026, 1, 5, 7, 0))
    # The bot was down from 07:50 to 09:45; a new process starts.
    dispatcher, sender, _ = make_dispatcher(open_store(tmp_path), offload=False)
    sends = run(walk(dispatcher, sender, utc(2026, 1, 5, 9, 45), utc(2026, 1, 6, 9, 0), timedelta(minutes=5)))
    assert [m for _, m in sends] == [utc(2026, 1, 5, 9, 45), utc(2026, 1, 6, 8, 0)]


def test_restart_skips_a_reflection_missed_by_two_hours_or_more(tmp_path: Path) -> None:
    subscribe(open_store(tmp_path), 1, time(8, 0), "Europe/London", utc(2026, 1, 5, 7, 0))
    dispatcher, sender, _ = make_dispatcher(open_store(tmp_path), offload=False)
    stats = run(dispatcher.dispatch_due(utc(2026, 1, 5, 10, 0)))
    assert (stats.sent, stats.skipped) == (0, 1)
    assert DailyRepository(dispatcher.repository.store).get(1).next_send == utc(2026, 1, 6, 8, 0)  # type: ignore[union-attr]
    sends = run(walk(dispatcher, sender, utc(2026, 1, 5, 10, 0), utc(2026, 1, 6, 9, 0), timedelta(minutes=5)))
    assert [m for _, m in sends] == [utc(2026, 1, 6, 8, 0)]


def test_a_long_outage_does_not_flood_on_restart(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    for chat in range(1, 51):
        subscribe(store, chat, time(8, 0), "Europe/London", utc(2026, 1, 1, 7, 0))
    # Down for four days; back at 12:00 on the 5th.
    dispatcher, sender, _ = make_dispatcher(open_store(tmp_path), offload=False)
    stats = run(dispatcher.dispatch_due(utc(2026, 1, 5, 12, 0)))
    assert (stats.sent, stats.skipped) == (0, 50)
    sends = run(walk(dispatcher, sender, utc(2026, 1, 5, 12, 0), utc(2026, 1, 6, 9, 0), timedelta(minutes=15)))
    assert len(sends) == 50 and {m for _, m in sends} == {utc(2026, 1, 6, 8, 0)}


# ----------------------------------------------------------------------------------- crashes


class SimulatedCrash(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def test_a_crash_after_the_claim_and_before_the_send_loses_that_reflection_never_duplicates(tmp_path: Path) -> None:
    subscribe(open_store(tmp_path), 1, time(8, 0), "Europe/London", utc(2026, 1, 5, 7, 0))

    def crash(chat_id: int) -> None:
        raise SimulatedCrash

    dispatcher, sender, _ = make_dispatcher(open_store(tmp_path), offload=False)
    sender.on_send = crash
    with pytest.raises(BaseExceptionGroup):
        run(dispatcher.dispatch_due(utc(2026, 1, 5, 8, 0)))
    assert sender.sent == []
    # Restart: a new process, a new store connection, every minute for the rest of the day and the next.
    dispatcher, sender, _ = make_dispatcher(open_store(tmp_path), offload=False)
    sends = run(walk(dispatcher, sender, utc(2026, 1, 5, 8, 0), utc(2026, 1, 6, 9, 0), timedelta(minutes=1)))
    assert [m for _, m in sends] == [utc(2026, 1, 6, 8, 0)]


def test_a_crash_while_choosing_before_the_claim_is_recorded_sends_exactly_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    subscribe(open_store(tmp_path), 1, time(8, 0), "Europe/London", utc(2026, 1, 5, 7, 0))
    from bot.daily import repository as repository_module

    real_record = DailyRepository._record

    def crash_after_choosing(self, db, sub, pick, slot, now):  # type: ignore[no-untyped-def]
        real_record(self, db, sub, pick, slot, now)  # the UPDATE ran, the COMMIT has not
        raise SimulatedCrash

    monkeypatch.setattr(repository_module.DailyRepository, "_record", crash_after_choosing)
    dispatcher, sender, _ = make_dispatcher(open_store(tmp_path), offload=False)
    with pytest.raises(SimulatedCrash):
        run(dispatcher.dispatch_due(utc(2026, 1, 5, 8, 0)))
    monkeypatch.setattr(repository_module.DailyRepository, "_record", real_record)
    assert DailyRepository(open_store(tmp_path)).get(1).claimed_date is None  # type: ignore[union-attr]  # rolled back
    dispatcher, sender, _ = make_dispatcher(open_store(tmp_path), offload=False)
    sends = run(walk(dispatcher, sender, utc(2026, 1, 5, 8, 1), utc(2026, 1, 5, 12, 0)))
    assert [m for _, m in sends] == [utc(2026, 1, 5, 8, 1)]


CRASHING_PROCESS = textwrap.dedent("""
    import asyncio, os, sys
    from datetime import datetime, timezone
    from bot.content.model import Content, Reflection
    from bot.content.yamlsrc import Where
    from bot.daily.dispatcher import Dispatcher
    from bot.daily.repository import DailyRepository
    from bot.store import Store

    content = Content({}, {}, {}, tuple(Reflection(f"r{i}", f"text {i}", None, Where("t", i)) for i in range(5)),
                      {}, (), {})

    async def die(chat_id, messages):
        os._exit(17)  # the process dies on the spot: no cleanup, no finally, no flush

    store = Store(sys.argv[1])
    dispatcher = Dispatcher(DailyRepository(store), content, die)
    asyncio.run(dispatcher.dispatch_due(datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)))
    sys.exit(0)
""")


def test_a_process_killed_between_claim_and_send_never_sends_twice(tmp_path: Path) -> None:
    path = tmp_path / "feather.sqlite3"
    subscribe(Store(path), 1, time(8, 0), "Europe/London", utc(2026, 1, 5, 7, 0))
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run([sys.executable, "-c", CRASHING_PROCESS, str(path)], env=env, cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 17, result.stderr
    claimed = DailyRepository(Store(path)).get(1)
    assert claimed is not None and claimed.claimed_date == date(2026, 1, 5)
    dispatcher, sender, _ = make_dispatcher(Store(path), small_content(5), offload=False)
    sends = run(walk(dispatcher, sender, utc(2026, 1, 5, 8, 0), utc(2026, 1, 6, 9, 0), timedelta(minutes=1)))
    assert [m for _, m in sends] == [utc(2026, 1, 6, 8, 0)]


def test_a_clean_shutdown_mid_batch_hands_unsent_reflections_back_for_after_the_restart(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    for chat in range(1, 21):
        subscribe(store, chat, time(8, 0), "Europe/London", utc(2026, 1, 5, 7, 0))
    gate = asyncio.Event

    async def scenario() -> list[int]:
        clock = FakeTime()
        release = gate()
        sender = RecordingSender(clock)

        async def slow(chat_id, messages):  # type: ignore[no-untyped-def]
            result = await sender(chat_id, messages)
            if len(sender.sent) >= 5:
                await release.wait()  # the fifth send is still in flight when we shut down
            return result

        dispatcher = Dispatcher(DailyRepository(store), small_content(30), slow, rate=1000, workers=1,
                                monotonic=clock.monotonic, sleep=clock.sleep)
        task = asyncio.create_task(dispatcher.dispatch_due(utc(2026, 1, 5, 8, 0)))
        while len(sender.sent) < 5:
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return sender.chats()

    delivered = run(scenario())
    assert len(delivered) == 5
    # After the restart: the 15 never handed to the sender come 5 minutes later; the 4 delivered and
    # the one in flight at shutdown (it may have arrived) do not come again.
    dispatcher, sender, _ = make_dispatcher(open_store(tmp_path), small_content(30), offload=False)
    sends = run(walk(dispatcher, sender, utc(2026, 1, 5, 8, 1), utc(2026, 1, 5, 11, 0)))
    assert {m for _, m in sends} == {utc(2026, 1, 5, 8, 5)}
    assert sorted(delivered + [chat for chat, _ in sends]) == list(range(1, 21))


# ----------------------------------------------------------------------------------- Telegram's answers


def test_a_person_who_blocked_feather_is_unsubscribed_and_others_still_receive(store: Store) -> None:
    for chat in (1, 2, 3):
        subscribe(store, chat, time(8, 0), "Europe/London", utc(2026, 1, 5, 7, 0))
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    sender.script[2] = [SendResult.blocked()]
    stats = run(dispatcher.dispatch_due(utc(2026, 1, 5, 8, 0)))
    assert (stats.sent, stats.blocked) == (2, 1)
    assert sorted(sender.chats()) == [1, 3]
    repo = DailyRepository(store)
    assert repo.get(2) is None and repo.get(1) is not None and repo.get(3) is not None


def test_retry_after_pauses_every_send_for_that_long(store: Store) -> None:
    for chat in range(1, 11):
        subscribe(store, chat, time(8, 0), "Europe/London", utc(2026, 1, 5, 7, 0))
    dispatcher, sender, clock = make_dispatcher(store, rate=25, offload=False)
    sender.script[3] = [SendResult.retry_after(30)]
    stats = run(dispatcher.dispatch_due(utc(2026, 1, 5, 8, 0)))
    assert stats.sent == 10 and stats.flood_waits == 1
    refused_at = next(t for chat, t in sender.attempts if chat == 3)
    later = [t for chat, t in sender.attempts if t > refused_at]
    assert later and min(later) >= refused_at + 30  # nobody was sent anything during the pause
    assert sender.chats().count(3) == 1


def test_an_error_is_retried_five_minutes_later_without_holding_up_anyone(store: Store) -> None:
    for chat in (1, 2):
        subscribe(store, chat, time(8, 0), "Europe/London", utc(2026, 1, 5, 7, 0))
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    sender.script[1] = [SendResult.error("TimedOut")]
    sends = run(walk(dispatcher, sender, utc(2026, 1, 5, 8, 0), utc(2026, 1, 5, 9, 0)))
    assert sends == [(2, utc(2026, 1, 5, 8, 0)), (1, utc(2026, 1, 5, 8, 5))]
    first_try = DailyRepository(store).get(1)
    assert first_try is not None and first_try.next_send == utc(2026, 1, 6, 8, 0)


def test_a_retried_send_is_the_same_reflection(store: Store) -> None:
    subscribe(store, 1, time(8, 0), "Europe/London", utc(2026, 1, 5, 7, 0))
    dispatcher, sender, _ = make_dispatcher(store, small_content(30), offload=False)
    sender.script[1] = [SendResult.error(), SendResult.error()]
    run(walk(dispatcher, sender, utc(2026, 1, 5, 8, 0), utc(2026, 1, 5, 9, 0)))
    assert len(sender.sent) == 1 and len(sender.attempts) == 3
    assert DailyRepository(store).get(1).sent == (DailyRepository(store).get(1).last_reflection,)  # type: ignore[union-attr]


def test_errors_stop_being_retried_after_the_grace_period(store: Store) -> None:
    subscribe(store, 1, time(8, 0), "Europe/London", utc(2026, 1, 5, 7, 0))
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    sender.default = SendResult.error()
    run(walk(dispatcher, sender, utc(2026, 1, 5, 8, 0), utc(2026, 1, 5, 12, 0)))
    assert len(sender.attempts) == 24  # 08:00, then every 5 minutes until 09:55
    sender.default = SendResult.ok()
    sends = run(walk(dispatcher, sender, utc(2026, 1, 5, 12, 0), utc(2026, 1, 6, 9, 0), timedelta(minutes=5)))
    assert [m for _, m in sends] == [utc(2026, 1, 6, 8, 0)]


def test_a_sender_that_raises_counts_as_an_error_not_a_crash(store: Store) -> None:
    subscribe(store, 1, time(8, 0), "Europe/London", utc(2026, 1, 5, 7, 0))

    async def broken(chat_id, messages):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")

    dispatcher = Dispatcher(DailyRepository(store), small_content(3), broken, offload=False)
    stats = run(dispatcher.dispatch_due(utc(2026, 1, 5, 8, 0)))
    assert stats.failed == 1


def test_the_message_is_the_reflection_with_its_question_and_a_settings_button(store: Store) -> None:
    subscribe(store, 1, time(8, 0), "Europe/London", utc(2026, 1, 5, 7, 0))
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    captured = []

    async def keep(chat_id, messages):  # type: ignore[no-untyped-def]
        captured.extend(messages)
        return SendResult.ok()

    dispatcher.sender = keep
    run(dispatcher.dispatch_due(utc(2026, 1, 5, 8, 0)))
    (message,) = captured
    last = DailyRepository(store).get(1).last_reflection  # type: ignore[union-attr]
    reflection = next(r for r in dispatcher.content.reflections if r.id == last)
    assert message.text.startswith(reflection.text[:40])
    assert [b.data for b in message.buttons] == ["dl:set"]


# ----------------------------------------------------------------------------------- other scheduled messages


class DuePrompts:
    """A ``Scheduled`` source (the writing course's, in the app): what is due, handed out once."""

    def __init__(self, due: dict[int, datetime]) -> None:
        self.due = due
        self.claims: list[int] = []

    def claim(self, now: datetime, limit: int) -> list[tuple[int, list[OutMessage]]]:
        ready = sorted((c for c, at in self.due.items() if at <= now), key=self.due.__getitem__)[:limit]
        self.claims.append(len(ready))
        for chat in ready:
            del self.due[chat]
        return [(chat, [OutMessage(f"prompt for {chat}")]) for chat in ready]

    def next_due(self) -> datetime | None:
        return min(self.due.values(), default=None)


def test_other_scheduled_messages_go_through_the_same_loop_and_pace_once_each(store: Store) -> None:
    start = utc(2026, 1, 14, 7, 59)
    subscribe(store, 1, time(8, 0), "Europe/London", start)
    prompts = DuePrompts({2: start + MINUTE, 3: start + MINUTE, 4: start + 30 * MINUTE})
    dispatcher, sender, _ = make_dispatcher(store, offload=False, scheduled=prompts, rate=2.0, batch_size=1)
    assert run(dispatcher.next_due()) == start + MINUTE  # the earlier of the two sources
    assert run(dispatcher.dispatch_due(start)).scheduled == 0
    stats = run(dispatcher.dispatch_due(start + MINUTE))
    assert sorted(sender.chats()) == [1, 2, 3] and stats.sent == 1 and stats.scheduled == 2
    assert [s.text for s in sender.sent if s.chat_id != 1] == ["prompt for 2", "prompt for 3"]
    assert prompts.claims[-3:] == [1, 1, 0]  # batch by batch, until one comes back short
    times = [s.at for s in sender.sent]
    assert times == sorted(times) and times[-1] - times[0] >= 0.9  # paced by the same limiter (2/s)
    run(dispatcher.dispatch_due(start + 2 * MINUTE))
    assert sorted(sender.chats()) == [1, 2, 3]  # never twice
    assert run(dispatcher.next_due()) == start + 30 * MINUTE  # before tomorrow's reflection
