"""Calm near-misses: what the kinds table (tests/safety/test_kinds.py) cannot say line by line.

``tests/data/safety_calm_kinds.yaml`` (a crisis told as past and over, screening questions quoted,
suicide as a subject, supporters' questions, other people's figures of speech, and their crisis
twins) is checked line by line with the other kinds files in tests/safety/test_kinds.py. Here: the
concern noted on a story that is over, the story told in another language, and that the ``own``
signal (a present risk in a past story) is never read on calm or ordinary messages.
"""

from __future__ import annotations

import yaml

from bot import PROJECT_ROOT
from tests.feather_testkit import patterns_only
from tests.safety.test_heldout import FLOORS


def test_a_crisis_that_is_over_may_get_the_gentle_check_in_and_is_noted_as_past() -> None:
    result = patterns_only().assess("i tried to kill myself after the stillbirth in 2019. i'm in a good place now")
    assert result.level in (None, "checkin") and result.concern == "past"


def test_the_same_story_with_the_thoughts_back_is_a_crisis_in_the_language_it_was_told_in() -> None:
    result = patterns_only().assess("hace dos años intenté suicidarme y ahora vuelvo a pensar en ello")
    assert (result.level, result.language) == ("crisis", "es")


def test_own_is_never_noted_on_calm_or_ordinary_messages() -> None:
    """On watch "own" is a risk signal, so it must not be read in the folded blind rounds' calm and
    ordinary messages, the labelled ordinary messages, or grief's own "again" and "still". One calm
    message of round O is let through: "the urge has come back a bit since the loss but i havent
    done it... i have a plan to stay safe" is an urge of the writer's own now, so "own" is right
    there; what it must not get is the alarm (the calm side of the rounds' floors)."""
    data = PROJECT_ROOT / "tests" / "data"
    folded = sorted(name for name, floor in FLOORS.items() if floor.note.startswith("folded"))
    texts = [m["text"] for name in folded
             for m in yaml.safe_load((data / f"safety_round_{name}.yaml").read_text(encoding="utf-8"))["messages"]
             if m["expect"] in ("calm", "ordinary")]
    texts += [m["text"] for m in yaml.safe_load((data / "labelled_messages.yaml").read_text(encoding="utf-8"))]
    texts += ["we're thinking of trying again for a baby", "i still think about her every day",
              "so do i carry my mum's cells too?", "she'll be with me as well", "i'm pregnant again"]
    urge_back = "i used to self harm as a teenager and the urge has come back a bit since the loss"
    assert [t for t in texts if "own" in patterns_only().assess(t).signals and not t.startswith(urge_back)] == []
