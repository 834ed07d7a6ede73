"""Crisis by kind, after rounds E, F and G: the kinds their misses belonged to, written afresh.

Each kind (a household poison swallowed, suicide named with "how I'd do it", a countdown, a method
question with no method word, reunion with a day said, means of the writer's world, plans said as
ordinary life, someone in the room typed for, eyes shut at the wheel) is a few general patterns
and signals in ``content/safety.yaml``, in every language where it is natural, with the calm
twins that share its words. ``tests/data/safety_kinds.yaml`` holds both sides. Both are asked of
the patterns alone: the learned layer may only raise a level, and what the whole detector does on
calm messages is held in aggregate (tests/safety/test_learned.py).
"""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from bot import PROJECT_ROOT
from tests.feather_testkit import patterns_only

DATA = PROJECT_ROOT / "tests" / "data" / "safety_kinds.yaml"
ALARMS = ("crisis", "medical")


@cache
def kinds() -> dict[str, dict[str, list[str]]]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def _names(side: str) -> list[str]:
    return sorted(yaml.safe_load(DATA.read_text(encoding="utf-8"))[side])


def test_the_file_has_both_sides_and_no_empty_kind() -> None:
    data = kinds()
    assert set(data) == {"crisis", "calm"}
    for side in ("crisis", "calm"):
        for kind, texts in data[side].items():
            assert texts and all(isinstance(t, str) and t.strip() for t in texts), f"{side}/{kind}"


@pytest.mark.parametrize("kind", _names("crisis"))
def test_every_crisis_of_each_kind_gets_the_crisis_reply_from_the_patterns(kind: str) -> None:
    misses = [f"  {patterns_only().assess(t).level}: {t}" for t in kinds()["crisis"][kind]
              if patterns_only().assess(t).level != "crisis"]
    assert not misses, f"{kind}: missed\n" + "\n".join(misses)


@pytest.mark.parametrize("kind", _names("calm"))
def test_the_calm_twins_raise_no_alarm(kind: str) -> None:
    alarms = [f"  {patterns_only().assess(t).level}: {t}" for t in kinds()["calm"][kind]
              if patterns_only().assess(t).level in ALARMS]
    assert not alarms, f"{kind}: alarmed\n" + "\n".join(alarms)


def test_screening_answered_no_is_a_check_in_at_most_and_a_yes_still_alarms() -> None:
    """A reported screening question answered no is the past concern; the same question
    answered yes is a crisis (Polish and German, where round G and our own twins found them)."""
    no = patterns_only().assess("lekarka pytała czy mam myśli samobójcze, powiedziałam że nie")
    assert no.level != "crisis" and no.concern == "past"
    yes = patterns_only().assess("lekarka pytała czy mam myśli samobójcze, powiedziałam że tak")
    assert yes.level == "crisis"
