"""Shared pieces of the benchmarks: statistics, the machine, the project's labelled messages.

Every timed figure is measured ``repeats`` times (3 by default) and reported as the median of the
repeats; latencies are percentiles over every message of one repeat, then the median over repeats.
"""

from __future__ import annotations

import gc
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"

if str(ROOT) not in sys.path:  # run as a script (benchmarks/run.py) or imported by the smoke test
    sys.path.insert(0, str(ROOT))


# ------------------------------------------------------------------------------ statistics


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    rank = (len(ordered) - 1) * q / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


def spread(values: Sequence[float]) -> str:
    """'min-max' of the repeats, to show how much the runs agreed."""
    if not values:
        return ""
    return f"{min(values):.3g}–{max(values):.3g}"


@dataclass
class Repeats:
    """One figure measured several times: the median is the figure, the rest shows the spread."""

    values: list[float]

    @property
    def median(self) -> float:
        return median(self.values)

    def __repr__(self) -> str:
        return f"Repeats(median={self.median:.4g}, values={[round(v, 4) for v in self.values]})"


def repeat(times: int, measure: Callable[[int], dict[str, float]]) -> dict[str, Repeats]:
    """Run ``measure(i)`` ``times`` times (each returns named figures); collect each figure."""
    collected: dict[str, list[float]] = {}
    for index in range(times):
        gc.collect()
        for name, value in measure(index).items():
            collected.setdefault(name, []).append(float(value))
    return {name: Repeats(values) for name, values in collected.items()}


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


def log(message: str) -> None:
    """Progress on stderr (the report goes to docs/benchmarks.md)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ the machine


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def ram_gib() -> float:
    try:
        import psutil

        return psutil.virtual_memory().total / 2**30
    except ImportError:
        match = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        return int(match.group(1)) / 2**20 if match else 0.0


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                            capture_output=True, text=True).stdout
    dirty = [line[3:] for line in status.splitlines()
             if line[3:] and line[3:] != "docs/benchmarks.md"]  # the report itself does not count
    if not dirty:
        return commit
    shown = ", ".join(dirty[:6]) + (f" and {len(dirty) - 6} more" if len(dirty) > 6 else "")
    return f"{commit}, with uncommitted changes to {shown}"


def machine() -> dict[str, str]:
    import telegram

    return {
        "CPU": cpu_model(),
        "cores": str(os.cpu_count()),
        "RAM": f"{ram_gib():.1f} GiB",
        "Python": platform.python_version(),
        "OS": f"{platform.system()} {platform.release()}",
        "python-telegram-bot": telegram.__version__,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
    }


# ------------------------------------------------------------------------------ the data


@cache
def load_yaml(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def labelled() -> list[dict[str, str]]:
    """tests/data/labelled_messages.yaml: {text, topic}; topic "none" is off-topic."""
    return list(load_yaml("labelled_messages.yaml"))


def followups() -> list[dict[str, str]]:
    """tests/data/followups.yaml: {context, text, topic}."""
    return list(load_yaml("followups.yaml"))


def safety_sets() -> dict[str, list[str]]:
    """tests/data/safety_messages.yaml (crisis, medical, calm, figurative) and the second writer's
    tests/data/safety_extra.yaml (as extra_crisis, extra_medical, extra_calm)."""
    main = load_yaml("safety_messages.yaml")
    extra = load_yaml("safety_extra.yaml")
    sets = {name: list(main[name]) for name in ("crisis", "medical", "calm", "figurative")}
    sets.update({f"extra_{name}": list(extra[name]) for name in ("crisis", "medical", "calm")})
    return sets


def stream_texts() -> list[str]:
    """The messages the speed benchmarks send: every labelled message and every message of
    tests/data/safety_messages.yaml, in file order."""
    main = load_yaml("safety_messages.yaml")
    texts = [item["text"] for item in labelled()]
    for name in ("crisis", "medical", "calm", "figurative"):
        texts += list(main[name])
    return texts


def varied(texts: Sequence[str], offset: int = 0) -> list[str]:
    """Each message with a different short number at the end, so no whole-message cache can
    answer from a previous run. (Numbers below 10,000 are too short for typo correction, so this
    adds no cost of its own; see ``unseen_word`` for the costly case.)"""
    return [f"{text} {(offset + index) % 9_973 + 17}" for index, text in enumerate(texts)]


_SYLLABLES = ("bra", "cle", "dro", "fen", "gar", "hol", "jin", "kep", "lor", "mus", "nid", "pra",
              "quo", "ros", "sul", "tev", "ulm", "vor", "wex", "yad", "zin")


def unseen_word(index: int) -> str:
    """A made-up word of 6+ letters that no content knows: the matcher looks it up as a possible
    typo (rapidfuzz over the whole vocabulary) every time, the slowest path for one word."""
    a, b = divmod(index, len(_SYLLABLES))
    c, a = divmod(a, len(_SYLLABLES))
    return _SYLLABLES[a] + _SYLLABLES[b] + _SYLLABLES[c % len(_SYLLABLES)] + "x"


def with_unseen_words(texts: Sequence[str], offset: int = 0) -> list[str]:
    return [f"{text} {unseen_word(offset + index)}" for index, text in enumerate(texts)]


def fmt(value: float, digits: int = 3) -> str:
    """A number for the report: 3 significant digits, thousands separated."""
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"
