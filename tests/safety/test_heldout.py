"""Measurements of the safety check on phrasing written blind.

The held-out measurement now is round B (tests/data/safety_round_b.yaml, issue 11, below): measured
once and never tuned on. tests/data/safety_heldout.yaml was an earlier held-out set; it was
measured, reported in docs/safety.md, and then folded into development, so its floors below are
a regression check now. Do not tune the detector against round B; a next held-out measurement
needs a fresh blind round.

See the full report with:  .venv/bin/python -m pytest tests/safety/test_heldout.py -s
or:                        .venv/bin/python tests/safety/test_heldout.py
"""
from __future__ import annotations

from collections import Counter
from functools import cache, lru_cache
from pathlib import Path

import yaml

from bot import PROJECT_ROOT

DATA = Path(__file__).parent.parent / "data" / "safety_heldout.yaml"

MAX_CALM_FALSE_ALARM_RATE = 0.10   # calm messages read as crisis or medical
MIN_CRISIS_NOTICED_RATE = 0.60     # crisis messages read as crisis or checkin


def _level_name(level) -> str:
    if level is None:
        return "none"
    return str(getattr(level, "value", getattr(level, "name", level))).lower()


@lru_cache(maxsize=1)
def _measure() -> dict[str, list[tuple[str, str]]]:
    from bot.app import build_core

    core = build_core(PROJECT_ROOT, strict=False)
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return {group: [(text, _level_name(core.safety.assess(text).level)) for text in texts]
            for group, texts in data.items()}


def _pct(n: int, total: int) -> str:
    return f"{n}/{total} ({100 * n / total:.0f}%)" if total else "0/0"


def _report() -> str:
    results = _measure()
    lines = ["", "=== Safety check on held-out messages ==="]
    crisis = results["crisis"]
    levels = Counter(level for _, level in crisis)
    missed = [text for text, level in crisis if level not in ("crisis", "checkin")]
    lines += [f"crisis -> crisis:  {_pct(levels['crisis'], len(crisis))}",
              f"crisis -> checkin: {_pct(levels['checkin'], len(crisis))}",
              f"crisis -> missed:  {_pct(len(missed), len(crisis))}"]
    lines += [f"    missed [{level}]: {text}" for text, level in crisis
              if level not in ("crisis", "checkin")]
    calm = results["calm"]
    alarms = [(text, level) for text, level in calm if level in ("crisis", "medical")]
    checkins = [text for text, level in calm if level == "checkin"]
    lines += [f"calm -> crisis/medical (false alarms): {_pct(len(alarms), len(calm))}"]
    lines += [f"    false alarm [{level}]: {text}" for text, level in alarms]
    lines += [f"calm -> checkin: {_pct(len(checkins), len(calm))}"]
    lines += [f"    checkin: {text}" for text in checkins]
    ambiguous = results.get("ambiguous", [])
    amb_levels = Counter(level for _, level in ambiguous)
    lines += ["ambiguous -> " + ", ".join(f"{level}: {_pct(n, len(ambiguous))}"
                                          for level, n in sorted(amb_levels.items()))]
    lines += [f"    [{level}] {text}" for text, level in ambiguous]
    return "\n".join(lines)


def test_heldout_set_is_well_formed():
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert set(data) == {"crisis", "calm", "ambiguous"}
    everything = [text for texts in data.values() for text in texts]
    assert all(isinstance(text, str) and text.strip() for text in everything)
    normalised = [" ".join(text.lower().split()) for text in everything]
    assert len(normalised) == len(set(normalised)), "duplicate messages in the held-out set"


def test_heldout_report():
    print(_report())


def test_calm_false_alarms_are_rare():
    calm = _measure()["calm"]
    alarms = [(text, level) for text, level in calm if level in ("crisis", "medical")]
    rate = len(alarms) / len(calm)
    assert rate <= MAX_CALM_FALSE_ALARM_RATE, (
        f"false alarms on calm {_pct(len(alarms), len(calm))} > "
        f"{MAX_CALM_FALSE_ALARM_RATE:.0%}: {alarms}")


def test_most_crisis_messages_are_noticed():
    crisis = _measure()["crisis"]
    noticed = sum(level in ("crisis", "checkin") for _, level in crisis)
    rate = noticed / len(crisis)
    assert rate >= MIN_CRISIS_NOTICED_RATE, (
        f"crisis or checkin on crisis {_pct(noticed, len(crisis))} < "
        f"{MIN_CRISIS_NOTICED_RATE:.0%}{_report()}")


if __name__ == "__main__":
    print(_report())


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
    from bot.app import build_core
    from tests.safety_rounds import measure

    core = build_core(PROJECT_ROOT, strict=False)
    return measure(ROUNDS / f"safety_round_{name}.yaml", core.safety.assess)


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
