"""Someone else in danger now, told by the person worried about them (issue 11, third session).

The detector gives the crisis level with concern ``other_now``; the engine then tells the writer
to call the emergency number for them first, with what helps meanwhile, and does not ask the
writer whether they are safe. Calm twins (a goodbye before a flight, a past overdose, a general
question about a friend's risk) are read by the patterns alone, as the other per-message calm
tests are (the whole detector on calm is held in aggregate: tests/safety/test_learned.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.feather_testkit import patterns_only, real_core

DATA = yaml.safe_load((Path(__file__).parent.parent / "data" / "safety_other_now.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", DATA["now"])
def test_someone_else_in_danger_now_is_a_crisis_for_them(text: str) -> None:
    result = real_core().safety.assess(text)
    assert (result.level, result.concern) == ("crisis", "other_now"), text


@pytest.mark.parametrize("text", DATA["calm"])
def test_the_calm_twins_are_not(text: str) -> None:
    result = patterns_only().assess(text)
    assert result.concern != "other_now" and result.level not in ("crisis", "medical"), (text, result)


def test_a_general_question_about_a_friend_still_gets_the_supporters_guidance() -> None:
    result = patterns_only().assess("my friend says she sometimes thinks about ending it, how can i help her")
    assert result.concern == "other_person"
