"""Passive wishes and farewells: what the kinds table (tests/safety/test_kinds.py) cannot say line
by line.

``tests/data/safety_passive_farewell_kinds.yaml`` (passive wishes, farewells and final acts, with
their twins) is checked line by line with the other kinds files in tests/safety/test_kinds.py.
Here: the 'goodbye' signal is not read in a question about bleeding "for after" the tablets, and
Feather's own goodbye and thanks examples raise nothing.
"""

from __future__ import annotations

import yaml

from bot import PROJECT_ROOT
from tests.feather_testkit import patterns_only


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
