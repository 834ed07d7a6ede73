"""The watch (bot/engine/watch.py): how long it lasts, what lowers it, and that nothing but time
and messages together ends it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.engine import watch
from bot.engine.types import UserState
from bot.safety.detector import SafetyResult

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


def on_watch(level: str = watch.CRISIS) -> UserState:
    state = UserState()
    watch.start(state, level, NOW)
    return state


def test_it_ends_only_when_both_the_messages_and_the_hours_have_passed() -> None:
    state = on_watch()
    for _ in range(watch.MESSAGES):
        watch.tick(state)
    watch.expire(state, NOW + timedelta(hours=watch.HOURS - 1))
    assert state.watch == watch.CRISIS  # ten messages, but not yet a day
    watch.expire(state, NOW + timedelta(hours=watch.HOURS))
    assert (state.watch, state.watch_until, state.watch_left) == (None, None, 0)
    state = on_watch()
    watch.tick(state)
    watch.expire(state, NOW + timedelta(days=3))
    assert state.watch == watch.CRISIS  # three days, but only one message


def test_im_safe_lowers_the_level_and_never_ends_it() -> None:
    state = on_watch()
    for _ in range(3):
        watch.lower(state)
    assert state.watch == watch.CHECKIN and state.watch_left == watch.MESSAGES


def test_a_new_reply_never_lowers_the_level_and_starts_a_fresh_watch() -> None:
    state = on_watch(watch.CRISIS)
    watch.tick(state)
    watch.start(state, watch.CHECKIN, NOW + timedelta(hours=5))
    assert state.watch == watch.CRISIS and state.watch_left == watch.MESSAGES
    assert state.watch_until == (NOW + timedelta(hours=5 + watch.HOURS)).isoformat(timespec="seconds")


def test_what_counts_as_risky_on_watch() -> None:
    assert watch.risky(SafetyResult(None, signals=frozenset({"means"})))
    assert watch.risky(SafetyResult("checkin"))
    assert not watch.risky(SafetyResult(None, signals=frozenset({"reassure"})))
    assert not watch.risky(SafetyResult())
    assert watch.reassured(SafetyResult(None, signals=frozenset({"reassure"})))
    assert not watch.reassured(SafetyResult(None, signals=frozenset({"reassure", "means"})))


def test_the_state_keeps_only_a_level_a_time_and_a_count() -> None:
    stored = on_watch().to_dict()
    assert {k: stored[k] for k in ("watch", "watch_until", "watch_left")} == {
        "watch": "crisis", "watch_until": "2026-12-08T03:00:00+00:00", "watch_left": 10}
    assert UserState.from_dict(stored).watch == "crisis"
