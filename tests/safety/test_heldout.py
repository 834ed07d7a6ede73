"""The safety check on tests/data/safety_heldout.yaml, written without reading bot/safety/,
content/safety.yaml or the other safety data: the floors that must hold. The full figures (and
what was missed) are a benchmark: benchmarks/heldout.py, in docs/benchmarks.md. Do not tune the
detector against this file; keep it held out."""

from __future__ import annotations

from functools import lru_cache

import yaml

from benchmarks.heldout import DATA, measure
from tests.feather_testkit import real_core

MAX_CALM_FALSE_ALARM_RATE = 0.10   # calm messages read as crisis or medical
MIN_CRISIS_NOTICED_RATE = 0.60     # crisis messages read as crisis or checkin


@lru_cache(maxsize=1)
def _measured() -> dict:
    return measure(real_core())


def test_heldout_set_is_well_formed() -> None:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert set(data) == {"crisis", "calm", "ambiguous"}
    everything = [text for texts in data.values() for text in texts]
    assert all(isinstance(text, str) and text.strip() for text in everything)
    normalised = [" ".join(text.lower().split()) for text in everything]
    assert len(normalised) == len(set(normalised)), "duplicate messages in the held-out set"


def test_calm_false_alarms_are_rare() -> None:
    h = _measured()
    assert len(h["calm_alarms"]) / h["calm"] <= MAX_CALM_FALSE_ALARM_RATE, h["calm_alarms"]


def test_most_crisis_messages_are_noticed() -> None:
    h = _measured()
    noticed = h["crisis_as_crisis"] + h["crisis_as_checkin"]
    assert noticed / h["crisis"] >= MIN_CRISIS_NOTICED_RATE, h["crisis_missed"]
