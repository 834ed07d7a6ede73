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
    difference between people person thing""".split()
)
"""Words that shape a question but say little about its subject: they count, but weakly."""

_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ied", "ies", "ed", "es", "s", "ly", "y", "e")


def stem(word: str) -> str:
    """A deliberately light stemmer: consistent rather than pretty ("miscarried" ~ "miscarry")."""
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


def terms(words: list[str]) -> list[str]:
    """Stemmed content words, in order, duplicates kept."""
    return [stem(w) for w in words if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]

