"""Read a time of day ("8:30", "8pm", "half past seven", "noon") or a date ("12 March", "2025-03-12").

Both parsers accept only a whole answer: "8pm" is a time, "I lost my baby at 8 weeks" is not.
Anything they cannot read with confidence gives ``None``, so the conversation can fall back to
ordinary matching instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import time

PRESETS: dict[str, time] = {
    "morning": time(8, 0),
    "in the morning": time(8, 0),
    "lunch": time(12, 30),
    "lunchtime": time(12, 30),
    "lunch time": time(12, 30),
    "evening": time(20, 0),
    "in the evening": time(20, 0),
    "noon": time(12, 0),
    "midday": time(12, 0),
    "mid day": time(12, 0),
    "midnight": time(0, 0),
}
"""Words that are a time on their own (the three buttons, noon, midnight)."""

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
_MINUTE_WORDS = {
    "oh five": 5, "o five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty five": 25,
    "thirty": 30, "forty": 40, "forty five": 45, "fifty": 50, "fifty five": 55,
}
_FILLER = re.compile(
    r"^(?:(?:please|ok|okay|maybe|perhaps|say|let'?s say|how about|what about|i'?d like|i would like|"
    r"could you do|can you do|send it|send them|at|around|about|roughly|by|for)\s+)+"
)
_TRAIL = re.compile(r"(?:\s+(?:please|thanks|thank you|would be good|would be great|is good|is fine|works))+$")
_CLOCK = re.compile(r"^(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*(am|pm|a\.m\.?|p\.m\.?|o'?clock|hrs|h)?$")
_COMPACT = re.compile(r"^([01]\d|2[0-3])([0-5]\d)$")
_PERIOD = re.compile(
    r"\s+(in the morning|in the afternoon|in the evening|at night|tonight|this evening|"
    r"this morning|morning|evening|night)$"
)


def _clean(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    folded = re.sub(r"[!?,;]+", " ", folded)
    folded = re.sub(r"\s+", " ", folded).strip().rstrip(".").strip()
    folded = _FILLER.sub("", folded)
    return _TRAIL.sub("", folded).strip()


def _apply_period(hour: int, period: str | None) -> int | None:
    """Apply am/pm (or 'in the evening') to an hour; None when they contradict (13pm)."""
    if period is None:
        return hour if 0 <= hour <= 23 else None
    if period in ("am", "a.m", "a.m.", "morning", "in the morning", "this morning"):
        if not 1 <= hour <= 12:
            return None
        return 0 if hour == 12 else hour
    if period in ("pm", "p.m", "p.m.", "in the afternoon", "in the evening", "at night", "tonight",
                  "this evening", "evening", "night"):
        if not 1 <= hour <= 12:
            return hour if 13 <= hour <= 23 else None
        if hour == 12:
            return 0 if period in ("at night", "night") else 12
        return hour + 12
    return hour if 0 <= hour <= 23 else None


def _hour_word(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


def parse_time(text: str) -> time | None:
    """A time of day from a short answer, or None. Hours without am/pm are read as 24-hour."""
    cleaned = _clean(text)
    if not cleaned or len(cleaned) > 40:
        return None
    if cleaned in PRESETS:
        return PRESETS[cleaned]
    period: str | None = None
    found = _PERIOD.search(cleaned)
    if found:
        period = found.group(1)
        cleaned = cleaned[: found.start()].strip()
    if cleaned in ("noon", "midday", "midnight") and period is None:
        return PRESETS[cleaned]
    compact = _COMPACT.match(cleaned)
    if compact and period is None:
        return time(int(compact.group(1)), int(compact.group(2)))
    clock = _CLOCK.match(cleaned)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2) or 0)
        suffix = clock.group(3)
        if suffix in ("o'clock", "oclock", "hrs", "h"):
            suffix = None
        if suffix and period:
            return None
        hour_24 = _apply_period(hour, suffix.rstrip(".") if suffix else period)
        if hour_24 is None or minute > 59:
            return None
        return time(hour_24, minute)
    return _words_time(cleaned, period)


_WORD_PERIOD = re.compile(r"^(.*?)\s*(am|pm)$")
_RELATIVE = re.compile(r"^(half|quarter|a quarter|(\w+(?: \w+)?)(?: minutes?)?) (past|after|to|till|before) (\w+)$")


def _words_time(cleaned: str, period: str | None) -> time | None:
    """'half past seven', 'quarter to nine', 'seven thirty', 'eight o'clock', 'ten pm'."""
    found = _WORD_PERIOD.match(cleaned)
    if found:
        if period is not None:
            return None
        cleaned, period = found.group(1), found.group(2)
    cleaned = re.sub(r"\s*o'?clock$", "", cleaned).strip()
    relative = _RELATIVE.match(cleaned)
    if relative:
        hour = _hour_word(relative.group(4))
        if hour is None or hour > 12:
            return None
        if relative.group(1) == "half":
            amount = 30
        elif relative.group(1) in ("quarter", "a quarter"):
            amount = 15
        else:
            number = re.sub(r"\s*minutes?$", "", relative.group(2))
            amount = int(number) if number.isdigit() else _MINUTE_WORDS.get(number, -1)
            if not 0 < amount < 60:
                return None
        hour_24 = _apply_period(hour, period)
        if hour_24 is None:
            return None
        if relative.group(3) in ("to", "till", "before"):
            if amount == 30:
                return None
            return time((hour_24 - 1) % 24, 60 - amount)
        return time(hour_24, amount)
    words = cleaned.split()
    if not words or len(words) > 3:
        return None
    hour = _hour_word(words[0])
    if hour is None:
        return None
    minute = 0
    if len(words) > 1:
        minute_text = " ".join(words[1:])
        if words[0].isdigit() or minute_text not in _MINUTE_WORDS:
            return None
        minute = _MINUTE_WORDS[minute_text]
    hour_24 = _apply_period(hour, period)
    return None if hour_24 is None else time(hour_24, minute)


