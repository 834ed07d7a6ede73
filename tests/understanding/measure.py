"""Precision and recall of what the reader takes from labelled messages (python -m tests.understanding.measure FILE).

A key counts as right when it equals the label; ``since_days`` within 2 days or 20% (the labels
are approximate: "a few days", "last night"); names compare as a set, ignoring case. An invented
name is a name read from a message whose label has no such name.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot import PROJECT_ROOT
from bot.understanding import AboutReader, load_reader

KEYS = ("kind", "weeks", "since_days", "name", "role", "twins")


def _names(value: Any) -> set[str]:
    if value is None:
        return set()
    items = value if isinstance(value, list) else [value]
    return {str(v).strip().lower() for v in items}


def same(key: str, got: Any, want: Any) -> bool:
    if key == "since_days":
        return abs(float(got) - float(want)) <= max(2.0, 0.2 * float(want))
    if key == "name":
        return _names(got) == _names(want)
    return bool(got == want)


@dataclass
class Score:
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEYS, 0))
    said: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEYS, 0))
    labelled: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEYS, 0))
    invented_names: list[str] = field(default_factory=list)
    misses: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    messages: int = 0
    keys: list[str] = field(default_factory=lambda: list(KEYS))

    def precision(self, key: str | None = None) -> float:
        keys = [key] if key else self.keys
        said = sum(self.said[k] for k in keys)
        return sum(self.right[k] for k in keys) / said if said else 1.0

    def recall(self, key: str | None = None) -> float:
        keys = [key] if key else self.keys
        labelled = sum(self.labelled[k] for k in keys)
        return sum(self.right[k] for k in keys) / labelled if labelled else 1.0

    def report(self) -> str:
        lines = [f"{self.messages} messages"]
        for key in self.keys:
            lines.append(f"  {key:<11} precision {self.precision(key):6.1%} ({self.right[key]}/"
                         f"{self.said[key]})  recall {self.recall(key):6.1%} ({self.right[key]}/"
                         f"{self.labelled[key]})")
        lines.append(f"  overall     precision {self.precision():6.1%}  recall {self.recall():6.1%}"
                     f"  invented names {len(self.invented_names)}")
        return "\n".join(lines)


def measure(reader: AboutReader, items: list[dict[str, Any]]) -> Score:
    """Score every key the set labels somewhere (a set without twins labels is not scored on twins)."""
    keys = [k for k in KEYS if any(k in (item.get("about") or {}) for item in items)]
    score = Score(keys=keys)
    for item in items:
        score.messages += 1
        want = {k: v for k, v in (item.get("about") or {}).items()
                if k in keys and v is not None and v is not False}
        got = {k: v for k, v in reader.read(item["text"]).as_dict().items() if k in keys}
        for key in keys:
            if key in got:
                score.said[key] += 1
            if key in want:
                score.labelled[key] += 1
            if key in got and key in want and same(key, got[key], want[key]):
                score.right[key] += 1
        if _names(got.get("name")) - _names(want.get("name")):
            score.invented_names.append(item["text"])
        if any(k in got and (k not in want or not same(k, got[k], want[k])) for k in keys) or any(
                k in want and k not in got for k in keys):
            score.misses.append((item["text"], got, want))
    return score


def load_items(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return list(yaml.safe_load(handle))


def main(argv: list[str]) -> int:
    reader, problems = load_reader(PROJECT_ROOT)
    if reader is None:
        print("\n".join(map(str, problems)))
        return 1
    for name in (a for a in argv if a != "-v"):
        score = measure(reader, load_items(Path(name)))
        print(f"{name}: {score.report()}")
        if "-v" in argv:
            for text, got, want in score.misses:
                print(f"  - {text}\n      got  {got}\n      want {want}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
