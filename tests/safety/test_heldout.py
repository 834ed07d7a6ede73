"""Held-out measurement of the safety check on phrasing nobody tuned it for.

tests/data/safety_heldout.yaml was written without reading bot/safety/, content/safety.yaml or the
other safety data, so these numbers show how the detector does on unseen messages. It is a
measurement, not a specification: the assertions are only the floors that must hold (few false
alarms on ordinary grief; most at-risk messages at least get a check-in). The team raises the bar
as the detector improves. Do not tune the detector against this file; keep it held out.

See the full report with:  .venv/bin/python -m pytest tests/safety/test_heldout.py -s
or:                        .venv/bin/python tests/safety/test_heldout.py
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
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