# ----------------------------------------------------------------------------------- dates
_MONTHS = {  # what people type; replies write dates with messages.yaml's names (bot/engine/dates.py)
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
_MONTH = r"([a-z]+)\.?"
_YEAR = r"(?:,?\s*(\d{4}))?"
_DAY_MONTH = re.compile(rf"^(?:the\s+)?{_ORDINAL}\s*(?:of\s+)?{_MONTH}{_YEAR}$")
_MONTH_DAY = re.compile(rf"^{_MONTH}\s+(?:the\s+)?{_ORDINAL}{_YEAR}$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")


@dataclass(frozen=True)
class MonthDay:
    """A date that comes back each year. Only month and day are kept: the year is not needed."""

    month: int
    day: int

    def code(self) -> str:
        """'0312' for 12 March: how it travels in button data and is stored."""
        return f"{self.month:02d}{self.day:02d}"

    @classmethod
    def from_code(cls, code: str) -> MonthDay | None:
        if not re.fullmatch(r"\d{4}", code or ""):
            return None
        return _valid(int(code[:2]), int(code[2:]))


    def falls_on(self, day_of_year_month: int, day_of_month: int, leap_year: bool) -> bool:
        """True on this date; 29 February is remembered on 28 February in other years."""
        if (self.month, self.day) == (2, 29) and not leap_year:
            return (day_of_year_month, day_of_month) == (2, 28)
        return (self.month, self.day) == (day_of_year_month, day_of_month)


def _valid(month: int, day: int) -> MonthDay | None:
    if 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        return MonthDay(month, day)
    return None


def parse_date(text: str) -> MonthDay | None:
    """A day and month from '12 March', 'March 12th', '2025-03-12', '12/03' (day first), or None."""
    cleaned = _clean(text)
    cleaned = re.sub(r"^(?:it was|it's|it is|on)\s+", "", cleaned)
    if not cleaned or len(cleaned) > 30:
        return None
    found = _ISO.match(cleaned)
    if found:
        return _valid(int(found.group(2)), int(found.group(3)))
    found = _DAY_MONTH.match(cleaned)
    if found and found.group(2) in _MONTHS:
        return _valid(_MONTHS[found.group(2)], int(found.group(1)))
    found = _MONTH_DAY.match(cleaned)
    if found and found.group(1) in _MONTHS:
        return _valid(_MONTHS[found.group(1)], int(found.group(2)))
    found = _NUMERIC.match(cleaned)
    if found:
        first, second = int(found.group(1)), int(found.group(2))
        # Day first (12/03 is 12 March); when that cannot be a date, month first (03/25).
        return _valid(second, first) or _valid(first, second)
    return None
