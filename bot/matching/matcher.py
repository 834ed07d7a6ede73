"""Score a message against every example of every flow and pick a topic, or decline to guess.

Two views decide together. A naive Bayes over all examples (bayes.py) ranks the topics: which
topic's vocabulary does the message use? A similarity score then says whether the message is
close enough to that topic's examples to answer at all; below the threshold, or when the
everyday examples of content/out_of_scope.yaml win, Feather says it is not sure.

The similarity score: per topic, three signals are blended into one score from 0 to 100:
- the closest example: term overlap weighted by how much each term says about a topic (IDF over
  topics), found through an inverted index so cost grows with the words a message shares;
- the topic as a whole: the same overlap against all of the topic's examples together, so a
  message that mixes words from several examples still finds its topic;
- rapidfuzz's similarity of the sorted terms to the closest example, which rewards near-paraphrases.
The blend is scaled by how much of the message the content knows at all, so a message about
recipes that happens to say "pregnant" does not borrow a topic. A long message is cut into
sentences and windows and judged by its best part. Unknown words are mapped to the closest known
term with rapidfuzz, which absorbs most typos.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.content.model import Flow
from bot.matching.bayes import NaiveBayes
from bot.matching.terms import GENERIC, stem, terms
from bot.text.normalise import Normaliser

WINDOW = 12
"""Words per window when a sentence is long: about one spoken clause or question."""

OUT_OF_SCOPE = "none"
"""The pseudo-topic of content/out_of_scope.yaml: winning it means "not sure", never a flow."""

_CLAUSE_BREAK = re.compile(r"\s+(?:and|but|so|because|though)\s+")

LIGHT_TERM = 0.2
"""A term whose squared weight is below this (question words shared by hundreds of examples:
"how", "what") is left out of the closest-example sums: it moves a score by a hair and costs the
most time. It still counts in the topic vectors and in how much of the message is known."""

FOLLOW_UP_WORDS = 9
"""Messages with at most this many content words may be read as follow-ups to the last topic."""


@dataclass(frozen=True)
class Weights:
    """How the signals are blended; tuned on the project's labelled set (see tests/data)."""

    example: float = 0.45
    topic: float = 0.40
    fuzzy: float = 0.15
    unknown_term: float = 1.2
    """Weight an unknown word carries in a message: more unknown words, less confidence."""
    coverage_floor: float = 0.35
    generic: float = 0.4
    """Weight factor for question-shaping words (how, long, best, ...)."""
    context_boost: float = 20.0
    context_log_odds: float = 4.0
    """How much more likely the last topic's theme is, for a short follow-up."""
    once: float = 1.0
    """Weight factor for a term that only one example uses: one use is weak evidence."""
    everyday_log_odds: float = 5.0
    everyday_bar: float = -10.0
    """A message is everyday (no topic) when (similarity to the everyday examples - similarity to
    the best topic) + everyday_log_odds x (log-odds of everyday vs that topic) >= everyday_bar."""
    runner_up: float = 0.7
    """A topic at least this likely, relative to the likeliest, may stand in for it when the
    likeliest is too far from its examples."""


@dataclass(frozen=True)
class Match:
    """The outcome: a topic (or None), its score, and the best few candidates for suggestions."""

    topic: str | None
    score: float
    candidates: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class _Example:
    topic: str
    joined: str
    norm: float


