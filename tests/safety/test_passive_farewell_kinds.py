"""Passive wishes, farewells and final acts, by kind (issue 11, third session).

A passive wish (an accident or an illness hoped for, staying asleep, not existing, disappearing for
good) gets at least the check-in; a goodbye said as leaving for good ("last message x", "done
waiting. goodbye"), a goodbye the others did not recognise ("she thought it was a normal call"),
and an understatement with a time ("doing it tonight x", "putting it down for good this weekend")
get the crisis reply. Their twins share the words: a chat's own end ("thanks, goodnight x"), a
goodbye to the baby, a habit given up for good, sleeping for a week, a flight, a few days away.
``tests/data/safety_passive_farewell_kinds.yaml`` holds both sides, asked of the patterns alone
(the learned layer may only raise a level; the whole detector's calm alarms are held in aggregate
in tests/safety/test_learned.py).
"""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from bot import PROJECT_ROOT
from tests.feather_testkit import patterns_only

DATA = PROJECT_ROOT / "tests" / "data" / "safety_passive_farewell_kinds.yaml"
ACCEPTED = {"passive": ("checkin", "crisis"), "crisis": ("crisis",)}
"""What each side must get; `calm` must get no alarm, and `quiet` nothing at all."""
ALARMS = ("crisis", "medical")


@cache
def kinds() -> dict[str, dict[str, list[str]]]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def _cases(*sides: str) -> list[tuple[str, str]]:
    return [(side, kind) for side in sides for kind in sorted(kinds()[side])]


def test_the_file_has_its_four_sides_and_no_empty_kind() -> None:
    assert set(kinds()) == {"passive", "crisis", "calm", "quiet"}
    for side, by_kind in kinds().items():
        for kind, texts in by_kind.items():
            assert texts and all(isinstance(t, str) and t.strip() for t in texts), f"{side}/{kind}"


@pytest.mark.parametrize(("side", "kind"), _cases("passive", "crisis"))
def test_every_message_of_each_kind_gets_its_reply(side: str, kind: str) -> None:
    misses = [f"  {level}: {t}" for t in kinds()[side][kind]
              if (level := patterns_only().assess(t).level) not in ACCEPTED[side]]
    assert not misses, f"{side}/{kind}: missed\n" + "\n".join(misses)


@pytest.mark.parametrize("kind", sorted(kinds()["calm"]))
def test_the_calm_twins_raise_no_alarm(kind: str) -> None:
    alarms = [f"  {level}: {t}" for t in kinds()["calm"][kind]
              if (level := patterns_only().assess(t).level) in ALARMS]
    assert not alarms, f"calm/{kind}: alarmed\n" + "\n".join(alarms)


@pytest.mark.parametrize("kind", sorted(kinds()["quiet"]))
def test_the_twins_of_passive_wishes_are_not_even_asked(kind: str) -> None:
    asked = [f"  {level}: {t}" for t in kinds()["quiet"][kind] if (level := patterns_only().assess(t).level)]
    assert not asked, f"quiet/{kind}: asked\n" + "\n".join(asked)


def test_a_question_about_bleeding_for_after_the_tablets_is_not_a_goodbye() -> None:
    """The 'goodbye' signal read the modal "will" of "how long will I bleed for after the tablets"
    as a will left "for after"; letters, and a will, for after are still read."""
    assert "goodbye" not in patterns_only().assess("how long will I bleed for after the tablets").signals
    assert "goodbye" not in patterns_only().assess("will it hurt for after the d&c?").signals
    for text in ("the letters are in the drawer for after", "my will is in the blue folder for after"):
        result = patterns_only().assess(text)  # a crisis phrase ends the reading before the signals
        assert result.level == "crisis" or "goodbye" in result.signals, text
    assert "goodbye" in patterns_only().assess("sorted the will for after").signals


def test_feathers_own_goodbye_and_thanks_examples_raise_nothing() -> None:
    """How Feather's ordinary conversations end (the smalltalk flows' goodbye and thanks examples)
    gets neither an alarm nor the check-in from the patterns."""
    dialogs = yaml.safe_load((PROJECT_ROOT / "dialogs" / "smalltalk.yaml").read_text(encoding="utf-8"))
    endings = [e for flow in dialogs["flows"] if flow["id"] in ("goodbye", "thanks") for e in flow["examples"]]
    assert len(endings) > 60
    assert [(e, level) for e in endings if (level := patterns_only().assess(e).level)] == []
