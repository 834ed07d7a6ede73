"""A time inside a sentence, at the daily time question; never a number that is not a time."""

from __future__ import annotations

from datetime import time

import pytest

from bot.daily.timefind import find_time


@pytest.mark.parametrize(("text", "expected"), [
    ("half past seven after the kids are asleep", time(19, 30)),
    ("half past seven before work", time(7, 30)),
    ("probably 9pm once the baby's down", time(21, 0)),
    ("I think 7:30 would be good for me", time(7, 30)),
    ("around 8 after dinner", time(20, 0)),
    ("around 8 in the morning before everyone is up", time(8, 0)),
    ("at 7:30 after dinner", time(7, 30)),  # a clock time is taken as written
    ("quarter to ten in the evening, when it's quiet", time(21, 45)),
    ("something like eight in the evening please", time(20, 0)),
    ("at noon on my lunch break", time(12, 0)),
    ("8pm", time(20, 0)),  # a whole answer still works
    ("20:15", time(20, 15)),
])
def test_a_time_in_a_sentence_is_found(text: str, expected: time) -> None:
    assert find_time(text) == expected


@pytest.mark.parametrize("text", [
    "I lost my baby at 8 weeks",
    "I'm in the UK",
    "my 2 kids wake up early",
    "mornings are the hardest for me",
    "not sure, maybe 7am or 9pm",  # two different times: ask again rather than guess
    "it was 12 years ago",
    "",
])
def test_no_time_where_there_is_none_or_two(text: str) -> None:
    assert find_time(text) is None
