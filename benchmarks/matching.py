"""Matching and safety in process: messages per second and latency per message, one core.

Per message, what the engine does for free text: ``safety.assess`` then ``matcher.match``. The
messages are every message of tests/data/labelled_messages.yaml and
tests/data/safety_messages.yaml, each with a different number appended, and the normaliser's and
the matcher's caches are emptied before each repeat, so no repeat is answered from the last
one's caches (within a repeat, a word seen before is corrected from cache, as in production).
A second stream appends a made-up word of 6+ letters to every message instead: the typo
corrector then searches the whole vocabulary for every message, the slowest path.

The same messages are then matched against the content grown to 10x and 100x the examples
(benchmarks/synthetic.py); at 100x a fixed subsample (every 8th message) keeps the run short.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmarks.common import Stopwatch, log, median, percentile, stream_texts, varied, with_unseen_words
from benchmarks.synthetic import build_matcher, grow
from bot.app import Core
from bot.matching import Matcher

SUBSAMPLE = {100: 8}
"""Every n-th message at these growth factors (the run would take minutes otherwise)."""
SHIPPED_REPEATS = 7
"""Repeats with the shipped content (at least this many, whatever ``repeats`` says)."""


@dataclass
class Pass:
    """One repeat over the messages: per-message seconds for safety, matching and both."""

    safety: list[float]
    match: list[float]

    @property
    def total(self) -> list[float]:
        return [a + b for a, b in zip(self.safety, self.match, strict=False)]

    def figures(self) -> dict[str, float]:
        total = self.total
        return {
            "messages": len(total),
            "per_second": len(total) / sum(total),
            "p50_ms": percentile(total, 50) * 1e3,
            "p99_ms": percentile(total, 99) * 1e3,
            "max_ms": max(total) * 1e3,
            "mean_ms": sum(total) / len(total) * 1e3,
            "safety_mean_ms": sum(self.safety) / len(self.safety) * 1e3,
            "match_mean_ms": sum(self.match) / len(self.match) * 1e3,
            "match_p99_ms": percentile(self.match, 99) * 1e3,
        }


def clear_caches(core: Core, matcher: Matcher) -> None:
    """Empty the whole-text and per-word caches, so a repeat can't reuse the previous one's."""
    core.normaliser._cached.cache_clear()
    matcher._correct.cache_clear()


def timed_pass(core: Core, matcher: Matcher, texts: Sequence[str]) -> Pass:
    assess, match, clock = core.safety.assess, matcher.match, time.perf_counter
    safety: list[float] = []
    matching: list[float] = []
    for text in texts:
        started = clock()
        assess(text)
        between = clock()
        match(text)
        ended = clock()
        safety.append(between - started)
        matching.append(ended - between)
    return Pass(safety, matching)


def measure(core: Core, matcher: Matcher, texts: Sequence[str], repeats: int,
            vary: Callable[[Sequence[str], int], list[str]] = varied) -> dict[str, list[float]]:
    """``repeats`` cold-cache passes; each figure as a list over the repeats."""
    collected: dict[str, list[float]] = {}
    for index in range(repeats):
        clear_caches(core, matcher)
        figures = timed_pass(core, matcher, vary(texts, index * len(texts))).figures()
        for name, value in figures.items():
            collected.setdefault(name, []).append(value)
    return collected


def growth_exponent(points: list[tuple[float, float]]) -> float:
    """Slope of log(cost) over log(size): 1 is linear, below 1 sublinear."""
    if len(points) < 2:
        return float("nan")
    (x0, y0), (x1, y1) = points[0], points[-1]
    return math.log(y1 / y0) / math.log(x1 / x0)


def describe_growth(exponent: float) -> str:
    if math.isnan(exponent):
        return "not measured"
    if exponent >= 0.9:
        return "linear" if exponent <= 1.15 else "superlinear"
    if exponent >= 0.2:
        return "sublinear"
    return "about constant"


def run(core: Core, factors: Sequence[int] = (1, 10, 100), repeats: int = 3,
        texts: Sequence[str] | None = None) -> dict:
    texts = list(texts if texts is not None else stream_texts())
    results: dict = {"factors": {}, "texts": len(texts), "repeats": repeats}
    for factor in factors:
        watch = Stopwatch()
        grown = grow(core, factor)
        matcher = core.matcher if factor == 1 else build_matcher(core, grown)
        built = watch.seconds
        step = SUBSAMPLE.get(factor, 1)
        sample = texts[::step]
        # The shipped content is quick to time and this VM's speed wanders (±15% between identical
        # passes): more repeats there make its median steadier.
        times = max(repeats, SHIPPED_REPEATS) if factor == 1 else repeats
        log(f"matching x{factor}: {grown.examples} examples, {grown.vocabulary} words, "
            f"built in {built:.1f}s; {len(sample)} messages x {times}")
        entry = {
            "examples": grown.examples,
            "matcher_examples": matcher.example_count,
            "vocabulary": grown.vocabulary,
            "topics": len({flow.topic for flow in grown.flows}),
            "beta": grown.beta,
            "build_seconds": built,
            "messages": len(sample),
            "repeats": times,
            "figures": measure(core, matcher, sample, times),
        }
        if factor == 1:
            entry["unseen_word"] = measure(core, matcher, sample, times, with_unseen_words)
        results["factors"][factor] = entry
        del matcher
    sizes = sorted(results["factors"])
    if len(sizes) > 1:
        points = [(results["factors"][f]["matcher_examples"],
                   median(results["factors"][f]["figures"]["match_mean_ms"])) for f in sizes]
        results["exponent"] = growth_exponent(points)
        results["growth"] = describe_growth(results["exponent"])
    return results
