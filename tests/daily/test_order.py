"""Each person's own order, through the real store and dispatcher: no repeat until all have been
sent, across restarts, with reflections added or removed along the way."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

from bot.daily.repository import DailyRepository
from tests.daily.kit import make_dispatcher, open_store, real_core, run, small_content, utc
from tests.daily.test_dispatch import subscribe, walk

DAY = timedelta(days=1)


def sent_ids(tmp_path: Path, content, start, days: int, chat: int = 1) -> list[str]:  # type: ignore[no-untyped-def]
    """Reflection ids sent to ``chat`` on each of ``days`` days from ``start`` (a fresh process)."""
    store = open_store(tmp_path)
    dispatcher, sender, _ = make_dispatcher(store, content, offload=False)
    repo = DailyRepository(store)
    ids = []
    for day in range(days):
        moment = start + day * DAY
        before = len(sender.sent)
        run(dispatcher.dispatch_due(moment))
        if len(sender.sent) > before:
            ids.append(repo.get(chat).last_reflection)  # type: ignore[union-attr]
    return ids


def test_a_full_cycle_has_no_repeat_then_a_new_order_begins(tmp_path: Path) -> None:
    content = small_content(7)
    subscribe(open_store(tmp_path), 1, time(8, 0), "Europe/London", utc(2026, 1, 1, 7, 0))
    first = sent_ids(tmp_path, content, utc(2026, 1, 1, 8, 0), 7)
    second = sent_ids(tmp_path, content, utc(2026, 1, 8, 8, 0), 7)
    assert sorted(first) == sorted(second) == [f"r{i}" for i in range(1, 8)]
    assert first[-1] != second[0]  # never the same reflection two days running


def test_the_order_survives_restarts(tmp_path: Path) -> None:
    content = small_content(10)
    subscribe(open_store(tmp_path), 1, time(8, 0), "Europe/London", utc(2026, 1, 1, 7, 0))
    # One process per day: every day is a restart.
    days = [sent_ids(tmp_path, content, utc(2026, 1, 1, 8, 0) + n * DAY, 1)[0] for n in range(10)]
    assert sorted(days) == sorted(f"r{i}" for i in range(1, 11))


def test_a_reflection_added_mid_cycle_joins_the_unsent_pool(tmp_path: Path) -> None:
    subscribe(open_store(tmp_path), 1, time(8, 0), "Europe/London", utc(2026, 1, 1, 7, 0))
    before = sent_ids(tmp_path, small_content(5), utc(2026, 1, 1, 8, 0), 3)
    after = sent_ids(tmp_path, small_content(6), utc(2026, 1, 4, 8, 0), 3)  # r6 is new
    assert len(set(before + after)) == 6
    assert "r6" in after
    sub = DailyRepository(open_store(tmp_path)).get(1)
    assert sub is not None and sub.cycle == 1 and len(sub.sent) == 6


def test_a_deleted_reflection_is_never_sent_again(tmp_path: Path) -> None:
    subscribe(open_store(tmp_path), 1, time(8, 0), "Europe/London", utc(2026, 1, 1, 7, 0))
    full = small_content(6)
    without_r3 = full.__class__(**{**full.__dict__, "reflections": tuple(r for r in full.reflections if r.id != "r3")})
    ids = sent_ids(tmp_path, without_r3, utc(2026, 1, 1, 8, 0), 10)
    assert "r3" not in ids and sorted(ids[:5]) == ["r1", "r2", "r4", "r5", "r6"]


def test_two_people_get_different_orders_of_the_real_reflections(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    for chat in (1, 2):
        subscribe(store, chat, time(8, 0), "Europe/London", utc(2026, 1, 1, 7, 0))
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    repo = DailyRepository(store)
    orders: dict[int, list[str]] = {1: [], 2: []}
    for day in range(10):
        run(dispatcher.dispatch_due(utc(2026, 1, 1, 8, 0) + day * DAY))
        for chat in orders:
            orders[chat].append(repo.get(chat).last_reflection)  # type: ignore[union-attr]
    assert orders[1] != orders[2]
    assert len(set(orders[1])) == 10 and len(set(orders[2])) == 10


def test_a_whole_cycle_of_the_real_reflections_has_no_repeat(tmp_path: Path) -> None:
    content = real_core().content
    subscribe(open_store(tmp_path), 1, time(8, 0), "Europe/London", utc(2026, 1, 1, 7, 0))
    store = open_store(tmp_path)
    dispatcher, sender, _ = make_dispatcher(store, content, offload=False)
    first = utc(2026, 1, 1, 8, 0)
    sends = run(walk(dispatcher, sender, first, first + (len(content.reflections) - 1) * DAY, DAY))
    texts = [s.text for s in sender.sent]
    assert len(sends) == len(content.reflections) == len(set(texts))
