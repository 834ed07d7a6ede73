"""A multinomial naive Bayes over the examples' terms: which topic's vocabulary a message uses.

It ranks topics well on long, rambling messages (every word adds its bit of evidence), where the
closest-example similarity alone can be led astray by one shared word.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict


class NaiveBayes:
    """Fitted once from (topic, terms) pairs; each example counts a term once."""

    def __init__(self, documents: list[tuple[str, list[str]]], smoothing: float = 0.1) -> None:
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for topic, terms in documents:
            counts[topic].update(set(terms))
        self.vocabulary = frozenset(t for c in counts.values() for t in c)
        size = len(self.vocabulary) or 1
        self._log_unseen: dict[str, float] = {}
        # Per term, only the topics that saw it, as the gain over an unseen term: a message's
        # score is then (terms x unseen) plus a few additions, not a full table lookup per topic.
        self._gain: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for topic, counter in counts.items():
            denominator = sum(counter.values()) + smoothing * size
            unseen = math.log(smoothing / denominator)
            self._log_unseen[topic] = unseen
            for term, count in counter.items():
                self._gain[term].append((topic, math.log((count + smoothing) / denominator) - unseen))
        self.topics = tuple(sorted(counts))

    def posteriors(self, terms: list[str], bonus: dict[str, float] | None = None) -> dict[str, float]:
        """P(topic | terms) with a uniform prior; ``bonus`` adds log-odds (context), may be empty."""
        known = [t for t in terms if t in self.vocabulary]
        logs = {topic: len(known) * self._log_unseen[topic] + (bonus or {}).get(topic, 0.0)
                for topic in self.topics}
        for term in known:
            for topic, gain in self._gain[term]:
                logs[topic] += gain
        top = max(logs.values(), default=0.0)
        exps = {topic: math.exp(value - top) for topic, value in logs.items()}
        total = sum(exps.values()) or 1.0
        return {topic: value / total for topic, value in exps.items()}
