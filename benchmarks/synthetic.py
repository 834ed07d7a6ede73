"""Content grown synthetically to N times the shipped examples, to see how matching cost grows.

Each real flow gets ``factor - 1`` synthetic sibling flows (topic ``<topic>~<copy>``). A synthetic
example is a real example of that flow with its words recombined:

* each content word is, with probability ``REUSE``, swapped for a word drawn (by frequency) from
  the same flow's examples, so synthetic topics overlap each other and the real ones the way real
  topics do (shared everyday words, shared domain words);
* and, at a rate set by Heaps' law, swapped for one of the synthetic topic's *own* new words, made
  by splicing two real words ("micro" + "rism"), so the vocabulary grows the way a real corpus
  does as it gets bigger: ``V(n) = V0 * (n / n0) ** beta``, with ``beta`` fitted on the shipped
  examples themselves (Heaps' law; about 0.5-0.7 for English text).

Function words and message length are kept, so the matcher sees messages of the same shape. The
out-of-scope examples (content/out_of_scope.yaml) are not grown. Everything is seeded: the same
factor gives the same content on every run.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass

from bot.app import Core
from bot.content.model import Example, Flow
from bot.matching import Matcher
from bot.matching.terms import STOPWORDS

REUSE = 0.35
"""Chance that a content word of a synthetic example is swapped for another word of its flow."""


@dataclass(frozen=True)
class Grown:
    factor: int
    flows: list[Flow]
    families: dict[str, str]
    examples: int
    """Flow examples (the out-of-scope ones not counted)."""
    vocabulary: int
    """Distinct words over all flow examples."""
    beta: float


def _families(core: Core) -> dict[str, str]:
    """Topic -> theme id, exactly as ``build_core`` computes it."""
    content = core.content
    by_flow = {flow: theme.id for theme in content.menu for flow in theme.flows}
    return {flow.topic: by_flow.get(flow.id, flow.topic) for flow in content.flows.values()}


def heaps_beta(token_lists: list[list[str]]) -> float:
    """Heaps' law exponent of a corpus: slope of log(vocabulary) over log(tokens), fitted on
    prefixes of 1/16, 1/8, ... of the corpus."""
    tokens = [t for tokens in token_lists for t in tokens]
    points = []
    for share in (16, 8, 4, 2, 1):
        n = max(1, len(tokens) // share)
        points.append((math.log(n), math.log(len(set(tokens[:n])))))
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    num = sum((x - mean_x) * (y - mean_y) for x, y in points)
    den = sum((x - mean_x) ** 2 for x, _ in points) or 1.0
    return num / den


def _spliced_words(vocabulary: list[str], count: int, rng: random.Random) -> list[str]:
    """``count`` new, distinct, word-like strings: the start of one real word and the end of
    another (only words of 4+ letters are cut)."""
    known = set(vocabulary)
    long_words = [w for w in vocabulary if len(w) >= 4 and w.isalpha()]
    made: list[str] = []
    seen: set[str] = set()
    while len(made) < count:
        a, b = rng.choice(long_words), rng.choice(long_words)
        word = a[: max(2, len(a) // 2 + rng.randint(0, 1))] + b[len(b) // 2:]
        if word not in known and word not in seen:
            seen.add(word)
            made.append(word)
    return made


def grow(core: Core, factor: int, seed: int = 20261125) -> Grown:
    """The shipped flows plus ``factor - 1`` recombined copies of each (factor 1: as shipped)."""
    normaliser = core.normaliser
    real = list(core.content.flows.values())
    families = _families(core)
    words = {flow.id: [normaliser.words(ex.text) for ex in flow.examples] for flow in real}
    all_lists = [w for flow in real for w in words[flow.id]]
    base_vocabulary = sorted({w for tokens in all_lists for w in tokens})
    beta = heaps_beta(all_lists)
    base_examples = sum(len(flow.examples) for flow in real)
    if factor <= 1:
        return Grown(1, real, families, base_examples, len(base_vocabulary), beta)

    rng = random.Random(seed * 1000 + factor)
    synthetic_topics = len(real) * (factor - 1)
    target_vocabulary = len(base_vocabulary) * factor ** beta
    new_per_topic = max(1, round((target_vocabulary - len(base_vocabulary)) / synthetic_topics))
    fresh = iter(_spliced_words(base_vocabulary, new_per_topic * synthetic_topics, rng))

    flows = list(real)
    for copy in range(1, factor):
        for flow in real:
            topic = f"{flow.topic}~{copy}"
            pool = Counter(w for tokens in words[flow.id] for w in tokens if w not in STOPWORDS)
            pool_words, pool_weights = list(pool), list(pool.values())
            own = [next(fresh) for _ in range(new_per_topic)]
            slots = sum(1 for tokens in words[flow.id] for w in tokens if w not in STOPWORDS) or 1
            # Enough swaps that nearly every new word of the topic is used at least twice.
            new_rate = min(0.5, 2.5 * new_per_topic / slots)
            examples = []
            for index, tokens in enumerate(words[flow.id]):
                out = []
                for word in tokens:
                    if word not in STOPWORDS:
                        roll = rng.random()
                        if roll < new_rate:
                            word = rng.choice(own)
                        elif roll < new_rate + REUSE and pool_words:
                            word = rng.choices(pool_words, pool_weights)[0]
                    out.append(word)
                examples.append(Example(" ".join(out), flow.examples[index].where))
            flows.append(Flow(f"{flow.id}~{copy}", topic, flow.title, tuple(examples), flow.nodes, flow.where))
            families[topic] = f"{families.get(flow.topic, flow.topic)}~{copy}"
    vocabulary = len({w for flow in flows for ex in flow.examples for w in ex.text.split()})
    examples_count = sum(len(flow.examples) for flow in flows)
    return Grown(factor, flows, families, examples_count, vocabulary, beta)


def build_matcher(core: Core, grown: Grown) -> Matcher:
    """A matcher over the grown flows, built the way ``build_core`` builds the shipped one."""
    content = core.content
    return Matcher(grown.flows, core.normaliser, families=grown.families,
                   out_of_scope=list(content.out_of_scope),
                   concepts=content.lexicon_sections.get("concepts"))
