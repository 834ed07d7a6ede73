"""A learned second reader for crisis messages: catches what the phrase patterns miss.

Why: the hand-written patterns in ``content/safety.yaml`` catch every message in the project's
test sets, but on fresh crisis messages written by someone else they caught about half. The
misses were oblique ("the only thing stopping me is my dog", "i keep thinking about driving into
a wall"): no list of phrases can name every way of saying it. This layer learns, from the
examples in ``content/safety_examples.yaml``, which words and word pairs tell a crisis apart
from the ordinary language of loss, and scores every message the patterns did not already call a
crisis.

What it may do: only RAISE the level. Nothing -> ``"checkin"`` (the gentle question with a
button to the crisis support) when the score is above a threshold that lets at most 2% of the
calm examples through under cross-validation; -> ``"crisis"`` only above a much higher bar that
no calm example reached under cross-validation (plus a margin). It never lowers a pattern hit,
and where a pattern's guard spoke (a near-miss such as "my feet are killing me", or a denial
such as "i'm not suicidal, just sad") it may ask, but not sound the alarm: those guards are a
person's decision about that phrase. See :meth:`bot.safety.detector.SafetyDetector.assess`.

How: a naive Bayes (the matcher's kind, :mod:`bot.matching.bayes`) over two feature kinds:
the matcher's terms (:func:`bot.matching.terms.terms`: content words, lightly stemmed) and pairs
of neighbouring words with function words kept ("be with", "not wake", "only reason"), since
much of a crisis is said in small words. The score is the summed log-likelihood ratio of the
distinct known features, read over windows of ``WINDOW`` words (every half window) so that a
long message neither dilutes a crisis sentence nor piles up weak evidence from many. Training
is counting: it runs at start-up, with the cross-validation that picks the thresholds, in a few
tens of milliseconds; it is deterministic (folds by position, no randomness).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.content.problems import Problem
from bot.content.yamlsrc import Where, YamlError, YDict, YList, load_yaml
from bot.matching.terms import STOPWORDS, stem
from bot.text.normalise import Normaliser

WINDOW = 24
"""Words read at once; a crisis statement is one or two sentences."""
SMOOTHING = 1.0
FOLDS = 5
CHECKIN_FALSE_RATE = 0.02
"""At most this share of the calm examples (cross-validated) may get the check-in."""
CRISIS_MARGIN = 3.0
"""The crisis bar is this far (log-odds) above the highest cross-validated calm score."""
MIN_EXAMPLES = 50
"""Fewer examples than this in either list and the layer stays off (an error for ``--check``)."""
_PAIR_SKIP = frozenset({"a", "an", "the", "so", "just", "really", "very", "like", "um", "uh"})
_STEMS_MAX = 50_000

Level = str  # "crisis" | "checkin"


@dataclass(frozen=True)
class Examples:
    crisis: tuple[str, ...]
    calm: tuple[str, ...]


@dataclass
class CrossValidation:
    """How the layer did on its own examples, each scored by a model that never saw it."""

    crisis_total: int = 0
    calm_total: int = 0
    crisis_checkin: int = 0
    """Crisis examples at or above the check-in bar (so: check-in or crisis)."""
    crisis_crisis: int = 0
    calm_checkin: int = 0
    calm_crisis: int = 0

    def summary(self) -> str:
        return (f"crisis {self.crisis_checkin}/{self.crisis_total} flagged "
                f"({self.crisis_crisis} as crisis); calm {self.calm_checkin}/{self.calm_total} "
                f"given a check-in, {self.calm_crisis} the crisis reply")


class _Model:
    """Naive Bayes log-likelihood ratios (crisis over calm) of each feature seen in training;
    each example counts a feature once. Its score is the summed ratio of the known features."""

    def __init__(self, crisis: list[frozenset[str]], calm: list[frozenset[str]]) -> None:
        hits, quiet = Counter[str](), Counter[str]()
        for features in crisis:
            hits.update(features)
        for features in calm:
            quiet.update(features)
        vocabulary = hits.keys() | quiet.keys()
        size = len(vocabulary) or 1
        denominator_hit = sum(hits.values()) + SMOOTHING * size
        denominator_quiet = sum(quiet.values()) + SMOOTHING * size
        self.weights: dict[str, float] = {
            f: math.log((hits[f] + SMOOTHING) / denominator_hit)
            - math.log((quiet[f] + SMOOTHING) / denominator_quiet)
            for f in vocabulary
        }

    def score(self, features: frozenset[str] | set[str]) -> float:
        weights = self.weights
        return sum(weights.get(f, 0.0) for f in features)


class LearnedSafety:
    """Built once from the examples; ``level(norm)`` is cheap and thread-safe (reads only)."""

    def __init__(self, examples: Examples, normaliser: Normaliser) -> None:
        start = time.perf_counter()
        self._normaliser = normaliser
        self._stems: dict[str, str] = {}
        crisis = [self.features(normaliser.normalise(t).split()) for t in examples.crisis]
        calm = [self.features(normaliser.normalise(t).split()) for t in examples.calm]
        self.cross_validation, self.checkin_bar, self.crisis_bar = self._thresholds(crisis, calm)
        self._model = _Model(crisis, calm)
        self.train_seconds = time.perf_counter() - start

    # ------------------------------------------------------------------ public
    def score(self, norm: str) -> float:
        """The highest window score of normalised text (0.0 for empty text)."""
        words = norm.split()
        if not words:
            return 0.0
        if len(words) <= WINDOW:
            return self._model.score(self.features(words))
        step = WINDOW // 2
        return max(self._model.score(self.features(words[i:i + WINDOW]))
                   for i in range(0, len(words) - step, step))

    def level(self, norm: str) -> Level | None:
        """``"crisis"`` (very sure), ``"checkin"`` or None for normalised text."""
        value = self.score(norm)
        if value > self.crisis_bar:
            return "crisis"
        if value > self.checkin_bar:
            return "checkin"
        return None

    def features(self, words: list[str]) -> frozenset[str]:
        """The matcher's terms plus neighbouring word pairs (function words kept, stemmed)."""
        stems = self._stems
        out: set[str] = set()
        previous: str | None = None
        for word in words:
            s = stems.get(word)
            if s is None:
                s = stem(word)
                if len(stems) < _STEMS_MAX:
                    stems[word] = s
            if word not in STOPWORDS and (len(word) > 1 or word.isdigit()):
                out.add(s)
            if word in _PAIR_SKIP:
                continue
            if previous is not None:
                out.add(f"{previous} {s}")
            previous = s
        return frozenset(out)

    # ------------------------------------------------------------------ training
    @staticmethod
    def _thresholds(crisis: list[frozenset[str]],
                    calm: list[frozenset[str]]) -> tuple[CrossValidation, float, float]:
        """Cross-validated scores (fold = position mod FOLDS) and the two bars chosen on them."""
        crisis_scores: list[float] = []
        calm_scores: list[float] = []
        for fold in range(FOLDS):
            model = _Model([f for i, f in enumerate(crisis) if i % FOLDS != fold],
                           [f for i, f in enumerate(calm) if i % FOLDS != fold])
            crisis_scores += [model.score(f) for i, f in enumerate(crisis) if i % FOLDS == fold]
            calm_scores += [model.score(f) for i, f in enumerate(calm) if i % FOLDS == fold]
        ranked = sorted(calm_scores, reverse=True)
        allowed = int(CHECKIN_FALSE_RATE * len(ranked))
        checkin_bar = ranked[min(allowed, len(ranked) - 1)] if ranked else 0.0
        crisis_bar = max(ranked[0] + CRISIS_MARGIN if ranked else 0.0, checkin_bar + CRISIS_MARGIN)
        cv = CrossValidation(
            crisis_total=len(crisis_scores), calm_total=len(calm_scores),
            crisis_checkin=sum(s > checkin_bar for s in crisis_scores),
            crisis_crisis=sum(s > crisis_bar for s in crisis_scores),
            calm_checkin=sum(s > checkin_bar for s in calm_scores),
            calm_crisis=sum(s > crisis_bar for s in calm_scores),
        )
        return cv, checkin_bar, crisis_bar