class Matcher:
    """Built once from the flows; ``match`` is pure and deterministic."""

    def __init__(
        self,
        flows: list[Flow],
        normaliser: Normaliser,
        threshold: float = 22.0,
        families: dict[str, str] | None = None,
        weights: Weights | None = None,
        out_of_scope: list[str] | None = None,
        concepts: dict[str, str] | None = None,
    ) -> None:
        self.threshold = threshold
        self.window_bar = threshold + 18.0
        self.weights = weights or Weights()
        self._normaliser = normaliser
        self._families = families or {}
        self._concepts = {
            stem(w): stem(normaliser.normalise(c) or c)
            for word, c in (concepts or {}).items()
            if len(normaliser.words(word)) == 1 for w in normaliser.words(word)
        }
        texts = [(flow.topic, ex.text) for flow in flows for ex in flow.examples]
        texts += [(OUT_OF_SCOPE, text) for text in out_of_scope or []]
        raw = [(topic, self._terms(normaliser.words(text))) for topic, text in texts]
        # A message written exactly as an example (after normalising) takes that example's topic:
        # "who are you" or "what can you do" are all question words, too little for the scores.
        exact: dict[str, set[str]] = defaultdict(set)
        for topic, text in texts:
            exact[normaliser.normalise(text)].add(topic)
        self._exact = {key: next(iter(found)) for key, found in exact.items() if len(found) == 1 and key}
        raw = [(topic, t) for topic, t in raw if t]
        topics_with_term: dict[str, set[str]] = defaultdict(set)
        for topic, example_terms in raw:
            for term in example_terms:
                topics_with_term[term].add(topic)
        n_topics = max(1, len({topic for topic, _ in raw}))
        generic = {stem(word) for word in GENERIC}
        self._generic = frozenset(generic)
        examples_with_term: dict[str, int] = defaultdict(int)
        for _, example_terms in raw:
            for term in set(example_terms):
                examples_with_term[term] += 1
        self._idf = {
            term: (math.log((1 + n_topics) / (1 + len(topics))) + 0.2)
            * (self.weights.generic if term in generic else 1.0)
            * (self.weights.once if examples_with_term[term] == 1 else 1.0)
            for term, topics in topics_with_term.items()
        }
        by_initial: dict[str, list[str]] = defaultdict(list)
        for term in sorted(self._idf):
            if len(term) >= 5:
                by_initial[term[0]].append(term)
        self._vocabulary = dict(by_initial)
        self._examples: list[_Example] = []
        self._index: dict[str, list[int]] = defaultdict(list)
        centroid: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for topic, example_terms in raw:
            unique = frozenset(example_terms)
            norm = math.sqrt(sum(self._idf[t] ** 2 for t in unique))
            for term in unique:
                self._index[term].append(len(self._examples))
                centroid[topic][term] += 1.0
            self._examples.append(_Example(topic, " ".join(sorted(unique)), norm))
        self._inverse_norm = [1.0 / example.norm for example in self._examples]
        self._topic_of = [example.topic for example in self._examples]
        # Topic vectors: sublinear term counts times IDF, normalised.
        self._topic_index: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for topic, counts in centroid.items():
            vector = {t: (1 + math.log(c)) * self._idf[t] for t, c in counts.items()}
            norm = math.sqrt(sum(v * v for v in vector.values()))
            for term, value in vector.items():
                self._topic_index[term].append((topic, value / norm))
        self._bayes = NaiveBayes(raw)
        self._correct = lru_cache(maxsize=16384)(self._closest_term)

    @property
    def example_count(self) -> int:
        return len(self._examples)

    def _terms(self, words: list[str]) -> list[str]:
        return [self._concepts.get(t, t) for t in terms(words)]

    def _closest_term(self, term: str) -> str:
        """A known term for an unknown one when they are nearly the same (typos), else itself."""
        if term in self._idf or len(term) < 5:
            return term
        # Typos rarely change the first letter ("along" is not a misspelt "long"), so only known
        # terms of five letters or more with the same first letter are searched: a twentieth of them.
        found = process.extractOne(term, self._vocabulary.get(term[0], ()), scorer=fuzz.ratio, score_cutoff=84)
        return found[0] if found else term

    def _sentences(self, text: str) -> list[list[str]]:
        """The message's terms, clause by clause, typos corrected and concepts applied.

        Sentences are also cut at "and", "but", "so", "because": in "i lost my baby at 10 weeks
        and i feel so empty" the second clause is the point, and deserves a window of its own.
        """
        clauses = [c for s in self._normaliser.sentences(text) for c in _CLAUSE_BREAK.split(s)]
        found = [terms(c.split()) for c in clauses]
        return [[self._concepts.get(t, t) for t in map(self._correct, c)] for c in found if c]

    @staticmethod
    def _windows(sentences: list[list[str]]) -> list[list[str]]:
        """The parts a message is judged by: each sentence, pairs of short ones, long ones in windows."""
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
        w = self.weights
        unique = set(window)
        known = {t: self._idf[t] for t in unique if t in self._idf}
        if not known:
            return
        unknown = len(unique) - len(known)
        known_mass = sum(v * v for v in known.values())
        window_norm = math.sqrt(known_mass + unknown * w.unknown_term**2)
        coverage = math.sqrt(known_mass) / window_norm
        scale = w.coverage_floor + (1 - w.coverage_floor) * coverage
        root_mass = math.sqrt(known_mass)
        # Hot loop: plain dicts and lists, bound to locals (about 2x faster than attribute access).
        index, inverse_norm, topic_of = self._index, self._inverse_norm, self._topic_of
        # Light terms are skipped only beside a weightier one: "for how many years" is all light.
        light = LIGHT_TERM if any(weight * weight >= LIGHT_TERM for weight in known.values()) else 0.0
        dots: dict[int, float] = {}
        topic_dots: dict[str, float] = {}
        for term, weight in known.items():
            squared = weight * weight
            if squared >= light:
                for position in index.get(term, ()):
                    dots[position] = dots.get(position, 0.0) + squared
            for topic, value in self._topic_index.get(term, ()):
                topic_dots[topic] = topic_dots.get(topic, 0.0) + weight * value
        best_example: dict[str, tuple[float, int]] = {}
        for position, dot in dots.items():
            ratio = dot * inverse_norm[position]
            topic = topic_of[position]
            current = best_example.get(topic)
            if current is None or ratio > current[0]:
                best_example[topic] = (ratio, position)
        joined = " ".join(sorted(unique))
        for topic, (ratio, position) in best_example.items():
            cosine = ratio / root_mass
            # Both sides are already sorted unique terms, so token_sort_ratio is plain ratio.
            fuzzy = fuzz.ratio(joined, self._examples[position].joined) / 100.0
            topic_cosine = topic_dots.get(topic, 0.0) / root_mass
            score = 100.0 * scale * (w.example * cosine + w.topic * topic_cosine + w.fuzzy * fuzzy)
            if score > best.get(topic, 0.0):
                best[topic] = score

    def scores(self, text: str, context_topic: str | None = None) -> dict[str, float]:
        """Every topic with any evidence, similarity 0-100 (context applied)."""
        return self._similarities(self._windows(self._sentences(text)), context_topic)

    def _similarities(self, windows: list[list[str]], context_topic: str | None) -> dict[str, float]:
        best: dict[str, float] = {}
        for window in windows:
            self._score_window(window, best)
        for topic in self._context_family(windows, context_topic):
            if topic in best:
                best[topic] = min(100.0, best[topic] + self.weights.context_boost)
        return best

    def _context_family(self, windows: list[list[str]], context_topic: str | None) -> list[str]:
        """The topics a short follow-up leans towards: the whole theme of the last topic."""
        family = self._families.get(context_topic or "")
        if not family or len(windows) > 1 or sum(len(w) for w in windows) > FOLLOW_UP_WORDS:
            return []
        return [topic for topic, f in self._families.items() if f == family]

    def match(self, text: str, context_topic: str | None = None) -> Match:
        """The most likely topic if it is close enough to its examples; otherwise no topic.

        The whole message is weighed first; if its everyday words outweigh the rest (a long story
        with the question at the end), each sentence or window is weighed on its own and the one
        closest to a topic decides, so the question is not drowned by the story around it.
        """
        exact = self._exact.get(self._normaliser.normalise(text))
        if exact is not None:
            return Match(None if exact == OUT_OF_SCOPE else exact, 100.0, ())
        sentences = self._sentences(text)
        windows = self._windows(sentences)
        family = self._context_family(windows, context_topic)
        # Only question words ("how long?"): too little to go on, unless it follows the topic's theme.
        too_little = not any(t in self._idf and t not in self._generic
                                            for s in sentences for t in s)
        similarity = self._similarities(windows, context_topic)
        bonus = dict.fromkeys(family, self.weights.context_log_odds)
        posterior = self._bayes.posteriors([t for s in sentences for t in s], bonus)
        ranked = self._everyday_last(self._ranked(posterior, similarity), posterior, similarity)
        if family and ranked and ranked[0] in family and context_topic != ranked[0] and \
                similarity.get(context_topic or "", 0.0) >= similarity.get(ranked[0], 0.0):
            # A follow-up as close to the last topic as to its neighbour stays where it was
            # ("how can i help her" after partners' grief is still about the couple).
            ranked = [context_topic or "", *(t for t in ranked if t != context_topic)]
        weak = ranked and (ranked[0] == OUT_OF_SCOPE or similarity.get(ranked[0], 0.0) < self.threshold)
        if weak and len(windows) > 1:
            # The best of many windows needs a higher bar than one whole message.
            parts = [t for t in self._best_window(windows, similarity) if similarity[t] >= self.window_bar]
            ranked = parts or ranked
        candidates = tuple((t, round(similarity[t], 1)) for t in ranked if t != OUT_OF_SCOPE)[:3]
        if not ranked:
            return Match(None, 0.0, candidates)
        topic = ranked[0]
        score = round(similarity.get(topic, 0.0), 1)
        if topic == OUT_OF_SCOPE or score < self.threshold or (too_little and topic not in family):
            return Match(None, score, candidates)
        return Match(topic, score, candidates)

    def _everyday_last(self, ranked: list[str], posterior: dict[str, float],
                       similarity: dict[str, float]) -> list[str]:
        """The best real topic first, unless the message is everyday; then "none" first.

        The best topic is the likeliest (naive Bayes), or, when that one is too far from its
        examples, a nearly as likely one that is close enough ("when does it stop hurting").
        Everyday when the everyday examples are about as close as that topic's (similarity) and
        their vocabulary about as likely, weighed together (see Weights).
        """
        real = [t for t in ranked if t != OUT_OF_SCOPE]
        if not real:
            return ranked
        likeliest = real[0]
        if similarity[likeliest] < self.threshold:
            floor = self.weights.runner_up * posterior[likeliest]
            close = next((t for t in real if posterior[t] >= floor and similarity[t] >= self.threshold), None)
            if close is not None:
                real = [close, *(t for t in real if t != close)]
        if all(self._everyday(topic, posterior, similarity) for topic in {likeliest, real[0]}):
            return [OUT_OF_SCOPE, *real]
        return [*real, OUT_OF_SCOPE]

    def _everyday(self, topic: str, posterior: dict[str, float], similarity: dict[str, float]) -> bool:
        """The everyday examples are about as close, and their words about as likely, as ``topic``'s."""
        log_odds = math.log(max(posterior.get(OUT_OF_SCOPE, 0.0), 1e-300)) - math.log(max(posterior[topic], 1e-300))
        closeness = similarity.get(OUT_OF_SCOPE, 0.0) - similarity[topic]
        return closeness + self.weights.everyday_log_odds * log_odds >= self.weights.everyday_bar

    def _ranked(self, posterior: dict[str, float], similarity: dict[str, float]) -> list[str]:
        """Topics with some similarity (and out-of-scope), most probable first, ties by name."""
        pairs = [(t, p) for t, p in posterior.items() if t in similarity or t == OUT_OF_SCOPE]
        return [t for t, _ in sorted(pairs, key=lambda kv: (-kv[1], kv[0]))]

    def _best_window(self, windows: list[list[str]], similarity: dict[str, float]) -> list[str]:
        """Each window's most probable real topic; the one with the highest similarity first."""
        winners: dict[str, float] = {}
        for window in windows:
            ranked = self._ranked(self._bayes.posteriors(window), similarity)
            if ranked and ranked[0] != OUT_OF_SCOPE:
                winners[ranked[0]] = similarity[ranked[0]]
        return [t for t, _ in sorted(winners.items(), key=lambda kv: (-kv[1], kv[0]))]
