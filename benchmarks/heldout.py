"""The safety check on tests/data/safety_heldout.yaml: phrasing written blind in an earlier session.

Folded into development by issue 11 after its figures were reported (docs/safety.md): the held-out
measurement is now round B (tests/safety/test_heldout.py, tests/safety_rounds.py).

The figures (and which messages were missed or raised a false alarm) go to docs/benchmarks.md; the
floors that must hold stay in tests/safety/test_heldout.py. Also runs on its own:
``.venv/bin/python benchmarks/heldout.py`` prints the report.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.app import Core  # noqa: E402

DATA = ROOT / "tests" / "data" / "safety_heldout.yaml"
NOTICED = ("crisis", "checkin")
ALARMS = ("crisis", "medical")


def levels(core: Core) -> dict[str, list[tuple[str, str]]]:
    """Each group's messages with the level the detector gave them ("none" for none)."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return {group: [(text, core.safety.assess(text).level or "none") for text in texts]
            for group, texts in data.items()}


def measure(core: Core) -> dict:
    found = levels(core)
    crisis, calm = found["crisis"], found["calm"]
    counted = Counter(level for _, level in crisis)
    return {
        "crisis": len(crisis),
        "crisis_as_crisis": counted["crisis"],
        "crisis_as_checkin": counted["checkin"],
        "crisis_missed": [text for text, level in crisis if level not in NOTICED],
        "calm": len(calm),
        "calm_alarms": [text for text, level in calm if level in ALARMS],
        "calm_checkins": [text for text, level in calm if level == "checkin"],
        "ambiguous": dict(Counter(level for _, level in found.get("ambiguous", []))),
    }


def _pct(n: int, total: int) -> str:
    return f"{n}/{total} ({100 * n / total:.0f}%)" if total else "0/0"


def report_lines(h: dict) -> list[str]:
    """The held-out section of docs/benchmarks.md (and of this script's output)."""
    noticed = h["crisis_as_crisis"] + h["crisis_as_checkin"]
    lines = ["## Safety on held-out messages", "",
             "tests/data/safety_heldout.yaml, written without reading the detector, its patterns or its "
             "examples; never tuned on. Floors asserted by tests/safety/test_heldout.py.", "",
             "| | measured |", "|---|---|",
             f"| crisis read as crisis | {_pct(h['crisis_as_crisis'], h['crisis'])} |",
             f"| crisis read as crisis or check-in | {_pct(noticed, h['crisis'])} |",
             f"| crisis missed | {_pct(len(h['crisis_missed']), h['crisis'])} |",
             f"| calm read as crisis or medical (false alarms) | {_pct(len(h['calm_alarms']), h['calm'])} |",
             f"| calm given the check-in | {_pct(len(h['calm_checkins']), h['calm'])} |",
             "| ambiguous | " + ", ".join(f"{level}: {n}" for level, n in sorted(h["ambiguous"].items())) + " |",
             ""]
    lines += [f"* missed: {text}" for text in h["crisis_missed"]]
    lines += [f"* false alarm: {text}" for text in h["calm_alarms"]]
    return [*lines, ""]


if __name__ == "__main__":
    from bot import PROJECT_ROOT
    from bot.app import build_core

    print("\n".join(report_lines(measure(build_core(PROJECT_ROOT, strict=False)))))
