"""Spot crisis and urgent-medical messages, before Feather does anything else with them.

``SafetyDetector.assess(text)`` returns a :class:`SafetyResult`: a ``level`` ("crisis",
"medical", "checkin" or None), the ``language`` of a crisis hit (en, es, pt, fr, de, ru, pl, it),
a ``concern`` when a crisis phrase is about the past, another person or the subject, and the weak
risk ``signals`` seen (means, timing, goodbye, decision, method, refusal of care, "you understood",
reassurance), which the engine's watch acts on. docs/safety.md explains the levels, what each one
means for the reply, and how well it does on messages written blind.

The phrases live in ``content/safety.yaml`` (see :mod:`bot.safety.config`), matched against text
normalised like the matcher's, all levels, signals and concerns in one dispatch table
(:mod:`bot.safety.dispatch`): one look-up per word, guards checked only around a hit; very long
messages are read in overlapping windows. Weak signals add up (two kinds, or one with a phrase
near the line). A learned second reader (:mod:`bot.safety.learned`) may only raise the level.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from bot.safety.config import CONCERNS, LEVELS, SafetyConfig
from bot.safety.dispatch import Entry
from bot.safety.learned import LearnedSafety
from bot.safety.rate import fast_by_the_clock
from bot.text.normalise import MAX_INPUT_CHARS, Normaliser

SafetyLevel = Literal["crisis", "medical", "checkin"]
WINDOW_OVERLAP = 1_000
"""Characters shared by neighbouring windows of a very long message (no phrase is longer)."""
GUARD_WORDS = 14
"""How many words before a hit a guard that overlaps it may start (guards are a few words)."""


Concern = Literal["past", "other_person", "subject", "other_now"]


@dataclass(frozen=True)
class SafetyResult:
    """What the safety check saw in one message.

    ``level`` is what to answer with now. ``concern`` says what a crisis phrase was about when it
    was not a crisis now: ``"past"`` (a crisis clearly over: the gentle check-in at most),
    ``"other_person"`` (someone asking about another person's risk: guidance for a supporter and
    the lines to pass on), ``"subject"`` (suicide as a subject: facts and the lines) or
    ``"other_now"`` (someone else in danger now, told by a person worried about them: the level
    is "crisis", and the reply tells the supporter to call the emergency number for them).
    ``signals`` are the weak risk signals seen (means, timing, goodbye, decision, method,
    refusal of care), whatever the level: too weak to alarm alone, enough for a conversation
    already on watch."""

    level: SafetyLevel | None = None
    language: str | None = None
    concern: Concern | None = None
    signals: frozenset[str] = frozenset()


@dataclass
class _Scan:
    """What one pass over a window found."""

    crisis: str | None = None
    """Language of the first unguarded crisis hit."""
    more: dict[str, str] = field(default_factory=dict)
    """level -> language of other unguarded hits."""
    downgraded: str | None = None
    """Language of a crisis hit that a checkin guard turned into a check-in."""
    stopped: bool = False
    """Whether any guard stopped or changed a hit."""
    placed: str | None = None
    """Language of the first crisis hit that a concern guard placed in the past, in someone else
    or in the subject."""
    concerns: list[str] = field(default_factory=list)
    signals: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Hit:
    """One pattern that fired, for explanations and tests: never logged with the text."""

    level: str
    language: str
    pattern: str
    span: tuple[int, int]
    guard: str | None = None


_SPACE = re.compile(" ")
STRONG_TOGETHER = frozenset({"means", "timing", "goodbye", "decision", "method", "reunion", "giveaway",
                             "affairs", "secrecy", "relief", "note", "attention"})
"""Any two of these kinds of weak signal in one message make a crisis (concepts: docs/safety.md)."""
WITH_THANKS = frozenset({"means", "method", "reunion", "decision"})
"""A thank-you ends many ordinary chats: it adds up only with a means, a method, a reunion or a
decision ("standing on the balcony... thank you for listening")."""
WITH_CHECKIN = frozenset({"means", "method", "decision", "timing", "reunion", "giveaway", "affairs", "relief"})
"""One of these with a check-in phrase makes a crisis."""
WITH_LEARNED = frozenset({"means", "method", "decision", "reunion", "giveaway", "affairs", "secrecy", "relief",
                          "attention"})
"""One of these in a message the learned layer would ask about makes a crisis (not a time or a
thank-you alone: those are everyday words in a grieving message)."""
NOT_RISK = frozenset({"refusal", "reassure", "thanks", "mention", "affirm"})
"""Signals that say nothing of a risk to life by themselves (refusing care is the medical kind; a
mention of pills is everyday after a miscarriage)."""
OWN = "own"
"""The signal of a risk of the writer's own now, said beside a crisis told as past ("again",
"still", "this time") or someone else's ("so do i"): with a crisis hit a concern guard placed, a
crisis (see ``assess``)."""
ENGLISH_MARKERS = 3
"""English marker words that make a message read as English (see ``_foreign``)."""
_GUARD_RANK = {"ignore": 0, "other_person": 1, "subject": 2, "past": 3, "checkin": 4}
"""When several guards overlap one hit, the first of these wins."""


def _word_starts(norm: str) -> list[int]:
    """Where each word of normalised text starts (words are separated by single spaces)."""
    return [0, *(m.end() for m in _SPACE.finditer(norm))]


class SafetyDetector:
    """Classifies one message; cheap, thread-safe, built once from ``content/safety.yaml``."""

    def __init__(self, normaliser: Normaliser, config: SafetyConfig,
                 learned: LearnedSafety | None = None) -> None:
        self._normaliser = normaliser
        self.config = config
        self.learned = learned
        """The learned second reader (:mod:`bot.safety.learned`); None: patterns only."""

    # ------------------------------------------------------------------ public
    def assess(self, text: str) -> SafetyResult:
        """The most serious level found anywhere in ``text`` (crisis, then medical, then checkin).

        The patterns go first. When they find no crisis, the learned layer (if any) may raise
        the answer, never lower it: to the crisis reply when very sure (a crisis outranks an
        urgent-medical reply, as with the patterns), or from nothing to the check-in. Where a
        guard spoke (a near-miss or a denial the patterns' authors decided on) it may at most
        ask the check-in question. A crisis phrase that a concern guard placed in the past, in
        someone else or in a question about the subject is not an alarm: ``concern`` says which
        (the past gets the check-in)."""
        found: dict[str, str] = {}  # level -> language of its first unguarded hit
        downgraded: str | None = None  # a crisis hit that a checkin guard turned into a check-in
        guarded = False  # any hit that a guard stopped or downgraded
        concerns: list[str] = []
        signals: set[str] = set()
        placed: tuple[str, str] | None = None  # (language, window) of a crisis hit a concern placed
        windows = self._windows(text)
        for norm in windows:
            scan = self._scan(norm)
            signals |= scan.signals
            if scan.crisis is not None:  # someone else in danger now: the reply is what to do for them
                concern = "other_now" if "other_now" in scan.concerns else None
                return SafetyResult("crisis", self._language(scan.crisis, norm), concern, frozenset(signals))
            for level, language in scan.more.items():
                found.setdefault(level, self._language(language, norm))
            downgraded = downgraded or scan.downgraded
            guarded = guarded or scan.stopped
            if placed is None and scan.placed is not None:
                placed = (scan.placed, norm)
            concerns += scan.concerns
        noted = frozenset(signals)
        if placed is not None and OWN in noted:
            # a crisis told as past, and it is back ("i tried two years ago and lately i've been
            # thinking about it again", "this time"), or someone else's and the writer's too ("so
            # do i"): the concern does not hold
            return SafetyResult("crisis", self._language(*placed), None, noted)
        concern = self._concern(concerns)
        if concern == "other_now":  # someone else in danger now: the emergency number, for them
            return SafetyResult("crisis", self._marked_language(windows[0]), concern, noted)
        learned = self._learned_level(windows)
        phrase = "checkin" in found or downgraded is not None
        asked = learned is not None and not guarded  # the learned layer would ask, and no guard spoke
        if concern is None and "medical" not in found and self._signals_add_up(noted, phrase, asked):
            language = found.get("checkin") or downgraded or self._marked_language(windows[0])
            return SafetyResult("crisis", language, None, noted)
        # the learned layer's crisis outranks an urgent-medical phrase only with a risk signal (pills
        # "on top", "tonight"): a long account of bleeding or a blood pressure reads like distress
        # alone, and the medical reply has the emergency numbers too
        risky = bool(noted - NOT_RISK)
        if learned == "crisis" and not guarded and not downgraded and concern is None and (
                risky or "medical" not in found):
            return SafetyResult("crisis", self._marked_language(windows[0]), None, noted)
        if "medical" in found:
            return SafetyResult("medical", found["medical"], concern, noted)
        if concern in ("other_person", "subject"):
            return SafetyResult(None, None, concern, noted)  # the supporter's reply carries the lines
        if "checkin" in found or downgraded or concern == "past":
            return SafetyResult("checkin", found.get("checkin") or downgraded or "en", concern, noted)
        if learned is not None:
            return SafetyResult("checkin", "en", None, noted)
        # weak signals alone: the language they were said in, for the watch's reply
        language = self._marked_language(windows[0]) if noted - {"reassure"} else "en"
        return SafetyResult(None, None if language == "en" else language, None, noted)

    @staticmethod
    def _signals_add_up(signals: frozenset[str], phrase: bool, learned: bool) -> bool:
        """Weak signals that together make a crisis: two different kinds of warning sign in one
        message ("tonight" and "everything is ready"); a check-in phrase ("i can't go on") with
        means, a method question, a decision or a time; or a message the learned layer would ask about
        with means or a method question."""
        if len(signals & STRONG_TOGETHER) >= 2:
            return True
        if "thanks" in signals and signals & WITH_THANKS:
            return True
        return (phrase and bool(signals & WITH_CHECKIN)) or (learned and bool(signals & WITH_LEARNED))

    @staticmethod
    def _concern(concerns: list[str]) -> Concern | None:
        """Someone else in danger now outranks someone else's risk, which outranks a question about
        the subject, which outranks the past."""
        for name in ("other_now", "other_person", "subject", "past"):
            if name in concerns:
                return name  # type: ignore[return-value]
        return None

    def _learned_level(self, windows: list[str]) -> str | None:
        if self.learned is None:
            return None
        levels = [self.learned.level(norm) for norm in windows]
        return next((level for level in ("crisis", "checkin") if level in levels), None)

    def explain(self, text: str) -> list[Hit]:
        """Every pattern that fires in ``text`` and the guard (if any) that stops it. Slow: for
        tests and for people editing ``content/safety.yaml``."""
        hits: list[Hit] = []
        for norm in self._windows(text):
            starts = _word_starts(norm)
            for level in self.config.levels.values():
                for language, source, compiled, _where in level.patterns:
                    for match in compiled.finditer(norm):
                        k = starts.index(match.start()) if match.start() in starts else 0
                        guard = self._guard(level.name, language, norm, starts, k, match.end())
                        hits.append(Hit(level.name, language, source, match.span(), guard))
        return hits

    # ------------------------------------------------------------------ internals
    def _windows(self, text: str) -> list[str]:
        if len(text) <= MAX_INPUT_CHARS:
            return [self._normaliser.normalise(text)]
        step = MAX_INPUT_CHARS - WINDOW_OVERLAP
        return [self._normaliser.normalise(text[start:start + MAX_INPUT_CHARS])
                for start in range(0, len(text) - WINDOW_OVERLAP, step)]

    def _scan(self, norm: str) -> _Scan:
        """One pass over the words of ``norm``. After an unguarded crisis hit it reads on, since a
        later phrase may say the one in danger is someone else (``other_now``)."""
        dispatch = self.config.dispatch
        scan = _Scan()
        if dispatch is None or not norm:
            return scan
        starts = _word_starts(norm)
        last = len(starts) - 1
        memo: dict[tuple[str, int], list[tuple[str, int]]] = {}
        foreign: frozenset[str] | None = None  # read only when another language's phrase hits
        for k, pos in enumerate(starts):
            space = starts[k + 1] - 1 if k < last else -1
            entry = dispatch.entry(norm, pos, space)
            if entry is None:
                continue
            match = entry.combined.match(norm, pos)
            if match is None:
                continue
            for level, language, action in self._judge(entry, norm, starts, k, memo):
                if level in LEVELS and action is None and language != "en":
                    foreign = self._foreign(norm) if foreign is None else foreign
                    if language in foreign:
                        action = "ignore"  # another language's phrase met in an English message
                if level == "signal":
                    scan.signals.add(language)
                elif level == "concern":
                    scan.concerns.append(language)
                elif action is None:
                    if level == "crisis":  # read on only for who it is about (concerns: other_now)
                        scan.crisis = scan.crisis or language
                        continue
                    scan.more.setdefault(level, language)
                elif action == "checkin":
                    scan.downgraded = scan.downgraded or language
                    scan.stopped = True
                else:
                    scan.stopped = True
                    if action in CONCERNS:
                        scan.concerns.append(action)
                    if action in CONCERNS and level == "crisis":
                        scan.placed = scan.placed or language
        if "medical" not in scan.more:
            self._by_the_clock(norm, starts, memo, scan)
        return scan

    def _by_the_clock(self, norm: str, starts: list[int],
                      memo: dict[tuple[str, int], list[tuple[str, int]]], scan: _Scan) -> None:
        """Pads counted between two clock times, a pad an hour or faster (:mod:`bot.safety.rate`):
        urgent medical unless a medical guard overlaps what was read."""
        span = fast_by_the_clock(norm)
        if span is None:
            return
        k = max(j for j, pos in enumerate(starts) if pos <= span[0])
        if self._guard("medical", "en", norm, starts, k, span[1], memo) is None:
            scan.more["medical"] = "en"
        else:
            scan.stopped = True

    def _judge(self, entry: Entry, norm: str, starts: list[int], k: int,
               memo: dict[tuple[str, int], list[tuple[str, int]]]) -> list[tuple[str, str, str | None]]:
        """(level, language or kind, guard action or None) for the hits at word ``k``. Every
        pattern that matches there is judged, so a near-miss never hides a real hit, and a signal
        or a concern that starts at the same word as another hit (a crisis phrase too: "my son has
        locked himself in", other_now) is still noted."""
        results: list[tuple[str, str, str | None]] = []
        seen: set[str] = set()
        for member in entry.members:
            if member.tag in seen:
                continue
            other = member.compiled.match(norm, starts[k])
            if other is None:
                continue
            seen.add(member.tag)
            level, _, language = member.tag.partition("_")
            if level == "signal":  # a near-miss the crisis guards name is not a signal either
                if not self._ignored(norm, starts, k, other.end(), memo):
                    results.append((level, language, None))
                continue
            results.append((level, language, self._guard(level, language, norm, starts, k, other.end(), memo)))
        rank = {name: i for i, name in enumerate((*LEVELS, "signal", "concern"))}
        results.sort(key=lambda r: (r[2] is not None, rank[r[0]]))
        return results

    def _ignored(self, norm: str, starts: list[int], k: int, end: int,
                 memo: dict[tuple[str, int], list[tuple[str, int]]]) -> bool:
        """Whether an ignore guard of any language's crisis patterns overlaps a weak signal there
        (signals have no language: "tomo todos os comprimidos que a médica receitou" names the
        tablets, and the Portuguese guard for medicine as prescribed says it is not a means)."""
        return any(self._guard("crisis", language, norm, starts, k, end, memo) == "ignore"
                   for language in self.config.levels["crisis"].guards)

    def _guard(self, level: str, language: str, norm: str, starts: list[int], k: int, end: int,
               memo: dict[tuple[str, int], list[tuple[str, int]]] | None = None) -> str | None:
        """The action of a guard overlapping the hit that starts at word ``k`` and ends at
        ``end``: "ignore" if any ignore guard overlaps it, else "checkin" if a checkin guard
        does, else None. A guard overlaps when it starts before the hit ends and ends after the
        hit starts; guards are tried from ``GUARD_WORDS`` words before the hit to its last word.
        ``memo`` keeps the guards found at each word, for messages with many hits."""
        known = self.config.levels.get(level)
        table = known.guards.get(language) if known is not None else None
        if table is None:
            return None
        memo = {} if memo is None else memo
        start = starts[k]
        last = len(starts) - 1
        action: str | None = None
        tag_key = f"{level}_{language}"
        for j in range(max(0, k - GUARD_WORDS), last + 1):
            pos = starts[j]
            if pos >= end:
                break
            key = (tag_key, j)
            found = memo.get(key)
            if found is None:
                found = []
                entry = table.entry(norm, pos, starts[j + 1] - 1 if j < last else -1)
                for member in entry.members if entry is not None else ():
                    guard = member.compiled.match(norm, pos)
                    if guard is not None:
                        found.append((member.tag, guard.end()))
                memo[key] = found
            for tag, guard_end in found:
                if guard_end > start:
                    if tag == "ignore":
                        return "ignore"
                    if action is None or _GUARD_RANK[tag] < _GUARD_RANK[action]:
                        action = tag
        return action

    def _marker_scores(self, norm: str) -> dict[str, int]:
        """How many of each language's marker words the message has (English's too)."""
        words = Counter(norm.split())
        return {lang: sum(words[w] for w in marks) for lang, marks in self.config.markers.items()}

    def _foreign(self, norm: str) -> frozenset[str]:
        """Languages whose phrases are not read in this message: it reads as English (at least
        ENGLISH_MARKERS of English's marker words, three times as many as theirs; "do" is
        Portuguese and Polish too). A phrase of another language can share a word with English
        ("overdose", "most"), and English's own guards (a crisis that is over, someone else's)
        cannot stop it."""
        scores = self._marker_scores(norm)
        english = scores.pop("en", 0)
        if english < ENGLISH_MARKERS:
            return frozenset()
        return frozenset(lang for lang, count in scores.items() if 3 * count < english)

    def _marked_language(self, norm: str) -> str:
        """The language of a crisis that no phrase of one language found (weak signals that add
        up, the learned layer): the one with the most marker words, at least two and more than
        English's own markers ("tonight" and the tablets gathered, said in Russian, still get
        the Russian line); English otherwise."""
        if not self.config.markers:
            return "en"
        scores = self._marker_scores(norm)
        english = scores.pop("en", 0)
        if not scores:
            return "en"
        best = max(scores, key=lambda lang: scores[lang])
        return best if scores[best] >= 2 and scores[best] > english else "en"

    def _language(self, language: str | None, norm: str) -> str:
        """The hit's language; for a non-English hit, another language wins only when the
        message has clearly more of its marker words (at least two more: Spanish, Portuguese and
        Italian share many short words, and a short message has few)."""
        language = language or "en"
        if language == "en" or not self.config.markers:
            return language
        scores = self._marker_scores(norm)
        scores.pop("en", None)
        best = max(scores, key=lambda lang: scores[lang])
        if best != language and scores[best] >= scores.get(language, 0) + 2:
            return best
        return language
