"""How a told loss shapes the reply: which stage it is at, and the line that mirrors it back."""

from __future__ import annotations

from collections.abc import Callable

from bot.content.model import STAGES
from bot.understanding.about import About

__all__ = ["STAGES", "mirror", "stage", "when_words"]

LATER_KINDS = frozenset({"stillbirth", "neonatal"})


def stage(about: About, limits: dict[str, float]) -> str:
    """recent | later | long_ago | unknown. Long ago wins (a stillbirth 20 years ago needs
    remembrance, not milk); then a later loss in its first months (milk, memories, leave)."""
    since = about.since_days
    if since is not None and since > limits["long_ago_days"]:
        return "long_ago"
    later = about.kind in LATER_KINDS or (about.weeks is not None and about.weeks >= limits["later_weeks"])
    if later and (since is None or since <= limits["later_until_days"]):
        return "later"
    if since is not None and since <= limits["recent_days"]:
        return "recent"
    return "unknown"


def when_words(days: int, text: Callable[[str], str]) -> str:
    """ "yesterday", "3 days ago", "about a month ago", "about 2 years ago": roughly, as people
    say it, worded by messages.yaml (story_when_*)."""
    if days <= 0:
        return text("story_when_today")
    if days == 1:
        return text("story_when_yesterday")
    if days < 7:
        return text("story_when_days").format(n=days)
    if days < 14:
        return text("story_when_week")
    if days < 28:
        return text("story_when_weeks").format(n=round(days / 7))
    if days < 45:
        return text("story_when_month")
    if days < 335:
        return text("story_when_months").format(n=max(2, round(days / 30)))
    if days < 547:
        return text("story_when_year")
    return text("story_when_years").format(n=round(days / 365))


def mirror(about: About, text: Callable[[str], str]) -> str:
    """The first lines of the reply: sorry (with the name when given), then what they told."""
    sorry = text("story_sorry_name").format(name=about.name) if about.name else text("story_sorry")
    details = []
    if about.weeks is not None:
        details.append(text("story_at_weeks").format(weeks=about.weeks))
    if about.since_days is not None:
        details.append(when_words(about.since_days, text))
    elif about.year is not None:
        details.append(text("story_in_year").format(year=about.year))
    heard = text("story_heard_details").format(details=", ".join(details)) if details else text(
        "story_heard")
    return f"{sorry}\n\n{heard}"
