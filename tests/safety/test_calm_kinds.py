"""Calm near-misses by kind must not alarm, and none of them may silence a crisis of one's own.

The kinds (issue 11 point 3, third session): a crisis told clearly as past and over; a doctor's,
midwife's or questionnaire's screening question quoted and asked about; suicide as a subject (an
article, a talk, statistics, a charity walk); someone else's risk asked about by a supporter; a
figure of speech in someone else's mouth; a letter to the baby saying sorry. Their crisis twins:
a past story with a present risk ("lately I've been thinking about it again", "this time"), a
screening question answered yes, someone else's words and one's own, a letter with a plan.
``tests/data/safety_calm_kinds.yaml`` holds both sides in English and the seven other languages,
asked of the patterns alone (the learned layer may only raise a level; the whole detector on calm
sets is held in aggregate in tests/safety/test_learned.py).
"""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from bot import PROJECT_ROOT
from tests.feather_testkit import patterns_only
from tests.safety.test_heldout import FLOORS

DATA = PROJECT_ROOT / "tests" / "data" / "safety_calm_kinds.yaml"
ALARMS = ("crisis", "medical")


@cache
def kinds() -> dict[str, dict[str, list[str]]]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def _cases(side: str) -> list[str]:
    return sorted(kinds()[side])


def test_the_file_has_its_three_sides_and_no_empty_kind() -> None:
    assert set(kinds()) == {"crisis", "calm", "supporter"}
    for side, by_kind in kinds().items():
        for kind, texts in by_kind.items():
            assert texts and all(isinstance(t, str) and t.strip() for t in texts), f"{side}/{kind}"


@pytest.mark.parametrize("kind", _cases("crisis"))
def test_a_past_or_someone_elses_story_with_a_risk_of_ones_own_is_a_crisis(kind: str) -> None:
    misses = [f"  {r.level} {r.concern}: {t}" for t in kinds()["crisis"][kind]
              if (r := patterns_only().assess(t)).level != "crisis"]
    assert not misses, f"crisis/{kind}: missed\n" + "\n".join(misses)


@pytest.mark.parametrize("kind", _cases("calm"))
def test_the_calm_kinds_raise_no_alarm(kind: str) -> None:
    alarms = [f"  {r.level}: {t}" for t in kinds()["calm"][kind] if (r := patterns_only().assess(t)).level in ALARMS]
    assert not alarms, f"calm/{kind}: alarmed\n" + "\n".join(alarms)


@pytest.mark.parametrize("kind", _cases("supporter"))
def test_someone_elses_risk_gets_the_supporters_reply_not_the_alarm(kind: str) -> None:
    wrong = [f"  {r.level} {r.concern}: {t}" for t in kinds()["supporter"][kind]
             if (r := patterns_only().assess(t)).level in ALARMS or r.concern != "other_person"]
    assert not wrong, f"supporter/{kind}: wrong\n" + "\n".join(wrong)


def test_a_crisis_that_is_over_may_get_the_gentle_check_in_and_is_noted_as_past() -> None:
    result = patterns_only().assess("i tried to kill myself after the stillbirth in 2019. i'm in a good place now")
    assert result.level in (None, "checkin") and result.concern == "past"


def test_the_same_story_with_the_thoughts_back_is_a_crisis_in_the_language_it_was_told_in() -> None:
    result = patterns_only().assess("hace dos años intenté suicidarme y ahora vuelvo a pensar en ello")
    assert (result.level, result.language) == ("crisis", "es")


def test_own_is_never_noted_on_calm_or_ordinary_messages() -> None:
    """On watch "own" is a risk signal, so it must not be read in the folded blind rounds' calm and
    ordinary messages, the labelled ordinary messages, or grief's own "again" and "still". (The
    held-out rounds are measured, not tuned on: round O's "the urge has come back a bit... I have a
    plan to stay safe", written as calm, has it.)"""
    data = PROJECT_ROOT / "tests" / "data"
    folded = sorted(name for name, floor in FLOORS.items() if floor.note.startswith("folded"))
    texts = [m["text"] for name in folded
             for m in yaml.safe_load((data / f"safety_round_{name}.yaml").read_text(encoding="utf-8"))["messages"]
             if m["expect"] in ("calm", "ordinary")]
    texts += [m["text"] for m in yaml.safe_load((data / "labelled_messages.yaml").read_text(encoding="utf-8"))]
    texts += ["we're thinking of trying again for a baby", "i still think about her every day",
              "so do i carry my mum's cells too?", "she'll be with me as well", "i'm pregnant again"]
    assert [t for t in texts if "own" in patterns_only().assess(t).signals] == []
