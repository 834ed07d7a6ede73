"""The scheduled prompts table: one row while a prompt is scheduled, each handed out at most once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store import Store
from bot.writing.repository import WritingSchedule

NOW = datetime(2026, 3, 4, 21, 10, tzinfo=UTC)


def schedule(tmp_path: Path) -> WritingSchedule:
    return WritingSchedule(Store(tmp_path / "w.sqlite3"))


def test_set_replace_clear(tmp_path: Path) -> None:
    table = schedule(tmp_path)
    table.set(1, 2, NOW + timedelta(days=1), NOW)
    table.set(1, 3, NOW + timedelta(days=2), NOW)  # one row per person: the latest choice
    due = table.get(1)
    assert due is not None and (due.step, due.due) == (3, NOW + timedelta(days=2))
    assert table.clear(1) and table.get(1) is None and not table.clear(1)


def test_due_prompts_are_claimed_once_in_order_and_only_when_due(tmp_path: Path) -> None:
    table = schedule(tmp_path)
    for chat, hours in ((1, 3), (2, 1), (3, 30)):
        table.set(chat, chat, NOW + timedelta(hours=hours), NOW)
    assert table.next_due() == NOW + timedelta(hours=1)
    assert table.claim_due(NOW, 10) == []
    later = NOW + timedelta(hours=5)
    assert [(d.chat_id, d.step) for d in table.claim_due(later, 10)] == [(2, 2), (1, 1)]
    assert table.claim_due(later, 10) == []  # never twice
    assert table.get(3) is not None and table.next_due() == NOW + timedelta(hours=30)


def test_a_batch_takes_at_most_the_limit(tmp_path: Path) -> None:
    table = schedule(tmp_path)
    for chat in range(5):
        table.set(chat, 0, NOW, NOW)
    assert len(table.claim_due(NOW, 3)) == 3 and len(table.claim_due(NOW, 3)) == 2
