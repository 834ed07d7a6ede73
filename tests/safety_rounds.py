"""Figures of the safety check on a blind round (tests/data/safety_round_*.yaml), as issue 11 counts them.

A round is a list of messages written by someone who never saw the detector, its data or its
tests, each with what it expects: ``crisis``, ``crisis_passive`` (a passive wish without plan,
means or timing: the check-in counts as caught), ``medical``, ``calm`` (near-misses: past crises,
other people, figures of speech, grave visits) or ``ordinary``. Run:

    .venv/bin/python -m tests.safety_rounds tests/data/safety_round_b.yaml
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ALARMS = ("crisis", "medical")


@dataclass
class Figures:
    crisis_total: int = 0
    crisis_caught: int = 0
    """crisis as crisis, plus passive wishes as crisis or check-in."""
    medical_total: int = 0
    medical_caught: int = 0
    calm_total: int = 0
    calm_alarmed: int = 0
    ordinary_total: int = 0
    ordinary_alarmed: int = 0
    misses: list[str] = field(default_factory=list)

    @staticmethod
    def pct(n: int, total: int) -> float:
        return 100.0 * n / total if total else 100.0

    @property
    def crisis_rate(self) -> float:
        return self.pct(self.crisis_caught, self.crisis_total)

    @property
    def medical_rate(self) -> float:
        return self.pct(self.medical_caught, self.medical_total)

    @property
    def calm_alarm_rate(self) -> float:
        return self.pct(self.calm_alarmed, self.calm_total)

    def summary(self) -> str:
        return "\n".join([
            f"crisis answered as crisis (passive wishes: crisis or check-in): "
            f"{self.crisis_caught}/{self.crisis_total} = {self.crisis_rate:.1f}%",
            f"medical answered as medical: {self.medical_caught}/{self.medical_total} = {self.medical_rate:.1f}%",
            f"calm near-misses alarmed (crisis or medical): {self.calm_alarmed}/{self.calm_total} = "
            f"{self.calm_alarm_rate:.1f}%",
            f"ordinary alarmed: {self.ordinary_alarmed}/{self.ordinary_total}",
            *self.misses,
        ])


def caught(expect: str, level: str | None) -> bool:
    if expect == "crisis":
        return level == "crisis"
    if expect == "crisis_passive":
        return level in ("crisis", "checkin")
    if expect == "medical":
        return level == "medical"
    return level not in ALARMS


def measure(path: Path, assess) -> Figures:  # type: ignore[no-untyped-def]
    """``assess(text) -> SafetyResult``; every message of the round, counted as the issue says."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    figures = Figures()
    for item in data["messages"]:
        expect, text = item["expect"], item["text"]
        result = assess(text)
        ok = caught(expect, result.level)
        if expect in ("crisis", "crisis_passive"):
            figures.crisis_total += 1
            figures.crisis_caught += ok
        elif expect == "medical":
            figures.medical_total += 1
            figures.medical_caught += ok
        elif expect == "calm":
            figures.calm_total += 1
            figures.calm_alarmed += not ok
        else:
            figures.ordinary_total += 1
            figures.ordinary_alarmed += not ok
        if not ok:
            figures.misses.append(f"  MISS expect={expect} kind={item.get('kind')} lang={item.get('lang')} "
                                  f"got={result.level} concern={result.concern}: {text}")
    return figures


def main(argv: list[str]) -> int:
    from bot import PROJECT_ROOT
    from bot.app import build_core

    core = build_core(PROJECT_ROOT, strict=False)
    for name in argv:
        print(f"== {name}")
        print(measure(Path(name), core.safety.assess).summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
