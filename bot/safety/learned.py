"""A learned second reader for crisis messages: catches what the phrase patterns miss.

Why: the hand-written patterns in ``content/safety.yaml`` catch every message in the project's
test sets, but on fresh crisis messages written by someone else they caught about half. The
misses were oblique ("the only thing stopping me is my dog", "i keep thinking about driving into
a wall"): no list of phrases can name every way of saying it. This layer learns, from the
examples in ``content/safety_examples.yaml`` and its batch folder, which words, word pairs and
concepts tell a crisis apart from the ordinary language of loss, and scores every message the
patterns did not already call a crisis.

What it may do: only RAISE the level. Nothing -> ``"checkin"`` (the gentle question with a
button to the crisis support) above one bar; -> ``"crisis"`` above a higher one. It never lowers
a pattern hit, and where a pattern's guard spoke (a near-miss such as "my feet are killing me",
or a denial such as "i'm not suicidal, just sad") it may ask, but not sound the alarm: those
guards are a person's decision about that phrase. See :meth:`bot.safety.detector.SafetyDetector.assess`.

How: logistic regression (:class:`_Model`) over the matcher's terms, pairs of neighbouring words
with function words kept ("be with", "not wake", "only reason": much of a crisis is said in
small words) and the concepts the words stand for. The score is read over windows of ``WINDOW``
words (every half window), so a long message neither dilutes a crisis sentence nor piles up weak
evidence from many.

Where the bars sit (each example scored by a model that never saw it): the check-in bar on all
the written calm examples, most of them twins of a crisis message ("the knives in the block", a
past crisis), because a weak signal in a message the layer asks about makes a crisis. The crisis
bar on the calm messages of the blind rounds once measured (batches marked ``calibration:
true``): near-misses and ordinary messages as people write them to Feather, the very messages the
alarm must keep quiet on. Set on the twins, the crisis bar sat so high that on blind rounds left
out it missed about one crisis message in ten that it could tell apart (docs/safety.md).
The model is the mean of three fitted with the examples in three orders, and the bars are set on
held-out scores averaged the same way: one model's calm tail depends on the order it saw the
examples in, and the crisis bar sits in that tail (``REPEATS``).
Training runs at start-up in a few seconds, once per process; it is deterministic (a fixed seed).
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.content.problems import Problem
from bot.content.yamlsrc import Where, YamlError, YDict, YList, load_yaml
from bot.matching.terms import STOPWORDS, stem
from bot.text.normalise import Normaliser

WINDOW = 40
"""Words read at once; a crisis statement is one or two sentences."""
FOLDS = 5
EPOCHS = 6
LEARNING_RATE = 0.2
SETTLED = 0.02
"""An example scored this close to its label is not stepped on."""
L2 = 1e-6
"""Weight decay per example, applied once an epoch."""
SEED = 7
CHECKIN_FALSE_RATE = 0.025
"""At most this share of ALL the written calm examples (cross-validated; most are twins of a crisis
message) may get the check-in. It is also the bar at which a weak signal in the same message makes
a crisis (the detector's ``WITH_LEARNED``), so it stays on the hard examples: set on the blind
rounds' calm it asked "took the pills for the medical management" and made it a crisis."""
CRISIS_FALSE_RATE = 0.003
"""At most this share of the calibration messages (cross-validated) may get the crisis reply:
the bar sits just above the few most crisis-like calm messages of the blind rounds. A higher
share caught a few more crisis messages on a blind round left out, but alarmed on ordinary
forum posts (shared/eval/dev_phrasings.yaml) and on the test sets' near-misses (docs/safety.md)."""
REPEATS = 3
"""Models averaged, each fitted with the examples in its own order (``SEED + repeat``), and
cross-validations whose held-out scores are averaged to set the bars. One model fitted by a few
epochs of stochastic gradient descent depends on the order it saw the examples in: with the same
examples, four orders put the crisis bar (about the seventh-highest of ~2,300 calibration scores)
between 2.58 and 3.03 logits. Averaged, the calm tail is smoother and, at the same calm rate, the
bar lets through far more of the crisis examples (docs/safety.md)."""
TAIL = 0.05
"""The share of the highest calibration scores the crisis bar's tail is fitted to (:func:`_tail_bar`)."""
MIN_CALIBRATION = 200
"""Fewer calibration messages than this and the crisis bar is set on all the calm examples."""
MIN_EXAMPLES = 50
"""Fewer examples than this in either list and the layer stays off (an error for ``--check``)."""
_PAIR_SKIP = frozenset({"a", "an", "the", "so", "just", "really", "very", "like", "um", "uh"})
_STEMS_MAX = 50_000

Level = str  # "crisis" | "checkin"


@dataclass(frozen=True)
class Examples:
    crisis: tuple[str, ...]
    calm: tuple[str, ...]
    concepts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """concept name -> the normalised words that stand for it ("med": pills, tablets, insulin...)."""
    ordinary: tuple[str, ...] = ()
    """What the content itself answers (the flows' examples, out_of_scope.yaml): calm by
    definition, learned from, but not used to set the bars (it is far easier than a near-miss)."""
    calibration: frozenset[str] = frozenset()
    """The calm examples (as written) that set the crisis bar: blind rounds' near-misses and
    ordinary messages (batches with ``calibration: true``)."""

    def key(self) -> tuple[object, ...]:
        return (self.crisis, self.calm, tuple(sorted(self.concepts.items())), self.ordinary,
                tuple(sorted(self.calibration)))


@dataclass
class CrossValidation:
    """How the layer did on its own examples, each scored by a model that never saw it."""

    crisis_total: int = 0
    calm_total: int = 0
    """All the written calm examples; ``calibration_*`` the ones the crisis bar was set on."""
    calibration_total: int = 0
    calibration_checkin: int = 0
    calibration_crisis: int = 0
    crisis_checkin: int = 0
    """Crisis examples at or above the check-in bar (so: check-in or crisis)."""
    crisis_crisis: int = 0
    calm_checkin: int = 0
    calm_crisis: int = 0
    ordinary_total: int = 0
    ordinary_checkin: int = 0
    ordinary_crisis: int = 0

    def summary(self) -> str:
        return (f"crisis {self.crisis_checkin}/{self.crisis_total} flagged "
                f"({self.crisis_crisis} as crisis); calm {self.calm_checkin}/{self.calm_total} "
                f"flagged, {self.calm_crisis} as crisis (the blind rounds' calm, which set the crisis bar: "
                f"{self.calibration_checkin}/{self.calibration_total} flagged, {self.calibration_crisis} "
                f"as crisis); the content's own phrases "
                f"{self.ordinary_checkin}/{self.ordinary_total} flagged, {self.ordinary_crisis} as crisis")


class _Model:
    """Logistic regression over binary features, fitted by stochastic gradient descent with the
    two lists weighted to count equally. Why not naive Bayes (this layer's first model): the
    concept features overlap by design (a word and its concept, a concept and its pairs), and
    naive Bayes counts overlapping evidence twice; a fitted weight shares it. On a blind round it
    caught more crisis messages at the same rate of calm ones (docs/safety.md). Deterministic:
    the example order is shuffled by a fixed seed."""

    def __init__(self, crisis: list[frozenset[str]], calm: list[frozenset[str]], seed: int = SEED) -> None:
        index: dict[str, int] = {}
        rows = [([index.setdefault(f, len(index)) for f in features], truth)
                for examples, truth in ((crisis, 1.0), (calm, 0.0)) for features in examples]
        balance = len(calm) / max(1, len(crisis))
        w = [0.0] * len(index)
        bias = 0.0
        shuffle = random.Random(seed).shuffle
        for epoch in range(EPOCHS):
            shuffle(rows)
            rate = LEARNING_RATE / (1 + epoch / 2)
            for ids, truth in rows:
                z = bias + sum([w[i] for i in ids])
                p = 1 / (1 + math.exp(-min(30.0, max(-30.0, z))))
                if abs(p - truth) < SETTLED:
                    continue  # already right: a step this small changes nothing (and costs most of the time)
                step = rate * (p - truth) * (balance if truth else 1.0)
                bias -= step
                for i in ids:
                    w[i] -= step
            shrink = 1 - rate * L2 * len(rows)
            w = [x * shrink for x in w]
        self.weights: dict[str, float] = {f: w[i] for f, i in index.items()}
        self.bias = bias

    def score(self, features: frozenset[str] | set[str]) -> float:
        weights = self.weights
        return self.bias + sum(weights.get(f, 0.0) for f in features)

    @classmethod
    def averaged(cls, models: list[_Model]) -> _Model:
        """One model whose score is the mean of ``models``' scores (the mean of linear models is
        the linear model of the mean weights), so an ensemble costs nothing to score."""
        mean = cls.__new__(cls)
        weights: dict[str, float] = {}
        for model in models:
            for feature, weight in model.weights.items():
                weights[feature] = weights.get(feature, 0.0) + weight / len(models)
        mean.weights = weights
        mean.bias = sum(model.bias for model in models) / len(models)
        return mean


@dataclass(frozen=True)
class Bars:
    """Scores above which the layer asks (and a weak signal makes a crisis) or alarms."""

    checkin: float
    crisis: float


@dataclass(frozen=True)
class _Trained:
    cross_validation: CrossValidation
    bars: Bars
    model: _Model


_TRAINED: dict[tuple[object, ...], _Trained] = {}
"""Trained layers by their examples, for this process."""


class LearnedSafety:
    """Built once from the examples; ``level(norm)`` is cheap and thread-safe (reads only)."""

    def __init__(self, examples: Examples, normaliser: Normaliser, fresh: bool = False) -> None:
        """Trains on ``examples`` (seconds); the same examples in one process train once unless
        ``fresh`` (tests build many cores from one content folder)."""
        start = time.perf_counter()
        self._normaliser = normaliser
        self._stems: dict[str, str] = {}
        self._concepts: dict[str, tuple[str, ...]] = {}
        for name, words in examples.concepts.items():
            for word in words:
                self._concepts[word] = (*self._concepts.get(word, ()), name)
        key = examples.key()
        trained = None if fresh else _TRAINED.get(key)
        if trained is None:
            crisis = [self.features(normaliser.normalise(t).split()) for t in examples.crisis]
            calm = [self.features(normaliser.normalise(t).split()) for t in examples.calm]
            ordinary = [self.features(normaliser.normalise(t).split()) for t in examples.ordinary]
            marked = [t in examples.calibration for t in examples.calm]
            cv, bars = self._thresholds(crisis, calm, ordinary, marked)
            model = _Model.averaged([_Model(crisis, calm + ordinary, SEED + repeat) for repeat in range(REPEATS)])
            trained = _Trained(cv, bars, model)
            _TRAINED[key] = trained
        self.cross_validation = trained.cross_validation
        self.bars = trained.bars
        self._model = trained.model
        self.train_seconds = time.perf_counter() - start

    # ------------------------------------------------------------------ public
    @property
    def checkin_bar(self) -> float:
        return self.bars.checkin

    @property
    def crisis_bar(self) -> float:
        return self.bars.crisis

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

    def weight(self, feature: str) -> float:
        """What one feature adds to a score (0.0 if never seen): for tests and for people
        reviewing what the layer learned."""
        return self._model.weights.get(feature, 0.0)

    def level(self, norm: str) -> Level | None:
        """``"crisis"`` (very sure), ``"checkin"`` or None for normalised text."""
        value = self.score(norm)
        if value > self.bars.crisis:
            return "crisis"
        if value > self.bars.checkin:
            return "checkin"
        return None

    def features(self, words: list[str]) -> frozenset[str]:
        """The matcher's terms, neighbouring word pairs (function words kept, stemmed), and the
        concepts the words stand for, alone and in pairs ("@gather+med": a word for saving or
        buying with a word for a medicine, anywhere in the window). Concepts are what let a
        message the examples never said ("put aside the co-codamol") share evidence with one
        they did ("been collecting my sleeping pills")."""
        stems = self._stems
        concepts = self._concepts
        out: set[str] = set()
        seen: set[str] = set()
        previous: str | None = None
        for word in words:
            seen.update(concepts.get(word, ()))
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
        if seen:
            ordered = sorted(seen)
            out.update(f"@{name}" for name in ordered)
            out.update(f"@{a}+{b}" for i, a in enumerate(ordered) for b in ordered[i + 1:])
        return frozenset(out)

    # ------------------------------------------------------------------ training
    @staticmethod
    def _thresholds(crisis: list[frozenset[str]], calm: list[frozenset[str]],
                    ordinary: list[frozenset[str]], calibration: list[bool],
                    ) -> tuple[CrossValidation, Bars]:
        """The two bars, on every example's held-out score averaged over ``REPEATS``
        cross-validations (each with its own folds and its own order of examples, as the final
        model is the mean of as many models): the check-in bar on all the written calm examples'
        scores, the crisis bar on the calibration messages' scores (``calibration[i]``: calm
        example i is one), or on all the written calm examples when there are too few of them.
        Never on the content's phrases (far easier than a near-miss)."""
        runs = [_held_out(crisis, calm, ordinary, repeat) for repeat in range(REPEATS)]
        crisis_scores = [sum(scores) / len(runs) for scores in zip(*(c for c, _ in runs), strict=True)]
        held = [sum(scores) / len(runs) for scores in zip(*(h for _, h in runs), strict=True)]
        calm_scores, ordinary_scores = held[:len(calm)], held[len(calm):]
        bars = _bars(calm_scores, calibration)
        calibrating = _calibrating(calm_scores, calibration)
        cv = CrossValidation(
            crisis_total=len(crisis_scores), calm_total=len(calm_scores),
            calibration_total=len(calibrating),
            calibration_checkin=sum(s > bars.checkin for s in calibrating),
            calibration_crisis=sum(s > bars.crisis for s in calibrating),
            crisis_checkin=sum(s > bars.checkin for s in crisis_scores),
            crisis_crisis=sum(s > bars.crisis for s in crisis_scores),
            calm_checkin=sum(s > bars.checkin for s in calm_scores),
            calm_crisis=sum(s > bars.crisis for s in calm_scores),
            ordinary_total=len(ordinary_scores),
            ordinary_checkin=sum(s > bars.checkin for s in ordinary_scores),
            ordinary_crisis=sum(s > bars.crisis for s in ordinary_scores),
        )
        return cv, bars


def _held_out(crisis: list[frozenset[str]], calm: list[frozenset[str]], ordinary: list[frozenset[str]],
              repeat: int) -> tuple[list[float], list[float]]:
    """Every example scored by a model that never saw it: the crisis examples' scores, and the
    calm examples' then the content phrases' scores, by position. Repeat 0 folds by position mod
    FOLDS; a later repeat first shuffles the positions (a fixed seed), so it folds differently, and
    its models see the examples in their own order (``SEED + repeat``)."""
    negatives = calm + ordinary
    fold_of_crisis = _folds(len(crisis), repeat)
    fold_of_negative = _folds(len(negatives), repeat)
    crisis_scores = [0.0] * len(crisis)
    held = [0.0] * len(negatives)
    for fold in range(FOLDS):
        model = _Model([f for i, f in enumerate(crisis) if fold_of_crisis[i] != fold],
                       [f for i, f in enumerate(negatives) if fold_of_negative[i] != fold], SEED + repeat)
        for i, f in enumerate(crisis):
            if fold_of_crisis[i] == fold:
                crisis_scores[i] = model.score(f)
        for i, f in enumerate(negatives):
            if fold_of_negative[i] == fold:
                held[i] = model.score(f)
    return crisis_scores, held


def _folds(count: int, repeat: int) -> list[int]:
    positions = list(range(count))
    if repeat:
        random.Random(SEED + repeat).shuffle(positions)
    fold = [0] * count
    for rank, position in enumerate(positions):
        fold[position] = rank % FOLDS
    return fold


def _calibrating(calm_scores: list[float], calibration: list[bool]) -> list[float]:
    """The calibration messages' scores (``calibration[i]``: calm example i is one)."""
    return [score for score, marked in zip(calm_scores, calibration, strict=True) if marked]


def _bars(calm_scores: list[float], calibration: list[bool]) -> Bars:
    """The bars on held-out scores: the check-in bar at CHECKIN_FALSE_RATE of the calm scores, the
    crisis bar where the calibration messages' tail (:func:`_tail_bar`) puts CRISIS_FALSE_RATE
    of them (never below the other)."""
    calibrating = _calibrating(calm_scores, calibration)
    blind = sorted(calibrating if len(calibrating) >= MIN_CALIBRATION else calm_scores, reverse=True)
    ranked = sorted(calm_scores, reverse=True)
    checkin_bar = _score_at(ranked, CHECKIN_FALSE_RATE)
    return Bars(checkin_bar, max(_tail_bar(blind, CRISIS_FALSE_RATE), checkin_bar))


def _score_at(ranked: list[float], rate: float) -> float:
    """The score ``rate`` of the way down these scores (highest first); 0.0 for none."""
    return ranked[min(int(rate * len(ranked)), len(ranked) - 1)] if ranked else 0.0


def _tail_bar(ranked: list[float], rate: float) -> float:
    """The score above which ``rate`` of these (highest first) would lie, read from an exponential
    fitted to their top ``TAIL``: the threshold ``u`` is the score at TAIL, the scale ``beta`` the
    mean excess over it, and ``u + beta * ln(TAIL / rate)`` the bar (a peaks-over-threshold fit with
    a zero shape). Why not the score at ``rate`` itself: at 0.3% of ~2,300 messages that is the
    seventh-highest, and which calm message happens to score seventh moved it between 2.25 and 3.16
    logits when only the examples' order changed; the fitted tail moved between 2.62 and 2.71."""
    exceed = int(TAIL * len(ranked))
    if exceed < 2 or rate >= TAIL:
        return _score_at(ranked, rate)
    threshold = ranked[exceed]
    scale = sum(score - threshold for score in ranked[:exceed]) / exceed
    return threshold + scale * math.log(TAIL / rate)


# ---------------------------------------------------------------------------- content file
BATCHES = "safety_examples"
"""The folder beside the examples file whose ``*.yaml`` files add batches of examples (each with
``source``, ``crisis`` and ``calm``): one file per writer or per blind round once measured, so
where each example came from stays visible. A blind round's batch says ``calibration: true``: its
calm messages set the crisis bar (see the module's docstring)."""


def load_examples(path: Path, normaliser: Normaliser,
                  display_name: str = "content/safety_examples.yaml",
                  today: date | None = None) -> tuple[Examples | None, list[Problem]]:
    """The examples (the file and its batch folder) and every problem found (file and line);
    None when the layer must stay off."""
    problems: list[Problem] = []
    if not path.exists():
        problems.append(Problem(Where(display_name, 1), "file is missing: the learned safety layer is off "
                                                        "(the phrase patterns still run)"))
        return None, problems
    data = _mapping(path, display_name, ("last_reviewed", "concepts", "crisis", "calm"), problems)
    if data is None:
        return None, problems
    _check_reviewed(data, today, problems)
    seen: dict[str, tuple[str, Where]] = {}
    lists: dict[str, list[str]] = {"crisis": [], "calm": []}
    _read_lists(data, normaliser, seen, lists, problems)
    folder = path.parent / BATCHES
    calibration: set[str] = set()
    for batch in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        name = f"{Path(display_name).parent}/{BATCHES}/{batch.name}"
        more = _mapping(batch, name, ("source", "calibration", "crisis", "calm"), problems)
        if more is None:
            continue
        before = len(lists["calm"])
        _read_lists(more, normaliser, seen, lists, problems)
        flag = more.get("calibration", False)
        if not isinstance(flag, bool):
            problems.append(Problem(more.at("calibration"), "'calibration' must be true or false"))
        elif flag:
            calibration.update(lists["calm"][before:])
    for name in ("crisis", "calm"):
        if len(lists[name]) < MIN_EXAMPLES:
            problems.append(Problem(data.at(name) if name in data else data.where,
                                    f"'{name}' has {len(lists[name])} usable examples; the learned "
                                    f"layer needs at least {MIN_EXAMPLES} and stays off"))
            return None, problems
    concepts = _concepts(data, normaliser, problems)
    return Examples(tuple(lists["crisis"]), tuple(lists["calm"]), concepts,
                    calibration=frozenset(calibration)), problems


def _mapping(path: Path, display_name: str, keys: tuple[str, ...], problems: list[Problem]) -> YDict | None:
    try:
        data = load_yaml(path, display_name)
    except YamlError as exc:
        problems.append(Problem(exc.where, exc.message))
        return None
    if not isinstance(data, YDict):
        problems.append(Problem(Where(display_name, 1), "the file must be a mapping (key: value) at the top level"))
        return None
    for key in data:
        if key not in keys:
            problems.append(Problem(data.at(key), f"unknown key '{key}' (allowed: {', '.join(sorted(keys))})"))
    return data


def _read_lists(data: YDict, normaliser: Normaliser, seen: dict[str, tuple[str, Where]],
                lists: dict[str, list[str]], problems: list[Problem]) -> None:
    """Adds one file's ``crisis`` and ``calm`` entries to ``lists``; an entry already seen (after
    normalising) is a warning in the same list and an error across the two."""
    for name in ("crisis", "calm"):
        items = data.get(name)
        if not isinstance(items, YList):
            problems.append(Problem(data.at(name) if name in data else data.where,
                                    f"'{name}' must be a list of example messages"))
            continue
        for index, item in enumerate(items):
            where = items.at(index)
            if not isinstance(item, str) or not item.strip():
                problems.append(Problem(where, f"each entry of '{name}' must be non-empty text"))
                continue
            norm = normaliser.normalise(item)
            if not norm:
                problems.append(Problem(where, f"'{item}' has no words once normalised"))
                continue
            if norm in seen:
                other, at = seen[norm]
                if other == name:
                    problems.append(Problem(where, f"duplicate of {at.file} line {at.line} (after normalising)",
                                            "warning"))
                else:
                    problems.append(Problem(where, f"the same message is under {other} ({at.file} line "
                                                   f"{at.line}) and {name}"))
                continue
            seen[norm] = (name, where)
            lists[name].append(item)


def _concepts(data: YDict, normaliser: Normaliser, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """``concepts:`` name -> words, each written as the normaliser writes it (one word)."""
    section = data.get("concepts")
    if section is None:
        return {}
    if not isinstance(section, YDict):
        problems.append(Problem(data.at("concepts"), "'concepts' must map a concept name to a list of words"))
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for name in section:
        words = section.get(name)
        if not isinstance(name, str) or not name.isidentifier():
            problems.append(Problem(section.at(name), f"concept name '{name}' must be one word (letters, _)"))
            continue
        if not isinstance(words, YList):
            problems.append(Problem(section.at(name), f"concept '{name}' must be a list of words"))
            continue
        kept: list[str] = []
        for index, word in enumerate(words):
            norm = normaliser.normalise(str(word)) if isinstance(word, str) else ""
            if not isinstance(word, str) or norm != word or " " in word:
                problems.append(Problem(words.at(index), f"concept '{name}': '{word}' must be one word as the "
                                                         f"normaliser writes it ('{norm}')"))
                continue
            kept.append(word)
        out[name] = tuple(kept)
    return out


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
                  ordinary: tuple[str, ...] = (), fresh: bool = False,
                  ) -> tuple[LearnedSafety | None, list[Problem]]:
    """The layer from the examples file (and its batch folder), plus ``ordinary``: the content's own
    phrases (the flows' examples, out_of_scope.yaml), which are calm by definition. ``fresh``:
    train again even if this process already has (see :class:`LearnedSafety`)."""
    examples, problems = load_examples(path, normaliser, display_name, today)
    if examples is None:
        return None, problems
    known = {normaliser.normalise(t) for t in examples.crisis}
    extra = tuple(t for t in ordinary if normaliser.normalise(t) not in known)
    examples = Examples(examples.crisis, examples.calm, examples.concepts, extra, examples.calibration)
    return LearnedSafety(examples, normaliser, fresh), problems


__all__ = ["Bars", "CrossValidation", "Examples", "LearnedSafety", "build_learned", "load_examples"]
