"""Keeping with consent (the offer travels in its button) and the stage a told loss is at."""

from __future__ import annotations

from datetime import date

import pytest

from bot.engine.callbacks import decode, encode
from bot.understanding.about import About
from bot.understanding.fit import Person, needs_plain_sibling, pick, variant_fits
from bot.understanding.keep import Kept
from bot.understanding.story import mirror, stage, when_words

LIMITS = {"recent_days": 14, "later_weeks": 16, "later_until_days": 90, "long_ago_days": 365}
TODAY = date(2026, 12, 7)


def test_the_offer_fits_a_button_and_comes_back_whole() -> None:
    kept = Kept.from_about(About(kind="stillbirth", since_days=730, names=("Zoë",), role="carried"),
                           TODAY)
    assert kept == Kept("carried", "stillbirth", "2024-12", "Zoë")
    data = encode("keep", kept.encode())
    press = decode(data)
    assert press is not None and Kept.decode(press.arg) == kept


@pytest.mark.parametrize("arg", ["x.-.-.-", "c.9.-.-", "c.-.202613.-", "c.-.-.!!", "-.-.-", "c.-.-.PHNjcmlwdD4"])
def test_a_forged_offer_is_refused(arg: str) -> None:
    assert Kept.decode(arg) is None


def test_a_long_name_is_not_offered_and_the_month_is_approximate() -> None:
    kept = Kept.from_about(About(since_days=3, names=("Maximilian-Alexander Christopher",)), TODAY)
    assert kept.name is None and kept.month == "2026-12"
    assert Kept(month="2026-11").since_days(TODAY) == 22


@pytest.mark.parametrize(("about", "expected"), [
    (About(weeks=9, since_days=3), "recent"),
    (About(weeks=38, since_days=3), "later"),
    (About(kind="stillbirth", since_days=7300), "long_ago"),
    (About(kind="neonatal"), "later"),
    (About(kind="miscarriage", since_days=60), "unknown"),
    (About(kind="neonatal", since_days=365), "unknown"),
])
def test_stage(about: About, expected: str) -> None:
    assert stage(about, LIMITS) == expected


def test_the_mirror_uses_what_was_said_and_nothing_else() -> None:
    words = {"story_sorry": "I'm so sorry.", "story_sorry_name": "I'm so sorry about {name}.",
             "story_heard": "Thank you for telling me.",
             "story_heard_details": "Thank you for telling me: {details}.",
             "story_at_weeks": "at {weeks} weeks", "story_when_today": "today",
             "story_when_yesterday": "yesterday", "story_when_days": "{n} days ago",
             "story_when_week": "about a week ago", "story_when_weeks": "{n} weeks ago",
             "story_when_month": "about a month ago", "story_when_months": "{n} months ago",
             "story_when_year": "about a year ago", "story_when_years": "about {n} years ago"}
    text = words.__getitem__
    assert mirror(About(names=("Ivy",), since_days=730), text) == (
        "I'm so sorry about Ivy.\n\nThank you for telling me: about 2 years ago.")
    assert mirror(About(weeks=9, since_days=3), text) == (
        "I'm so sorry.\n\nThank you for telling me: at 9 weeks, 3 days ago.")
    assert mirror(About(), text) == "I'm so sorry.\n\nThank you for telling me."
    words["story_in_year"] = "in {year}"
    assert mirror(About(kind="stillbirth", year=1989), text).endswith("telling me: in 1989.")


def test_a_name_text_is_used_only_with_a_name() -> None:
    texts = ["Thinking of {name} today.", "Thinking of your baby today."]
    assert pick(texts, Person(name="Ivy"), 0) == "Thinking of Ivy today."
    assert pick(texts, Person(), 0) == "Thinking of your baby today."
    assert needs_plain_sibling(["Only {name}."]) and not needs_plain_sibling(texts)


def test_variant_conditions() -> None:
    assert variant_fits((), (), Person())
    assert variant_fits(("partner",), ("recent",), Person("partner", "recent"))
    assert not variant_fits(("partner",), (), Person("carried", "recent"))
    assert not variant_fits((), ("later",), Person(None, None))


def test_when_is_said_roughly() -> None:
    words = {"story_when_today": "today", "story_when_yesterday": "yesterday",
             "story_when_days": "{n} days ago",
             "story_when_week": "a week ago", "story_when_weeks": "{n} weeks ago", "story_when_month": "a month ago",
             "story_when_months": "{n} months ago", "story_when_year": "a year ago",
             "story_when_years": "{n} years ago"}
    said = [when_words(d, words.__getitem__) for d in (0, 1, 3, 7, 21, 30, 90, 365, 730, 7300)]
    assert said == ["today", "yesterday", "3 days ago", "a week ago", "3 weeks ago", "a month ago",
                    "3 months ago", "a year ago", "2 years ago", "20 years ago"]
