"""Pure next-send arithmetic: local wall-clock time + zone -> UTC, across clock changes."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.daily.order import Pick, ordered, pick_next
from bot.daily.schedule import from_db, late_send_allowed, local_to_utc, next_send, parse_hhmm, to_db
from tests.daily.kit import utc


@pytest.mark.parametrize(("zone", "day", "expected"), [
    ("Europe/London", date(2026, 1, 15), utc(2026, 1, 15, 8, 0)),
    ("Europe/London", date(2026, 7, 15), utc(2026, 7, 15, 7, 0)),
    ("America/New_York", date(2026, 1, 15), utc(2026, 1, 15, 13, 0)),
    ("America/New_York", date(2026, 7, 15), utc(2026, 7, 15, 12, 0)),
    ("Australia/Sydney", date(2026, 1, 15), utc(2026, 1, 14, 21, 0)),
    ("Australia/Sydney", date(2026, 7, 15), utc(2026, 7, 14, 22, 0)),
    ("Asia/Kolkata", date(2026, 1, 15), utc(2026, 1, 15, 2, 30)),
    ("UTC", date(2026, 1, 15), utc(2026, 1, 15, 8, 0)),
])
def test_eight_in_the_morning_in_several_zones(zone: str, day: date, expected) -> None:  # type: ignore[no-untyped-def]
    assert local_to_utc(day, time(8, 0), zone) == expected


def test_london_spring_forward_a_missing_time_goes_to_the_next_valid_minute() -> None:
    # 29 March 2026: clocks go from 01:00 GMT to 02:00 BST; 01:30 does not exist.
    assert local_to_utc(date(2026, 3, 29), time(1, 30), "Europe/London") == utc(2026, 3, 29, 1, 0)  # 02:00 BST
    assert local_to_utc(date(2026, 3, 29), time(1, 0), "Europe/London") == utc(2026, 3, 29, 1, 0)
    assert local_to_utc(date(2026, 3, 29), time(2, 0), "Europe/London") == utc(2026, 3, 29, 1, 0)
    assert local_to_utc(date(2026, 3, 29), time(0, 59), "Europe/London") == utc(2026, 3, 29, 0, 59)


def test_new_york_spring_forward_gap() -> None:
    # 8 March 2026: 02:00 EST -> 03:00 EDT.
    assert local_to_utc(date(2026, 3, 8), time(2, 30), "America/New_York") == utc(2026, 3, 8, 7, 0)


def test_lord_howe_half_hour_shift() -> None:
    # Lord Howe Island moves its clocks by 30 minutes (4 October 2026: 02:00 -> 02:30).
    assert local_to_utc(date(2026, 10, 4), time(2, 15), "Australia/Lord_Howe") == \
        local_to_utc(date(2026, 10, 4), time(2, 30), "Australia/Lord_Howe")


def test_london_fall_back_a_repeated_time_is_its_first_occurrence() -> None:
    # 25 October 2026: 01:00-01:59 happens twice (BST, then GMT); fold=0 is the first.
    assert local_to_utc(date(2026, 10, 25), time(1, 30), "Europe/London") == utc(2026, 10, 25, 0, 30)


def test_eight_stays_eight_across_the_clock_change() -> None:
    before = next_send(time(8, 0), "Europe/London", utc(2026, 3, 28, 0, 0))
    after = next_send(time(8, 0), "Europe/London", before, taken=date(2026, 3, 28))
    assert (before, after) == (utc(2026, 3, 28, 8, 0), utc(2026, 3, 29, 7, 0))
    autumn = next_send(time(8, 0), "Europe/London", utc(2026, 10, 25, 0, 0))
    assert autumn == utc(2026, 10, 25, 8, 0)


def test_next_send_is_today_when_still_ahead_else_tomorrow() -> None:
    assert next_send(time(8, 0), "Europe/London", utc(2026, 1, 15, 7, 59)) == utc(2026, 1, 15, 8, 0)
    assert next_send(time(8, 0), "Europe/London", utc(2026, 1, 15, 8, 0)) == utc(2026, 1, 15, 8, 0)
    assert next_send(time(8, 0), "Europe/London", utc(2026, 1, 15, 8, 1)) == utc(2026, 1, 16, 8, 0)


def test_next_send_never_lands_on_a_taken_local_date() -> None:
    # Today's reflection was already claimed: even at 07:00, the next one is tomorrow.
    assert next_send(time(8, 0), "Europe/London", utc(2026, 1, 15, 7, 0), taken=date(2026, 1, 15)) == \
        utc(2026, 1, 16, 8, 0)
    # Sydney's local date is already the 16th at 21:30 UTC on the 15th.
    assert next_send(time(8, 0), "Australia/Sydney", utc(2026, 1, 15, 12, 0), taken=date(2026, 1, 16)) == \
        utc(2026, 1, 16, 21, 0)


def test_grace_is_two_hours() -> None:
    scheduled = utc(2026, 1, 15, 8, 0)
    assert late_send_allowed(scheduled, utc(2026, 1, 15, 9, 59))
    assert not late_send_allowed(scheduled, utc(2026, 1, 15, 10, 0))


def test_stored_instants_sort_as_text() -> None:
    moments = [utc(2026, 1, 15, 8, 0), utc(2026, 1, 9, 23, 0), utc(2026, 12, 1, 0, 0)]
    assert sorted(to_db(m) for m in moments) == [to_db(m) for m in sorted(moments)]
    assert from_db(to_db(moments[0])) == moments[0]
    assert parse_hhmm("0830") == time(8, 30) and parse_hhmm("2460") is None


# ----------------------------------------------------------------------------------- order (pure)

IDS = [f"r{i:03d}" for i in range(1, 21)]


def test_a_cycle_sends_every_reflection_once_in_the_persons_order() -> None:
    sent: tuple[str, ...] = ()
    cycle = 1
    seen = []
    for _ in IDS:
        pick = pick_next("seed-a", cycle, sent, IDS)
        assert pick is not None
        seen.append(pick.reflection_id)
        sent, cycle = pick.sent, pick.cycle
    assert sorted(seen) == IDS
    assert seen == ordered("seed-a", 1, IDS)


def test_people_get_different_orders() -> None:
    assert ordered("seed-a", 1, IDS) != ordered("seed-b", 1, IDS)


def test_a_new_cycle_starts_in_a_new_order_and_never_repeats_the_last_one() -> None:
    for seed in (f"s{i}" for i in range(200)):
        last = ordered(seed, 1, IDS)[-1]
        pick = pick_next(seed, 1, tuple(IDS), IDS, last=last)
        assert isinstance(pick, Pick) and pick.cycle == 2 and pick.reflection_id != last
        assert pick.sent == (pick.reflection_id,)


def test_no_reflections_no_pick() -> None:
    assert pick_next("s", 1, (), []) is None
