"""Score a message against every example of every flow and pick a topic, or decline to guess.

Two signals, both 0-100, are blended per example:
- term overlap weighted by how much each term says about a topic (IDF over topics), through an
  inverted index, so cost grows with the words a message shares with the content;
- rapidfuzz's token-set similarity over the same stemmed terms, which rewards near-paraphrases.
A long message is cut into sentences and windows and judged by its best part. Unknown words are
mapped to the closest known term with rapidfuzz, which absorbs most typos.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.content.model import Flow
from bot.matching.terms import terms
from bot.text.normalise import Normaliser

WINDOW = 12
"""Words per window when a sentence is long: about one spoken clause or question."""

FOLLOW_UP_WORDS = 9
"""Messages with at most this many words may be read as follow-ups to the last topic."""


@dataclass(frozen=True)
class Match:
    """The outcome: a topic (or None), its score, and the best few candidates for suggestions."""

    topic: str | None
    score: float
    candidates: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class _Example:
    topic: str
    terms: frozenset[str]
    joined: str
    norm: float


class Matcher:
    """Built once from the flows; ``match`` is pure and deterministic."""

    def __init__(
        self,
        flows: list[Flow],
        normaliser: Normaliser,
        threshold: float = 50.0,
        families: dict[str, str] | None = None,
        fuzzy_weight: float = 0.35,
        context_boost: float = 12.0,
    ) -> None:
        self.threshold = threshold
        self._normaliser = normaliser
        self._families = families or {}
        self._fuzzy_weight = fuzzy_weight
        self._context_boost = context_boost
        raw = [(flow.topic, terms(normaliser.words(ex.text))) for flow in flows for ex in flow.examples]
        raw = [(topic, t) for topic, t in raw if t]
        topics_with_term: dict[str, set[str]] = defaultdict(set)
        for topic, example_terms in raw:
            for term in example_terms:
                topics_with_term[term].add(topic)
        n_topics = max(1, len({topic for topic, _ in raw}))
        self._idf = {
            term: math.log((1 + n_topics) / (1 + len(topics))) + 0.2
            for term, topics in topics_with_term.items()
        }
        self._vocabulary = sorted(self._idf)
        self._examples: list[_Example] = []
        self._index: dict[str, list[int]] = defaultdict(list)
        for topic, example_terms in raw:
            unique = frozenset(example_terms)
            norm = math.sqrt(sum(self._idf[t] ** 2 for t in unique))
            self._index_example(len(self._examples), unique)
            self._examples.append(_Example(topic, unique, " ".join(sorted(unique)), norm))
        self._correct = lru_cache(maxsize=16384)(self._closest_term)

    def _index_example(self, position: int, unique: frozenset[str]) -> None:
        for term in unique:
            self._index[term].append(position)

    @property
    def example_count(self) -> int:
        return len(self._examples)

    def _closest_term(self, term: str) -> str:
        """A known term for an unknown one when they are nearly the same (typos), else itself."""
        if term in self._idf or len(term) < 5:
            return term
        found = process.extractOne(term, self._vocabulary, scorer=fuzz.ratio, score_cutoff=84)
        return found[0] if found else term

    def _windows(self, text: str) -> list[list[str]]:
        """The parts a message is judged by: each sentence, pairs of short ones, long ones in windows."""
        sentences = [terms(s.split()) for s in self._normaliser.sentences(text)]
        sentences = [[self._correct(t) for t in s] for s in sentences if s]
        windows: list[list[str]] = []
        for index, sentence in enumerate(sentences):
            if len(sentence) <= WINDOW:
                windows.append(sentence)
            else:
                step = WINDOW // 2
                windows.extend(sentence[i : i + WINDOW] for i in range(0, len(sentence) - step, step))
            if index + 1 < len(sentences) and len(sentence) + len(sentences[index + 1]) <= WINDOW:
                windows.append(sentence + sentences[index + 1])
        return windows

    def _score_window(self, window: list[str], best: dict[str, float]) -> None:
        unique = set(window)
        weights = {t: self._idf.get(t, 0.0) for t in unique}
        known = {t: w for t, w in weights.items() if w > 0}
        if not known:
            return
        window_norm = math.sqrt(sum(w * w for w in weights.values()) + 0.5 * sum(
            1.0 for w in weights.values() if w == 0))
        dots: dict[int, float] = defaultdict(float)
        for term, weight in known.items():
            for position in self._index.get(term, ()):
                dots[position] += weight * weight
        if not dots:
            return
        joined = " ".join(sorted(unique))
        for position in dots:
            example = self._examples[position]
            fuzzy_score = fuzz.token_set_ratio(joined, example.joined)
            cosine = dots[position] / (window_norm * example.norm)
            score = 100.0 * (1 - self._fuzzy_weight) * cosine + self._fuzzy_weight * float(fuzzy_score)
            if score > best.get(example.topic, 0.0):
                best[example.topic] = score

    def scores(self, text: str, context_topic: str | None = None) -> dict[str, float]:
        """Every topic with any evidence, scored 0-100 (context applied)."""
        best: dict[str, float] = {}
        windows = self._windows(text)
        for window in windows:
            self._score_window(window, best)
        if context_topic and self._is_follow_up(windows):
            family = self._families.get(context_topic)
            for topic in best:
                if family and self._families.get(topic) == family and topic != context_topic:
                    best[topic] = min(100.0, best[topic] + self._context_boost)
        return best

    @staticmethod
    def _is_follow_up(windows: list[list[str]]) -> bool:
        return sum(len(w) for w in windows[:1]) <= FOLLOW_UP_WORDS and len(windows) <= 1

    def match(self, text: str, context_topic: str | None = None) -> Match:
        """The best topic if it clears the threshold; ties go to the alphabetically first topic."""
        ranked = sorted(self.scores(text, context_topic).items(), key=lambda kv: (-kv[1], kv[0]))
        candidates = tuple((topic, round(score, 1)) for topic, score in ranked[:3])
        if not ranked or ranked[0][1] < self.threshold:
            return Match(None, round(ranked[0][1], 1) if ranked else 0.0, candidates)
        return Match(ranked[0][0], round(ranked[0][1], 1), candidates)


