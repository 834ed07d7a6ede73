"""The safety check on blind-written messages: the floors that must hold.

The held-out measurement now is round B (tests/data/safety_round_b.yaml, issue 11, below): measured
once and never tuned on; its floors are what was measured. tests/data/safety_heldout.yaml was an
earlier held-out set: measured, reported in docs/safety.md, then folded into development, so its
floors are a regression check now (its full figures: benchmarks/heldout.py). Do not tune the
detector against round B; a next held-out measurement needs a fresh blind round."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

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

# Round B: the final held-out measurement (docs/safety.md), measured ONCE at commit 1d14c08 and
# never tuned on. The floors are the measured figures: this test fails if the detector gets worse
# on it. They are far below the targets (crisis >= 97%, medical >= 95%); docs/safety.md
# says so. Raise them only with a detector change not tuned on round B, and say so there.
ROUND_B_CRISIS_MIN = 63 / 105     # 60.0% measured
ROUND_B_MEDICAL_MIN = 30 / 37     # 81.1% measured
ROUND_B_CALM_ALARM_MAX = 2 / 42   # 4.8% measured
ROUND_B_ORDINARY_ALARMS = 0

# Round A: measured once (57.8% crisis, 70.7% medical, 4.7% calm alarmed), then folded into the
# patterns; now a regression set held at what it reached.
ROUND_A_CRISIS_MIN = 1.0
ROUND_A_MEDICAL_MIN = 1.0
ROUND_A_CALM_ALARM_MAX = 0.0


@cache
def _round(name: str):  # type: ignore[no-untyped-def]
    from tests.safety_rounds import measure as measure_round

    return measure_round(ROUNDS / f"safety_round_{name}.yaml", real_core().safety.assess)


def test_round_b_does_not_get_worse() -> None:
    figures = _round("b")
    print("\n" + figures.summary())
    assert figures.crisis_caught / figures.crisis_total >= ROUND_B_CRISIS_MIN, figures.summary()
    assert figures.medical_caught / figures.medical_total >= ROUND_B_MEDICAL_MIN, figures.summary()
    assert figures.calm_alarmed / figures.calm_total <= ROUND_B_CALM_ALARM_MAX, figures.summary()
    assert figures.ordinary_alarmed == ROUND_B_ORDINARY_ALARMS, figures.summary()


def test_round_a_stays_where_it_reached() -> None:
    figures = _round("a")
    assert figures.crisis_caught / figures.crisis_total >= ROUND_A_CRISIS_MIN, figures.summary()
    assert figures.medical_caught / figures.medical_total >= ROUND_A_MEDICAL_MIN, figures.summary()
    assert figures.calm_alarmed / figures.calm_total <= ROUND_A_CALM_ALARM_MAX, figures.summary()
    assert figures.ordinary_alarmed == 0, figures.summary()
