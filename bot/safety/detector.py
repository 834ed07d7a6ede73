"""Spot crisis and urgent-medical messages, before Feather does anything else with them.

``SafetyDetector.assess(text)`` returns a :class:`SafetyResult` with a level:

``"crisis"``
    Suicidal thoughts, a wish to die or not to wake up, plans or means, self-harm (past or
    ongoing), including indirect and bereavement-specific ways of saying it ("i'd rather be where
    my baby is", "nobody would even notice if i was gone"), slang (kms, unalive, ctb), typos, and
    the commonest phrasings in Spanish, Portuguese, French, German and Russian (``language`` then
    says which). Feather answers at once with who to call.
``"medical"``
    Urgent symptoms happening now after a loss or procedure: heavy bleeding (a pad in an hour or
    less, large clots), fainting or dizziness, fever, chills or a bad smell, severe pain, pain on
    one side or in the shoulder tip. Feather says "please get medical help now" and where.
``"checkin"``
    Figures of speech close to the line: "this grief is killing me", "i can't go on like this",
    "i feel dead inside", "i'm not suicidal, just sad". These are common in grief and are not an
    alarm, but they are not ignored either: Feather asks gently, once, whether they are having
    thoughts of harming themselves, with one button that opens the crisis support straight away
    and one that says "no, I just needed to say it". We chose this over treating them as crisis
    (which would answer ordinary grief with emergency numbers and teach people to stop saying how
    they feel) and over ignoring them (a real crisis often starts in exactly these words).
    Statements that life cannot go on *without the baby* ("i can't go on without her", "i want to
    be with my baby") are treated as crisis, because in bereavement the wish to be reunited with
    the one who died is a recognised warning sign.
``None``
    Everything else, including the ordinary language of loss ("my baby died", "we decided to end
    the pregnancy", "i took the pills for the medical management"), questions about symptoms
    ("how much bleeding is normal", "what are the signs of an ectopic") that the flows answer,
    and symptoms that have passed.

The phrases live in ``content/safety.yaml`` (see :mod:`bot.safety.config`) and are matched
against text normalised by the same :class:`~bot.text.normalise.Normaliser` as the matcher, so a
contraction or an accent never hides a crisis. Patterns are precompiled once and filed by the
first letters a match can start with (:mod:`bot.safety.dispatch`), so a message is read in one
pass: one look-up and at most one short match per word; near-miss guards are checked only around
a hit. Messages longer than the normaliser's limit are read in overlapping windows, so a crisis
phrase anywhere in a very long message is still found, in time linear in its length.

After the patterns, a learned second reader (:mod:`bot.safety.learned`, trained at start-up on
``content/safety_examples.yaml``) catches oblique crisis messages no pattern names. It can only
raise the level: nothing -> check-in, and -> crisis only when very sure and no guard spoke.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from bot.safety.config import LEVELS, SafetyConfig
from bot.safety.dispatch import Entry, tag_of
from bot.safety.learned import LearnedSafety
from bot.text.normalise import MAX_INPUT_CHARS, Normaliser

SafetyLevel = Literal["crisis", "medical", "checkin"]
WINDOW_OVERLAP = 1_000
"""Characters shared by neighbouring windows of a very long message (no phrase is longer)."""
GUARD_WORDS = 14
"""How many words before a hit a guard that overlaps it may start (guards are a few words)."""


@dataclass(frozen=True)
class SafetyResult:
    level: SafetyLevel | None = None
    language: str | None = None


@dataclass(frozen=True)
class Hit:
    """One pattern that fired, for explanations and tests: never logged with the text."""

    level: str
    language: str
    pattern: str
    span: tuple[int, int]
    guard: str | None = None


_SPACE = re.compile(" ")


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
        ask the check-in question."""
        found: dict[str, str] = {}  # level -> language of its first unguarded hit
        downgraded: str | None = None  # a crisis hit that a checkin guard turned into a check-in
        guarded = False  # any hit that a guard stopped or downgraded
        windows = self._windows(text)
        for norm in windows:
            crisis, more, down, stopped = self._scan(norm, found)
            if crisis is not None:
                return SafetyResult("crisis", self._language(crisis, norm))
            for level, language in more.items():
                found.setdefault(level, self._language(language, norm))
            downgraded = downgraded or down
            guarded = guarded or stopped
        learned = self._learned_level(windows)
        if learned == "crisis" and not guarded and not downgraded:
            return SafetyResult("crisis", "en")
        if "medical" in found:
            return SafetyResult("medical", found["medical"])
        if "checkin" in found or downgraded:
            return SafetyResult("checkin", found.get("checkin") or downgraded)
        if learned is not None:
            return SafetyResult("checkin", "en")
        return SafetyResult()

    def _learned_level(self, windows: list[str]) -> str | None:
        if self.learned is None:
            return None
        levels = [self.learned.level(norm) for norm in windows]
        return "crisis" if "crisis" in levels else ("checkin" if "checkin" in levels else None)

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

    def _scan(self, norm: str, found: dict[str, str]) -> tuple[str | None, dict[str, str], str | None, bool]:
        """One pass over the words of ``norm``: (language of the first unguarded crisis hit,
        {level: language} of other unguarded hits, language of a downgraded crisis hit,
        whether any guard stopped a hit)."""
        dispatch = self.config.dispatch
        more: dict[str, str] = {}
        downgraded: str | None = None
        stopped = False
        if dispatch is None or not norm:
            return None, more, None, False
        starts = _word_starts(norm)
        last = len(starts) - 1
        memo: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for k, pos in enumerate(starts):
            space = starts[k + 1] - 1 if k < last else -1
            entry = dispatch.entry(norm, pos, space)
            if entry is None:
                continue
            match = entry.combined.match(norm, pos)
            if match is None:
                continue
            for level, language, action in self._judge(entry, norm, starts, k, match, memo):
                if action is None:
                    if level == "crisis":
                        return language, more, downgraded, stopped
                    if level not in found:
                        more.setdefault(level, language)
                elif action == "checkin":
                    downgraded = downgraded or language
                else:
                    stopped = True
        return None, more, downgraded, stopped

    def _judge(self, entry: Entry, norm: str, starts: list[int], k: int, match: re.Match[str],
               memo: dict[tuple[str, int], list[tuple[str, int]]]) -> list[tuple[str, str, str | None]]:
        """(level, language, guard action or None) for the hit at word ``k``. When the first
        pattern that matched is guarded, every other pattern that matches there is judged too,
        so a near-miss never hides a real hit that starts at the same word."""
        level, _, language = tag_of(match).partition("_")
        action = self._guard(level, language, norm, starts, k, match.end(), memo)
        if action is None:
            return [(level, language, None)]
        results = [(level, language, action)]
        for member in entry.members:
            other = member.compiled.match(norm, starts[k])
            if other is None:
                continue
            level, _, language = member.tag.partition("_")
            results.append((level, language, self._guard(level, language, norm, starts, k, other.end(), memo)))
        results.sort(key=lambda r: (r[2] is not None, LEVELS.index(r[0])))
        return results

    def _guard(self, level: str, language: str, norm: str, starts: list[int], k: int, end: int,
               memo: dict[tuple[str, int], list[tuple[str, int]]] | None = None) -> str | None:
        """The action of a guard overlapping the hit that starts at word ``k`` and ends at
        ``end``: "ignore" if any ignore guard overlaps it, else "checkin" if a checkin guard
        does, else None. A guard overlaps when it starts before the hit ends and ends after the
        hit starts; guards are tried from ``GUARD_WORDS`` words before the hit to its last word.
        ``memo`` keeps the guards found at each word, for messages with many hits."""
        table = self.config.levels[level].guards.get(language)
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
                    action = tag
        return action

    def _language(self, language: str | None, norm: str) -> str:
        """The hit's language; for a non-English hit, another language wins only when the
        message has clearly more of its marker words (Spanish and Portuguese share many)."""
        language = language or "en"
        if language == "en" or not self.config.markers:
            return language
        words = Counter(norm.split())
        scores = {lang: sum(words[w] for w in marks) for lang, marks in self.config.markers.items()}
        best = max(scores, key=lambda lang: scores[lang])
        if best != language and scores[best] > scores.get(language, 0) and scores[best] >= 2:
            return best
        return language
