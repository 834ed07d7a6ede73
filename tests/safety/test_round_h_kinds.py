"""Round H's kinds, after it was measured blind and folded: each kind written afresh.

Bleeding told by clock times and counts; a ligature of an everyday thing; a big dose and knowing
what it does; a plan fixed to a date "so it's one bad day for them"; a blade from a kit kept on
the body; medicines taken from work; a terse place; a poison's pain asked; meeting the baby "one
way or another"; not seeing the morning; a blade in bed; one's own funeral beside the baby's;
self-harm gone too deep. Each is a few general patterns in ``content/safety.yaml`` (in the other
languages where natural), with the calm twins that share its words, in
``tests/data/safety_round_h_kinds.yaml``. Asked of the patterns alone, as in test_kinds.py.
"""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from bot import PROJECT_ROOT
from tests.feather_testkit import patterns_only

DATA = PROJECT_ROOT / "tests" / "data" / "safety_round_h_kinds.yaml"
ALARMS = ("crisis", "medical")


@cache
def kinds() -> dict[str, dict[str, list[str]]]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def _names(side: str) -> list[str]:
    return sorted(yaml.safe_load(DATA.read_text(encoding="utf-8"))[side])


def test_the_file_has_three_sides_and_no_empty_kind() -> None:
    data = kinds()
    assert set(data) == {"crisis", "medical", "calm"}
    for side in data:
        for kind, texts in data[side].items():
            assert texts and all(isinstance(t, str) and t.strip() for t in texts), f"{side}/{kind}"


@pytest.mark.parametrize("kind", _names("crisis"))
def test_every_crisis_of_each_kind_gets_the_crisis_reply_from_the_patterns(kind: str) -> None:
    misses = [f"  {patterns_only().assess(t).level}: {t}" for t in kinds()["crisis"][kind]
              if patterns_only().assess(t).level != "crisis"]
    assert not misses, f"{kind}: missed\n" + "\n".join(misses)


@pytest.mark.parametrize("kind", _names("medical"))
def test_every_urgent_bleeding_of_each_kind_gets_the_medical_reply(kind: str) -> None:
    misses = [f"  {patterns_only().assess(t).level}: {t}" for t in kinds()["medical"][kind]
              if patterns_only().assess(t).level != "medical"]
    assert not misses, f"{kind}: missed\n" + "\n".join(misses)


@pytest.mark.parametrize("kind", _names("calm"))
def test_the_calm_twins_raise_no_alarm(kind: str) -> None:
    alarms = [f"  {patterns_only().assess(t).level}: {t}" for t in kinds()["calm"][kind]
              if patterns_only().assess(t).level in ALARMS]
    assert not alarms, f"{kind}: alarmed\n" + "\n".join(alarms)


def test_a_screening_line_quoted_is_calm_but_answered_yes_still_alarms() -> None:
    """The questionnaire's line about harming oneself, ticked "never", is the past concern; the
    same line answered "sometimes" is a crisis."""
    line = "the questionnaire has a bit that says 'the thought of harming myself has occurred to me', i ticked "
    assert patterns_only().assess(line + "never").level not in ALARMS
    assert patterns_only().assess(line + "sometimes").level == "crisis"


def test_self_harm_gone_too_deep_and_refusing_help_is_a_crisis_not_only_medical() -> None:
    result = patterns_only().assess("blood all over the bathroom floor, went too deep, not calling anyone")
    assert result.level == "crisis"
