"""From normalised words to the terms the matcher compares: no function words, light stemming."""

from __future__ import annotations

STOPWORDS = frozenset(
    """a an the and or but if then so of to in on at by for with from into onto about as is are
    was were be been being am do does did doing have has had having i me my mine myself we us our
    ours you your yours he him his she her hers it its they them their theirs this that these those
    there here just really very quite also too even only any some all such own same than
    would could should will shall can may might must get got gets getting im ive id ill its one
    s t d ll m re ve o oh ah um uh like think lot lots much many more most thing
    things something anything everything way yes no ok okay well right now today""".split()
)
"""Words that carry no topic. Question words (how, long, where, why, when, what) are kept."""

GENERIC = frozenset(
    """how what when where why who which whose long often soon much many best good bad new old
    next last first time day days week weeks year years say said tell help keep fix make
    made go going went come came get give take want need should way ways idea ideas normal
    difference between people person thing explain simply simple easy
    definition exactly worth""".split()
)
"""Words that shape a question but say little about its subject: they count, but weakly."""

_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ied", "ies", "ed", "es", "s", "ly", "y", "e")


_DOUBLED = frozenset("bdgmnprt")
"""Consonants doubled before -ing/-ed ("sitting", "stopped", "planned"): undoubled after cutting."""


def stem(word: str) -> str:
    """A deliberately light stemmer: consistent rather than pretty ("miscarried" ~ "miscarry")."""
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                if suffix in ("ing", "ed") and len(word) >= 4 and word[-1] == word[-2] in _DOUBLED:
                    word = word[:-1]
                break
        else:
            break
    return word


NUMBER = "num"
"""What a short number becomes: "at 9 weeks" and "at 35 weeks" say the same to the matcher."""
YEAR = "year"
"""What a year (1900-2099) becomes: "in 1989" is about time, like "years ago"."""


def _number(word: str) -> str:
    """Short numbers and years as one term each; longer numbers (999, 111, 988) stay themselves."""
    if len(word) <= 2:
        return NUMBER
    if len(word) == 4 and word[:2] in ("19", "20"):
        return YEAR
    return word


EXCESS = "too"
"""What "too much", "too many", "too heavy" become: the question "is this too much?" is a topic's."""
_EXCESS_AFTER = frozenset("much many heavy".split())


def terms(words: list[str]) -> list[str]:
    """Stemmed content words, in order, duplicates kept; numbers folded (see ``_number``)."""
    found = [
        _number(w) if w.isdigit() else stem(w)
        for w in words
        if w not in STOPWORDS and (len(w) > 1 or w.isdigit())
    ]
    if "too" in words:
        pairs = zip(words, words[1:], strict=False)
        found += [EXCESS for w, after in pairs if w == "too" and after in _EXCESS_AFTER]
    return found

