"""Bleeding by the clock: pads counted between two clock times, against the hours between them.

facts.md B8: soaking a pad every hour or faster is urgent. A writer often gives times instead of a
duration ("filled 7 pads since the tablets at 2pm, it's 6 now", "changed three times since 8 and
it's not even 10"), which a pattern cannot compare: this reads the count and the two times of a
normalised English message and says whether the rate is a pad an hour or faster. The detector
asks the medical guards about the stretch read, as for any medical pattern (a question about the
signs, the past). Without am or pm on both times, the two are read within the same half day (the
shortest gap): "since 8 this morning ... 6pm" has both and is ten hours.
"""

from __future__ import annotations

import re

_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a dozen": 12}
_NUMBER = r"(?:[2-9]|1[0-9]|20|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen)"
_PADS = r"(?:pads|towels|maxi pads|night pads|maternity pads|sanitary pads|sanitary towels|tampons)"

COUNT = re.compile(
    rf"\b(?P<n>{_NUMBER}) (?:\w+ )?{_PADS}\b"
    rf"|\b(?:changed|change|changing|swapped|replaced|soaked|filled|gone through|went through|been through)"
    rf" (?:\w+ ){{0,4}}?(?P<t>{_NUMBER}) times\b")

CONTEXT = re.compile(r"\b(?:pad|pads|towel|towels|bleed\w*|bled|blood|clots?|knickers|sheets|tampons?)\b")
"""A count of changes ("changed three times") is of pads only beside one of these words."""


def _clock(x: str) -> str:
    return (rf"(?:(?P<h{x}>[1-9]|1[0-2])(?: (?P<m{x}>[0-5]\d))?(?: ?(?P<p{x}>am|pm))?"
            rf"|(?P<H{x}>1[3-9]|2[0-3]) (?P<M{x}>[0-5]\d)|(?P<noon{x}>noon|midday)|(?P<night{x}>midnight)"
            rf"|half (?:past )?(?P<half{x}>[1-9]|1[0-2])|quarter past (?P<qp{x}>[1-9]|1[0-2])"
            rf"|quarter to (?P<qt{x}>[1-9]|1[0-2]))")


_PART = (r"(?: (?P<part{x}>this morning|in the morning|this afternoon|in the afternoon|this evening"
         r"|in the evening|tonight|last night))?")

FROM = re.compile(
    r"\b(?:since|from|between|starting at|started at|began at|starting around)(?: \w+){0,3}?"
    r" (?:at |about |around |roughly |just after |just before |like )?" + _clock("a") + r"\b"
    + _PART.format(x="a"))
TO = re.compile(
    r"\b(?:it is|it s|its|now it is|now its|and now|now|by|till|until|til|to|it is now|it s now|and it is"
    r"|and it s|now at|still only|yet it is|and)"
    r" (?:only |just |nearly |almost |about |around |gone |not even |barely |already |just gone |not yet "
    r"|hardly |half )?"
    + _clock("b") + r"\b" + _PART.format(x="b")
    + r"(?! (?:\w+ )?(?:pads|towels|times|days|weeks|hours|hrs|mins|minutes|pounds|quid|people|of)\b)"
    r"|\b" + _clock("c") + r" now\b")

_PM = ("this afternoon", "in the afternoon", "this evening", "in the evening", "tonight")
_AM = ("this morning", "in the morning")


def _minutes(match: re.Match[str], x: str) -> tuple[int, bool]:
    """Minutes after midnight, and whether the half of the day is known."""
    if match.group(f"noon{x}"):
        return 12 * 60, True
    if match.group(f"night{x}"):
        return 0, True
    for name, hour_of, minute in (("half", 0, 30), ("qp", 0, 15), ("qt", -1, 45)):
        if match.group(f"{name}{x}"):
            hour = (int(match.group(f"{name}{x}")) + hour_of) % 12
            return _half_day(match, x, hour * 60 + minute)
    if match.group(f"H{x}"):
        return int(match.group(f"H{x}")) * 60 + int(match.group(f"M{x}")), True
    return _half_day(match, x, int(match.group(f"h{x}")) % 12 * 60 + int(match.group(f"m{x}") or 0))


def _half_day(match: re.Match[str], x: str, minutes: int) -> tuple[int, bool]:
    """``minutes`` (in the first half of the day) placed by am, pm or "this evening" if said."""
    period = match.groupdict().get(f"p{x}")
    part = match.groupdict().get(f"part{x}")
    if period == "pm" or part in _PM:
        return minutes + 12 * 60, True
    if period == "am" or part in _AM:
        return minutes, True
    return minutes, False


def fast_by_the_clock(norm: str) -> tuple[int, int] | None:
    """The span (start, end in ``norm``) of a count of pads and two clock times that make a pad an
    hour or faster, or None."""
    count = COUNT.search(norm)
    start = FROM.search(norm)
    if count is None or start is None:
        return None
    end = TO.search(norm, start.end()) or next(
        (m for m in TO.finditer(norm) if m.end() <= start.start()), None)
    if end is None:
        return None
    x = "b" if any(end.group(f"{g}b") for g in ("h", "H", "noon", "night", "half", "qp", "qt")) else "c"
    begun, known_a = _minutes(start, "a")
    now, known_b = _minutes(end, x)
    gap = now - begun
    if not (known_a and known_b):
        gap %= 12 * 60  # the same half of the day: the shortest gap
    elif gap < 0:
        gap += 24 * 60
    if gap <= 0 or gap > 12 * 60:
        return None
    if count.group("t") and CONTEXT.search(norm) is None:
        return None  # an outfit or a nappy changed three times
    word = count.group("n") or count.group("t")
    pads = _NUMBERS[word] if word in _NUMBERS else int(word)
    if pads < 2 or pads * 60 < gap:
        return None
    spans = (count.span(), start.span(), end.span())
    return min(s[0] for s in spans), max(s[1] for s in spans)
