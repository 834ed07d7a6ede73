"""Find a time of day inside a sentence ("half past seven after the kids are asleep").

``parse_time`` reads only a whole answer. At the daily time question people often say more, so
this looks for the one stretch of words that is a time with a clear sign of being one: am/pm,
a colon, "o'clock", "half past", "quarter to", a period of the day after a number, noon, or
"at"/"around" before an hour. A bare number ("8 weeks", "my 2 kids") is never taken, and two
different times in one sentence give nothing: better to ask again than to guess. An hour said
without am/pm ("half past seven") next to an evening word ("after the kids are asleep",
"after dinner") is read as evening; the reply shows the time, so a wrong guess is easy to fix.
"""

from __future__ import annotations

import re
from datetime import time

from bot.daily.timeparse import parse_time

_NUMBER = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_SIGN = re.compile(
    rf"\d{{1,2}}\s*[:.h]\s*\d{{2}}\b|\d\s*(?:am|pm|a\.m|p\.m)|\b{_NUMBER}\s+(?:am|pm|a\.m|p\.m|o'?clock)\b"
    rf"|\b{_NUMBER}\s+(?:in the (?:morning|afternoon|evening)|at night|tonight)\b"
    rf"|\b(?:half|quarter|\w+ minutes?) (?:past|after|to|till|before) {_NUMBER}\b"
    rf"|\b(?:noon|midday|midnight|lunchtime)\b|\b(?:at|around|about|by) {_NUMBER}\b"
)
_EXPLICIT = re.compile(r"am\b|pm\b|a\.m|p\.m|morning|afternoon|evening|night|tonight|:\d{2}|\d{3,4}")
_EVENING = re.compile(r"\b(?:asleep|sleep|bed|bedtime|dinner|supper|tea|after work|tonight|evening|night)\b")
_UNIT = re.compile(r"^(?:weeks?|days?|months?|years?|hours?|minutes?|kids?|children|times|%|percent)\b")
_LONGEST = 6
_WORDS = 40


def find_time(text: str) -> time | None:
    """The time in ``text`` (a whole answer, or one clearly marked stretch of it), else None."""
    whole = parse_time(text)
    if whole is not None:
        return whole
    words = re.sub(r"[!?,;()]+", " ", text.casefold().replace("\u2019", "'")).split()
    if len(words) > _WORDS:
        return None
    found: set[time] = set()
    taken = [False] * len(words)
    for size in range(min(_LONGEST, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            if any(taken[start:start + size]):
                continue
            chunk = " ".join(words[start:start + size]).rstrip(".")
            after = " ".join(words[start + size:start + size + 1])
            if not _SIGN.search(chunk) or _UNIT.match(after):
                continue
            at = parse_time(chunk)
            if at is not None:
                if at.hour < 12 and not _EXPLICIT.search(chunk) and _EVENING.search(" ".join(words)):
                    at = at.replace(hour=at.hour + 12)
                found.add(at)
                taken[start:start + size] = [True] * size
    return found.pop() if len(found) == 1 else None
