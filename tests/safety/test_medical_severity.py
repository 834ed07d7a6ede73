"""Issue 11 point 4, medical by severity: every urgent message in
``tests/data/safety_medical_severity.yaml``, ``safety_medical_kinds.yaml`` (the kinds rounds E-G
missed: a pressure as numbers only, pain or fainting with bleeding, psychosis told by someone
else, one leg, coughing blood) and ``safety_medical_kinds_2.yaml`` (the kinds rounds I-L missed:
a temperature as a bare number, pain as a score, fainting after an ectopic, a swollen face with a
blurry eye, hallucinations asked as grief, stroke signs, ectopic signs in other languages) gets
the medical reply (not the crisis reply, not nothing), and every calm one there (a question, a
normal reading, a symptom that has passed, a figure of speech, grief) gets neither the medical
nor the crisis reply. A set's optional ``crisis`` side holds messages that carry a medical sign
but are an overdose already taken: they must get the crisis reply (which also says to get seen).

The set is development data, written by people who read the detector; the measurement that
counts is a fresh blind round (docs/safety.md). The thresholds themselves (facts.md B8, E1-E2:
a pad an hour, 38 C / 100.4 F, 160/110) are tested at their edges below.
"""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from bot import PROJECT_ROOT
from tests.feather_testkit import real_core

SETS = ("safety_medical_severity.yaml", "safety_medical_kinds.yaml", "safety_medical_kinds_2.yaml")
SIDES = {"medical", "calm", "crisis"}
"""medical and calm in every set; crisis where a set has it."""


@cache
def _data() -> dict[str, list[dict[str, str]]]:
    """The development sets as one: urgent, calm (and crisis) lines by key."""
    merged: dict[str, list[dict[str, str]]] = {}
    for name in SETS:
        data = yaml.safe_load((PROJECT_ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))
        assert {"medical", "calm"} <= set(data) <= SIDES, name
        for key, items in data.items():
            merged.setdefault(key, []).extend(items)
    return merged


def _level(text: str) -> str | None:
    return real_core().safety.assess(text).level


def test_the_set_is_well_formed() -> None:
    data = _data()
    assert {"medical", "calm"} <= set(data) <= SIDES
    assert all(item.get("kind") and item.get("text") for item in data["medical"] + data.get("crisis", []))
    assert all(item.get("why") and item.get("text") for item in data["calm"]), "each calm line says why"
    texts = [" ".join(item["text"].lower().split()) for items in data.values() for item in items]
    assert len(texts) == len(set(texts)), "duplicate messages"


def test_every_urgent_medical_message_gets_the_medical_reply() -> None:
    misses = [f"  {_level(item['text'])} ({item['kind']}): {item['text']}"
              for item in _data()["medical"] if _level(item["text"]) != "medical"]
    assert not misses, "urgent medical messages not answered as medical:\n" + "\n".join(misses)


def test_an_overdose_taken_with_a_medical_sign_gets_the_crisis_reply() -> None:
    crisis = _data().get("crisis", [])
    assert crisis, "a set holds overdoses taken with a dizzy or spinning room"
    misses = [f"  {_level(item['text'])} ({item['kind']}): {item['text']}"
              for item in crisis if _level(item["text"]) != "crisis"]
    assert not misses, "overdoses taken not answered as crisis:\n" + "\n".join(misses)


def test_no_calm_message_gets_an_alarm() -> None:
    alarms = [f"  {_level(item['text'])} ({item['why']}): {item['text']}"
              for item in _data()["calm"] if _level(item["text"]) in ("medical", "crisis")]
    assert not alarms, "calm messages alarmed:\n" + "\n".join(alarms)


@pytest.mark.parametrize(("text", "level"), [
    # temperature: 38 C / 100.4 F is the line (facts.md E1); 37.9 and 100.3 are not alarms
    ("temp 38.0 this evening", "medical"),
    ("temp 37.9 this evening", None),
    ("temperature is 100.4", "medical"),
    ("temperature is 100.3", None),
    # a bare reading said as "at": 38.0 two days after a birth is the line, 37.9 is not
    ("she is at 38.0, two days after the birth", "medical"),
    ("she is at 37.9, two days after the birth", None),
    # blood pressure: either number at or over 160/110 (facts.md E2 via the issue)
    ("bp 160/90 tonight", "medical"),
    ("bp 150/110 tonight", "medical"),
    ("bp 150/100 tonight", None),
    # bleeding: a pad an hour or faster (facts.md B8); every 3-4 hours is not
    ("soaking a pad every 50 minutes", "medical"),
    ("3 pads in 2 hours", "medical"),
    ("changing a pad every 3 hours", None),
    # a question that carries a reading over the line is answered as urgent
    ("is it normal to be soaking a pad every 30 minutes?", "medical"),
    ("is it normal to bleed for two weeks?", None),
])
def test_thresholds(text: str, level: str | None) -> None:
    assert _level(text) == level
