"""Crisis by kind, after rounds E, F and G: the kinds their misses belonged to, written afresh.

Each kind (a household poison swallowed, suicide named with "how I'd do it", a countdown, a method
question with no method word, reunion with a day said, means of the writer's world, plans said as
ordinary life, someone in the room typed for, eyes shut at the wheel) is a few general patterns
and signals in ``content/safety.yaml``, in every language where it is natural, with the calm
twins that share its words. ``tests/data/safety_kinds.yaml`` holds both sides,
``safety_round_h_kinds.yaml`` round H's kinds (with urgent bleeding), and
``safety_method_kinds.yaml`` method and amount questions, a time chosen, the means of one's work
and self-harm, in all eight languages. All are asked of the patterns alone: the learned layer
may only raise a level, and what the whole detector does on calm messages is held in aggregate
(tests/safety/test_learned.py).
"""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from bot import PROJECT_ROOT
from tests.feather_testkit import patterns_only

DATA = PROJECT_ROOT / "tests" / "data"
FILES = ("safety_kinds.yaml", "safety_round_h_kinds.yaml", "safety_method_kinds.yaml")
"""Rounds E-G's kinds, round H's (bleeding by the clock, everyday ligatures, a big dose known,
one bad day for them, blades from a kit, medicines from work, terse places, poisons asked about,
one's own funeral, self-harm gone too deep), and the kinds the patterns own by grammar in all
eight languages (method and amount questions, a time chosen for oneself, the means of one's own
work said with capability, self-harm of every kind), each written afresh with its calm twins."""
ALARMS = ("crisis", "medical")
EXPECTED = {"crisis": "crisis", "medical": "medical"}
"""What each side's messages must get; the calm side must get no alarm."""


@cache
def kinds(name: str) -> dict[str, dict[str, list[str]]]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _cases(*sides: str) -> list[tuple[str, str, str]]:
    return [(name, side, kind) for name in FILES for side, by_kind in kinds(name).items() if side in sides
            for kind in sorted(by_kind)]


@pytest.mark.parametrize("name", FILES)
def test_each_file_has_known_sides_and_no_empty_kind(name: str) -> None:
    data = kinds(name)
    assert "crisis" in data and "calm" in data and set(data) <= {"crisis", "medical", "calm"}
    for side in data:
        for kind, texts in data[side].items():
            assert texts and all(isinstance(t, str) and t.strip() for t in texts), f"{side}/{kind}"


@pytest.mark.parametrize(("name", "side", "kind"), _cases("crisis", "medical"))
def test_every_message_of_each_kind_gets_its_reply_from_the_patterns(name: str, side: str, kind: str) -> None:
    misses = [f"  {patterns_only().assess(t).level}: {t}" for t in kinds(name)[side][kind]
              if patterns_only().assess(t).level != EXPECTED[side]]
    assert not misses, f"{name} {side}/{kind}: missed\n" + "\n".join(misses)


@pytest.mark.parametrize(("name", "side", "kind"), _cases("calm"))
def test_the_calm_twins_raise_no_alarm(name: str, side: str, kind: str) -> None:
    alarms = [f"  {patterns_only().assess(t).level}: {t}" for t in kinds(name)[side][kind]
              if patterns_only().assess(t).level in ALARMS]
    assert not alarms, f"{name} calm/{kind}: alarmed\n" + "\n".join(alarms)


def test_screening_answered_no_is_a_check_in_at_most_and_a_yes_still_alarms() -> None:
    """A reported screening question answered no is the past concern; the same question
    answered yes is a crisis (Polish and German, where round G and our own twins found them)."""
    no = patterns_only().assess("lekarka pytała czy mam myśli samobójcze, powiedziałam że nie")
    assert no.level != "crisis" and no.concern == "past"
    yes = patterns_only().assess("lekarka pytała czy mam myśli samobójcze, powiedziałam że tak")
    assert yes.level == "crisis"


def test_a_screening_line_quoted_is_calm_but_answered_yes_still_alarms() -> None:
    """The questionnaire's line about harming oneself, ticked "never", is the past concern; the
    same line answered "sometimes" is a crisis."""
    line = "the questionnaire has a bit that says 'the thought of harming myself has occurred to me', i ticked "
    assert patterns_only().assess(line + "never").level not in ALARMS
    assert patterns_only().assess(line + "sometimes").level == "crisis"


def test_self_harm_gone_too_deep_and_refusing_help_is_a_crisis_not_only_medical() -> None:
    result = patterns_only().assess("blood all over the bathroom floor, went too deep, not calling anyone")
    assert result.level == "crisis"
