"""The safety check on blind-written messages: the floors that must hold.

The held-out measurement now is rounds E, F and G (issue 11, below): measured once and never tuned
on; their floors are what was measured. tests/data/safety_heldout.yaml was an
earlier held-out set: measured, reported in docs/safety.md, then folded into development, so its
floors are a regression check now (its full figures: benchmarks/heldout.py). Do not tune the
detector against them; a next held-out measurement needs a fresh blind round."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pytest
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


# ---------------------------------------------------------------------------- the blind rounds (issue 11)
ROUNDS = Path(__file__).parent.parent / "data"


@dataclass(frozen=True)
class Floor:
    """What a round must keep: crisis and medical caught at least, calm alarmed at most (counts)."""

    crisis: int
    medical: int
    calm_alarmed: int
    note: str


# Rounds A-D were each measured once, blind, then read and folded into development (the patterns
# were written from their misses, the learned layer trains on them): they are regression sets now,
# held at what they reach, less two crisis messages for the learned layer's small shifts when its
# examples grow. docs/safety.md has each first measurement.
# Rounds E, F and G are the final held-out measurement: measured ONCE at the end of the issue 11
# work and never tuned on; their floors are exactly what was measured. Raise them only with a
# change not tuned on them, and say so in docs/safety.md; a next honest measurement needs a fresh
# blind round.
FLOORS = {
    "a": Floor(crisis=107, medical=41, calm_alarmed=0, note="folded: regression"),
    "b": Floor(crisis=103, medical=37, calm_alarmed=0, note="folded: regression"),
    "c": Floor(crisis=97, medical=37, calm_alarmed=1, note="folded: regression"),
    "d": Floor(crisis=107, medical=40, calm_alarmed=1, note="folded: regression"),
    # measured once at 22fea3c, never tuned on (docs/safety.md, "The final held-out measurement")
    "e": Floor(crisis=93, medical=34, calm_alarmed=6, note="held out: measured once"),
    "f": Floor(crisis=103, medical=37, calm_alarmed=2, note="held out: measured once"),
    "g": Floor(crisis=81, medical=36, calm_alarmed=4, note="held out: measured once"),
}


@cache
def _round(name: str):  # type: ignore[no-untyped-def]
    from tests.safety_rounds import measure as measure_round

    return measure_round(ROUNDS / f"safety_round_{name}.yaml", real_core().safety.assess)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_each_blind_round_keeps_its_floor(name: str) -> None:
    floor, figures = FLOORS[name], _round(name)
    print(f"\nround {name.upper()} ({floor.note}):\n{figures.summary()}")
    assert figures.crisis_caught >= floor.crisis, figures.summary()
    assert figures.medical_caught >= floor.medical, figures.summary()
    assert figures.calm_alarmed <= floor.calm_alarmed, figures.summary()
    assert figures.ordinary_alarmed == 0, figures.summary()
