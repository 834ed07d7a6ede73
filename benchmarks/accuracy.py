"""Accuracy on the project's labelled sets, beside a TF-IDF nearest-example baseline.

Feather's figures are those of tests/matching/test_accuracy.py and tests/safety/test_detector.py:
top-1 topic accuracy on the on-topic labelled messages, the share of off-topic messages given no
topic, follow-ups read in context, crisis and medical recall, false alarms on near-misses and on
ordinary messages.

The baseline (scikit-learn, benchmark-only): every flow example labelled with its topic and every
out-of-scope example labelled "none", as TF-IDF vectors (accents stripped, sublinear tf); a
message goes to the topic of its nearest example by cosine, or to "none" when that example is
out of scope or the cosine is below a threshold. The threshold is tuned on the labelled set the
way Feather's was: the value that gets the most labelled messages right (on-topic messages to
their topic, off-topic ones to "none"). A second baseline gets Feather's own normalisation
(contractions, abbreviations, spelling variants) before TF-IDF, to separate the matcher from the
normaliser. Both are compared with the matcher alone (no safety detector) on the same messages.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from benchmarks import heldout
from benchmarks.common import followups, labelled, median, percentile, safety_sets, stream_texts, varied
from bot.app import Core
from bot.matching.matcher import OUT_OF_SCOPE

MEDICAL_TOPIC = "loss_medical_urgent"


def feather_topic(core: Core, text: str, context: str | None = None) -> str:
    """The matcher alone: its topic, or "none"."""
    return core.matcher.match(text, context).topic or "none"


def shipped_topic(core: Core, text: str, context: str | None = None) -> str:
    """What the bot does (and ``--match`` reports): urgent medical messages go to the medical topic."""
    if core.safety.assess(text).level == "medical":
        return MEDICAL_TOPIC
    return feather_topic(core, text, context)


def topic_scores(items: Sequence[dict[str, str]], predict: Callable[[str, str | None], str],
                 with_context: bool = False) -> dict[str, float]:
    on = [i for i in items if i["topic"] != "none"]
    off = [i for i in items if i["topic"] == "none"]
    right_on = sum(predict(i["text"], i.get("context") if with_context else None) == i["topic"] for i in on)
    rejected = sum(predict(i["text"], None) == "none" for i in off)
    scores = {"top1": right_on / len(on) if on else 0.0, "on_topic": len(on)}
    if off:
        scores.update(off_topic_rejected=rejected / len(off), off_topic=len(off),
                      overall=(right_on + rejected) / (len(on) + len(off)))
    return scores


def safety_scores(core: Core) -> dict[str, float]:
    sets = safety_sets()
    level = core.safety.assess

    def share(name: str, wanted: tuple[str | None, ...]) -> float:
        texts = sets[name]
        return sum(level(t).level in wanted for t in texts) / len(texts)

    ordinary = [item["text"] for item in labelled()]
    alarms = ("crisis", "medical")
    return {
        "crisis_recall": share("crisis", ("crisis",)),
        "crisis": len(sets["crisis"]),
        "medical_recall": share("medical", ("medical",)),
        "medical": len(sets["medical"]),
        "false_alarms_calm": share("calm", alarms),
        "calm": len(sets["calm"]),
        "figurative_checkin": share("figurative", ("checkin", "crisis")),
        "figurative_medical": share("figurative", ("medical",)),
        "figurative": len(sets["figurative"]),
        "extra_crisis_recall": share("extra_crisis", ("crisis",)),
        "extra_crisis": len(sets["extra_crisis"]),
        "extra_medical_recall": share("extra_medical", ("medical",)),
        "extra_medical": len(sets["extra_medical"]),
        "extra_false_alarms": share("extra_calm", alarms),
        "extra_calm": len(sets["extra_calm"]),
        "false_alarms_ordinary": sum(level(t).level in alarms for t in ordinary) / len(ordinary),
        "ordinary": len(ordinary),
    }


class TfidfBaseline:
    """Nearest example by TF-IDF cosine; "none" below ``threshold`` or for an out-of-scope example."""

    def __init__(self, core: Core, normalise: bool = False) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts, labels = [], []
        for flow in core.content.flows.values():
            for example in flow.examples:
                texts.append(example.text)
                labels.append(flow.topic)
        for text in core.content.out_of_scope:
            texts.append(text)
            labels.append("none")
        self.labels = labels
        preprocessor = core.normaliser.normalise if normalise else None
        self.vectorizer = TfidfVectorizer(strip_accents="unicode", sublinear_tf=True, preprocessor=preprocessor)
        self.matrix = self.vectorizer.fit_transform(texts)
        self.threshold = 0.0

    def nearest(self, text: str) -> tuple[str, float]:
        """The nearest example's label and cosine: what the bot would do for one message."""
        vector = self.vectorizer.transform([text])
        sims = (self.matrix @ vector.T).toarray().ravel()
        best = int(sims.argmax())
        return self.labels[best], float(sims[best])

    def nearest_many(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """``nearest`` for many messages at once (the same arithmetic, one matrix product)."""
        sims = (self.vectorizer.transform(list(texts)) @ self.matrix.T).toarray()
        best = sims.argmax(axis=1)
        return [(self.labels[int(j)], float(sims[i, j])) for i, j in enumerate(best)]

    def decide(self, label: str, similarity: float, threshold: float | None = None) -> str:
        threshold = self.threshold if threshold is None else threshold
        return "none" if label == "none" or similarity < threshold or similarity <= 0 else label

    def predict(self, text: str, context: str | None = None) -> str:
        return self.decide(*self.nearest(text))

    def predictor(self, texts: Sequence[str]) -> Callable[[str, str | None], str]:
        """``predict`` for these texts, computed in one batch (for the accuracy figures)."""
        found = dict(zip(texts, self.nearest_many(texts), strict=False))
        return lambda text, context=None: self.decide(*found[text])

    def tune(self, items: Sequence[dict[str, str]]) -> float:
        """The threshold that gets the most labelled messages right (ties: the lowest)."""
        found = list(zip(self.nearest_many([i["text"] for i in items]), [i["topic"] for i in items], strict=False))
        best_threshold, best_right = 0.0, -1
        for step in range(0, 101):
            threshold = step / 100
            right = 0
            for (label, similarity), wanted in found:
                right += self.decide(label, similarity, threshold) == wanted
            if right > best_right:
                best_threshold, best_right = threshold, right
        self.threshold = best_threshold
        return best_threshold


def speed(predict: Callable[[str], object], texts: Sequence[str], repeats: int,
          reset: Callable[[], None] = lambda: None) -> dict[str, list[float]]:
    """Messages per second and p50/p99 of one classifier, message by message."""
    out: dict[str, list[float]] = {"per_second": [], "p50_ms": [], "p99_ms": []}
    clock = time.perf_counter
    for index in range(repeats):
        reset()
        times = []
        for text in varied(texts, index * len(texts)):
            started = clock()
            predict(text)
            times.append(clock() - started)
        out["per_second"].append(len(times) / sum(times))
        out["p50_ms"].append(percentile(times, 50) * 1e3)
        out["p99_ms"].append(percentile(times, 99) * 1e3)
    return out


def run(core: Core, repeats: int = 3, baseline: bool = True, speed_texts: Sequence[str] | None = None) -> dict:
    """Accuracy on the full labelled sets; speed on ``speed_texts`` (default: the speed stream)."""
    items = labelled()
    follow = followups()
    results: dict = {
        "feather": {
            **topic_scores(items, lambda t, c: feather_topic(core, t, c)),
            "followups": topic_scores(follow, lambda t, c: feather_topic(core, t, c), with_context=True)["top1"],
            "followups_without_context": topic_scores(follow, lambda t, c: feather_topic(core, t, None))["top1"],
            "threshold": core.matcher.threshold,
        },
        "shipped": {
            **topic_scores(items, lambda t, c: shipped_topic(core, t, c)),
            "followups": topic_scores(follow, lambda t, c: shipped_topic(core, t, c), with_context=True)["top1"],
        },
        "safety": safety_scores(core),
        "heldout": heldout.measure(core),
        "followup_count": len(follow),
    }
    texts = list(speed_texts) if speed_texts is not None else stream_texts()

    def reset() -> None:
        core.normaliser._cached.cache_clear()
        core.matcher._correct.cache_clear()

    results["feather_speed"] = speed(core.matcher.match, texts, repeats, reset)
    if not baseline:
        return results
    for name, normalise in (("baseline", False), ("baseline_normalised", True)):
        model = TfidfBaseline(core, normalise=normalise)
        threshold = model.tune(items)
        predict = model.predictor([i["text"] for i in items + follow])
        results[name] = {
            **topic_scores(items, predict),
            "followups": topic_scores(follow, predict)["top1"],
            "threshold": threshold,
            "speed": speed(model.predict, texts, repeats, reset),
        }
    feather_rate = median(results["feather_speed"]["per_second"])
    for name in ("baseline", "baseline_normalised"):
        results[name]["speed_ratio"] = feather_rate / median(results[name]["speed"]["per_second"])
    return results


__all__ = ["OUT_OF_SCOPE", "TfidfBaseline", "run"]