# ---------------------------------------------------------------------------- content file
def load_examples(path: Path, normaliser: Normaliser,
                  display_name: str = "content/safety_examples.yaml",
                  today: date | None = None) -> tuple[Examples | None, list[Problem]]:
    """The examples and every problem found (file and line); None when the layer must stay off."""
    problems: list[Problem] = []

    def error(where: Where, message: str) -> None:
        problems.append(Problem(where, message))

    if not path.exists():
        error(Where(display_name, 1), "file is missing: the learned safety layer is off "
                                      "(the phrase patterns still run)")
        return None, problems
    try:
        data = load_yaml(path, display_name)
    except YamlError as exc:
        error(exc.where, exc.message)
        return None, problems
    if not isinstance(data, YDict):
        error(Where(display_name, 1), "the file must be a mapping (key: value) at the top level")
        return None, problems
    for key in data:
        if key not in ("last_reviewed", "crisis", "calm"):
            error(data.at(key), f"unknown key '{key}' (allowed: calm, crisis, last_reviewed)")
    _check_reviewed(data, today, problems)
    seen: dict[str, tuple[str, Where]] = {}
    lists: dict[str, list[str]] = {}
    for name in ("crisis", "calm"):
        items = data.get(name)
        lists[name] = []
        if not isinstance(items, YList):
            error(data.at(name) if name in data else data.where,
                  f"'{name}' must be a list of example messages")
            continue
        for index, item in enumerate(items):
            where = items.at(index)
            if not isinstance(item, str) or not item.strip():
                error(where, f"each entry of '{name}' must be non-empty text")
                continue
            norm = normaliser.normalise(item)
            if not norm:
                error(where, f"'{item}' has no words once normalised")
                continue
            if norm in seen:
                other, at = seen[norm]
                if other == name:
                    problems.append(Problem(where, f"duplicate of line {at.line} (after normalising)",
                                            "warning"))
                else:
                    error(where, f"the same message is under {other} (line {at.line}) and {name}")
                continue
            seen[norm] = (name, where)
            lists[name].append(item)
        if len(lists[name]) < MIN_EXAMPLES:
            error(items.where, f"'{name}' has {len(lists[name])} usable examples; the learned "
                               f"layer needs at least {MIN_EXAMPLES} and stays off")
    if any(p.severity == "error" and "stays off" in p.message for p in problems) \
            or not lists["crisis"] or not lists["calm"]:
        return None, problems
    return Examples(tuple(lists["crisis"]), tuple(lists["calm"])), problems


def _check_reviewed(data: YDict, today: date | None, problems: list[Problem]) -> None:
    value = data.get("last_reviewed")
    if value is None:
        problems.append(Problem(data.where, "needs 'last_reviewed: YYYY-MM-DD'"))
        return
    try:
        reviewed = date.fromisoformat(str(value))
    except ValueError:
        problems.append(Problem(data.at("last_reviewed"), f"last_reviewed '{value}' is not a date"))
        return
    if today is not None and (today - reviewed).days > 365:
        problems.append(Problem(data.at("last_reviewed"),
                                f"last reviewed {reviewed}, over a year ago: please review", "warning"))


def build_learned(path: Path, normaliser: Normaliser, today: date | None = None,
                  display_name: str = "content/safety_examples.yaml",
                  ) -> tuple[LearnedSafety | None, list[Problem]]:
    examples, problems = load_examples(path, normaliser, display_name, today)
    return (LearnedSafety(examples, normaliser) if examples is not None else None), problems


__all__ = ["CrossValidation", "Examples", "LearnedSafety", "build_learned", "load_examples"]
