"""The safety check on blind-written messages: the floors that must hold.

The blind rounds (issue 11, below): A to Q were each measured once, then folded, so their floors
are regression checks (docs/safety.md has each first measurement); R, S and T are the latest
held-out measurement, held exactly.
tests/data/safety_heldout.yaml was an earlier held-out set: measured, reported in docs/safety.md,
then folded into development, so its floors are a regression check now (its full figures:
benchmarks/heldout.py). Do not tune the detector against them; a next held-out measurement needs
a fresh blind round."""

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


# Every round here was measured once, blind, before anyone read it (docs/safety.md has each first
# measurement), then read and folded into development: the patterns were written from its misses
# and the learned layer trains on it (its calm messages set the crisis bar). They are regression
# sets now, held at what they reach, less two crisis messages and plus one calm alarm for the
# learned layer's small shifts when its examples grow. A next held-out measurement needs a fresh
# blind round.
FLOORS = {
    "a": Floor(crisis=107, medical=41, calm_alarmed=1, note="folded: regression"),
    "b": Floor(crisis=103, medical=37, calm_alarmed=1, note="folded: regression"),
    "c": Floor(crisis=103, medical=37, calm_alarmed=1, note="folded: regression"),
    "d": Floor(crisis=113, medical=40, calm_alarmed=1, note="folded: regression"),
    "e": Floor(crisis=111, medical=40, calm_alarmed=1, note="folded: regression"),
    "f": Floor(crisis=112, medical=40, calm_alarmed=1, note="folded: regression"),
    "g": Floor(crisis=112, medical=40, calm_alarmed=1, note="folded: regression"),
    "h": Floor(crisis=106, medical=37, calm_alarmed=3, note="folded: regression"),
    "i": Floor(crisis=110, medical=40, calm_alarmed=1, note="folded: regression"),
    "j": Floor(crisis=113, medical=40, calm_alarmed=1, note="folded: regression"),
    "k": Floor(crisis=113, medical=40, calm_alarmed=1, note="folded: regression"),
    "l": Floor(crisis=113, medical=40, calm_alarmed=1, note="folded: regression"),
    "m": Floor(crisis=112, medical=40, calm_alarmed=1, note="folded: regression"),
    "n": Floor(crisis=113, medical=40, calm_alarmed=1, note="folded: regression"),
    "o": Floor(crisis=113, medical=40, calm_alarmed=1, note="folded: regression"),
    "p": Floor(crisis=113, medical=40, calm_alarmed=1, note="folded: regression"),
    "q": Floor(crisis=113, medical=40, calm_alarmed=1, note="folded: regression"),
    # the final held-out measurement of issue 11's fourth session: measured ONCE at 44cee1f, after all
    # of that work, not in the learned layer's examples. Their floors are exactly what was measured
    # (docs/safety.md, "The fourth final measurement"). After the measurement their misses were read
    # and one kind was mended (a phone "off" written "phones off"), so they are development data
    # now: fold them at the next session's start, once fresh blind rounds exist to measure on.
    "r": Floor(crisis=100, medical=36, calm_alarmed=3, note="held out: measured once"),
    "s": Floor(crisis=104, medical=40, calm_alarmed=3, note="held out: measured once"),
    "t": Floor(crisis=100, medical=39, calm_alarmed=2, note="held out: measured once"),
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
