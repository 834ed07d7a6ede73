"""Every kinds file, one table: what each side of a kind must get from the patterns.

A kinds file (``tests/data/safety_*kinds*.yaml``) is a specification written by the engineer who
wrote the patterns for it: for each side (crisis, calm, passive...), kinds of message, each a few
lines written afresh, never a round's message. The sides, and what each must get, are
:data:`SIDES`; every file may use any of them. All are asked of the patterns alone: the learned
layer may only raise a level, and what the whole detector does on calm messages is held in
aggregate (tests/safety/test_learned.py). The kinds the files name:

- ``safety_kinds.yaml`` (rounds E-G): a household poison swallowed, suicide named with "how I'd do
  it", a countdown, a method question with no method word, reunion with a day said, means of the
  writer's world, plans said as ordinary life, someone in the room typed for, eyes shut at the wheel;
- ``safety_round_h_kinds.yaml`` (round H): bleeding by the clock, everyday ligatures, a big dose
  known, blades from a kit, medicines from work, terse places, one's own funeral, self-harm gone
  too deep;
- ``safety_method_kinds.yaml``: method and amount questions, a time chosen for oneself, the means of
  one's own work said with capability, self-harm of every kind, in all eight languages;
- ``safety_calm_kinds.yaml``: a crisis told as past and over, screening questions quoted, suicide as
  a subject, a supporter's question, other people's figures of speech, letters to the baby; and
  their crisis twins (a past story with a present risk, a screening question answered yes);
- ``safety_passive_farewell_kinds.yaml``: passive wishes, farewells and final acts, with twins that
  share their words (a chat's own end, a habit given up for good, a flight);
- ``safety_medical_passive_kinds.yaml``: bleeding by the clock or without a bleeding word, soaked
  through clothes in minutes, told by a partner or a parent, in eight languages; a terse
  temperature beside a recent loss; passive wishes (woken "at all", disappearing, a flight, relief
  at an imagined death), with their calm twins.
- ``safety_harm_kinds.yaml``: self-harm in every form (skin scrubbed raw, the head hit, cuts said
  by how, hair torn out) and someone else in danger now in all eight languages (side ``now``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.safety.detector import SafetyResult
from tests.feather_testkit import patterns_only

DATA = PROJECT_ROOT / "tests" / "data"
FILES = (
    "safety_kinds.yaml",
    "safety_round_h_kinds.yaml",
    "safety_method_kinds.yaml",
    "safety_calm_kinds.yaml",
    "safety_passive_farewell_kinds.yaml",
    "safety_calm_kinds_2.yaml",
    "safety_medical_passive_kinds.yaml",
    "safety_harm_kinds.yaml",
    "safety_plans_kinds.yaml",
)


@dataclass(frozen=True)
class Side:
    """What every line of a side must get: one of ``levels``, and ``concern`` when it is set."""

    levels: tuple[str | None, ...]
    meaning: str
    concern: str | None = None

    def accepts(self, result: SafetyResult) -> bool:
        return result.level in self.levels and (self.concern is None or result.concern == self.concern)


SIDES = {
    "crisis": Side(("crisis",), "the crisis reply"),
    "medical": Side(("medical",), "the medical reply"),
    "passive": Side(("checkin", "crisis"), "at least the check-in (a passive wish)"),
    "calm": Side((None, "checkin"), "no alarm (the gentle check-in is allowed)"),
    "quiet": Side((None,), "nothing at all, not even the check-in"),
    "supporter": Side((None, "checkin"), "no alarm, and the supporter's guidance", "other_person"),
    "now": Side(("crisis",), "the crisis reply for someone else in danger now", "other_now"),
}


@cache
def kinds(name: str) -> dict[str, dict[str, list[str]]]:
    data: dict[str, dict[str, list[str]]] = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return data


def _cases() -> list[tuple[str, str, str]]:
    return [(name, side, kind) for name in FILES for side, by_kind in kinds(name).items()
            for kind in sorted(by_kind)]


@pytest.mark.parametrize("name", FILES)
def test_each_file_has_known_sides_and_no_empty_kind(name: str) -> None:
    data = kinds(name)
    assert data and set(data) <= set(SIDES), f"{name}: unknown sides {set(data) - set(SIDES)}"
    for side, by_kind in data.items():
        assert by_kind, f"{name}: side {side} has no kinds"
        for kind, texts in by_kind.items():
            assert texts and all(isinstance(t, str) and t.strip() for t in texts), f"{name} {side}/{kind}"


@pytest.mark.parametrize(("name", "side", "kind"), _cases())
def test_every_line_of_each_kind_gets_what_its_side_says(name: str, side: str, kind: str) -> None:
    expected = SIDES[side]
    wrong = [f"  {r.level} {r.concern}: {t}" for t in kinds(name)[side][kind]
             if not expected.accepts(r := patterns_only().assess(t))]
    assert not wrong, f"{name} {side}/{kind}: should get {expected.meaning}\n" + "\n".join(wrong)


def test_a_side_table_that_can_fail() -> None:
    """The sides tell their levels apart: a crisis result passes the crisis side and fails calm."""
    crisis = patterns_only().assess("i have the pills ready and i'm going to take them all tonight")
    assert SIDES["crisis"].accepts(crisis) and not SIDES["calm"].accepts(crisis)
    assert not SIDES["quiet"].accepts(crisis) and not SIDES["supporter"].accepts(crisis)


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
    assert patterns_only().assess(line + "never").level not in ("crisis", "medical")
    assert patterns_only().assess(line + "sometimes").level == "crisis"


def test_self_harm_gone_too_deep_and_refusing_help_is_a_crisis_not_only_medical() -> None:
    result = patterns_only().assess("blood all over the bathroom floor, went too deep, not calling anyone")
    assert result.level == "crisis"
