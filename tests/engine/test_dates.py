"""Dates are written with messages.yaml's month and weekday names, by one helper."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from bot.app import Core
from bot.engine.dates import Dates, names_problems
from bot.engine.words import Words


def test_every_form_of_a_date(core: Core) -> None:
    dates = Dates(core.engine.words)
    assert dates.day_month(3, 12) == "12 March"
    assert dates.full(date(2026, 3, 12)) == "12 March 2026"
    assert dates.weekday(date(2026, 3, 13)) == "Friday 13 March"
    assert dates.moment_utc(datetime(2026, 3, 12, 8, 5, tzinfo=UTC)) == "12 March 2026, 08:05 UTC"


def test_the_names_come_from_the_content(core: Core) -> None:
    content = core.content
    messages = {**content.messages, "date_months": ("Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Nov, Dec",)}
    words = Words(replace(content, messages=messages))
    assert Dates(words).day_month(12, 25) == "25 Dec"
    assert names_problems(words) == []


def test_check_wants_twelve_months_and_seven_days(core: Core) -> None:
    messages = {**core.content.messages, "date_months": ("January, February",), "date_weekdays": ("Monday",)}
    problems = names_problems(Words(replace(core.content, messages=messages)))
    assert problems == ["message 'date_months' needs 12 names separated by commas",
                        "message 'date_weekdays' needs 7 names separated by commas"]
