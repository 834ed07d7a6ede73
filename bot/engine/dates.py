"""Dates as people read them, from messages.yaml's month and weekday names (``date_*``)."""

from __future__ import annotations

from datetime import date, datetime

from bot.engine.words import Words


class Dates:
    def __init__(self, words: Words) -> None:
        self.words = words
        self.months = _names(words.text("date_months"))
        self.weekdays = _names(words.text("date_weekdays"))

    def day_month(self, month: int, day: int) -> str:
        """"14 March": a remembered date, without a year."""
        return self.words.text("date_day_month", day=str(day), month=self.months[month - 1])

    def month_year(self, month: int, year: int) -> str:
        """"March 2024": roughly when, as kept about a loss."""
        return self.words.text("date_month_year", month=self.months[month - 1], year=str(year))

    def full(self, day: date) -> str:
        """"14 March 2026"."""
        return self.words.text("date_day_month_year", day=str(day.day), month=self.months[day.month - 1],
                               year=str(day.year))

    def weekday(self, day: date) -> str:
        """"Friday 14 March"."""
        return self.words.text("date_weekday_day_month", weekday=self.weekdays[day.weekday()], day=str(day.day),
                               month=self.months[day.month - 1])

    def moment_utc(self, moment: datetime) -> str:
        """"14 March 2026, 08:00 UTC": a stored moment, in UTC as it is stored."""
        return self.words.text("date_moment_utc", day=str(moment.day), month=self.months[moment.month - 1],
                               year=str(moment.year), time=f"{moment:%H:%M}")


def _names(listed: str) -> list[str]:
    return [name.strip() for name in listed.split(",")]


def names_problems(words: Words) -> list[str]:
    """What --check says about ``date_months`` and ``date_weekdays``."""
    problems = []
    for key, count in (("date_months", 12), ("date_weekdays", 7)):
        names = _names(words.text(key))
        if len(names) != count or not all(names):
            problems.append(f"message '{key}' needs {count} names separated by commas")
    return problems
