"""Speed for the safety patterns: file each pattern under the first letters its matches can have.

Normalised text is words separated by single spaces, and every safety pattern is anchored at a
word start. So instead of running ~300 patterns at every position of a message, Feather looks at
each word once: the first ``KEY`` letters of the word pick, from a table built at start-up, ONE
regex holding only the patterns that can start with those letters, and that regex is matched at
the word. For a typical message that is a handful of dictionary look-ups and one or two short
matches, and a message of 100,000 characters is a linear scan.

The table is built with the standard library's own regex parser (``re._parser``) to list the
letters a pattern can start with. That is an optimisation only: a pattern whose start cannot be
worked out (or a Python without that parser) is simply tried at every word. A pattern whose
top-level alternatives start differently (``kms|unaliv\\w*``) is split so that each alternative
is filed on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

try:
    from re import _constants as _C, _parser as _P
except ImportError:  # pragma: no cover - another Python: every pattern is tried at every word
    _C = _P = None  # type: ignore[assignment]

KEY = 3
"""How many first letters of a word choose the regex to try there."""
_MAX_STRINGS = 4000
_MAX_RANGE = 512


@dataclass(frozen=True)
class Member:
    """One pattern (or one alternative of it) in a dispatch table."""

    order: int
    tag: str
    """The group name it reports: ``"<level>_<language>"`` for patterns, anything for guards."""
    source: str
    compiled: re.Pattern[str]


@dataclass(frozen=True)
class Entry:
    """The patterns that can start with one key, as one regex (groups named by tag) and singly."""

    combined: re.Pattern[str]
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Dispatch:
    table: dict[str, Entry]
    other: Entry | None
    """Patterns whose first letters are not known: tried at every word."""

    def entry(self, text: str, index: int, space: int) -> Entry | None:
        """The entry for the word starting at ``index`` and ending at ``space`` (-1: at the end)."""
        stop = index + KEY
        if 0 <= space < stop:
            stop = space
        return self.table.get(text[index:stop], self.other)

    def at(self, text: str, index: int) -> re.Match[str] | None:
        """The match starting at the word start ``index``, if any."""
        if index >= len(text):
            return None
        found = self.entry(text, index, text.find(" ", index))
        return found.combined.match(text, index) if found is not None else None

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """The leftmost match at a word start at or after ``pos`` (itself a word start)."""
        length = len(text)
        while pos < length:
            space = text.find(" ", pos)
            found = self.entry(text, pos, space)
            if found is not None:
                match = found.combined.match(text, pos)
                if match is not None:
                    return match
            if space < 0:
                return None
            pos = space + 1
        return None


def build_dispatch(patterns: list[tuple[str, str]]) -> Dispatch | None:
    """A dispatch for (tag, compiled regex source) pairs, in order of precedence."""
    if not patterns:
        return None
    by_key: dict[str, list[Member]] = {}
    anywhere: list[Member] = []
    order = 0
    for tag, source in patterns:
        for piece in _pieces(source):
            member = Member(order, tag, piece, re.compile(piece))
            order += 1
            keys = first_keys(piece)
            if keys is None:
                anywhere.append(member)
            else:
                for key in keys:
                    by_key.setdefault(key, []).append(member)
    table = {key: _entry(members + anywhere) for key, members in by_key.items()}
    return Dispatch(table, _entry(anywhere) if anywhere else None)


def _entry(members: list[Member]) -> Entry:
    ordered = sorted(set(members), key=lambda m: m.order)
    groups: list[tuple[str, list[str]]] = []
    for member in ordered:  # neighbouring members with the same tag share one named group
        if groups and groups[-1][0] == member.tag:
            groups[-1][1].append(member.source)
        else:
            groups.append((member.tag, [member.source]))
    used: dict[str, int] = {}
    parts = []
    for tag, sources in groups:
        used[tag] = used.get(tag, 0) + 1
        name = tag if used[tag] == 1 else f"{tag}__{used[tag]}"
        parts.append(f"(?P<{name}>{'|'.join(sources)})")
    return Entry(re.compile("|".join(parts)), tuple(ordered))


def tag_of(match: re.Match[str]) -> str:
    """The tag of the member that matched (undoing the ``__2`` suffix of a repeated tag)."""
    return (match.lastgroup or "").split("__", 1)[0]


# ---------------------------------------------------------------------------- first letters
class _Open(Exception):
    """The start of a pattern is not a small set of literal strings."""


def _pieces(source: str) -> list[str]:
    """``source`` split into its top-level alternatives when written as ``\\b(?:a|b)\\b``."""
    if not (source.startswith(r"\b(?:") and source.endswith(r")\b")):
        return [source]
    inner = source[len(r"\b(?:"):-len(r")\b")]
    parts: list[str] = []
    depth = start = i = 0
    while i < len(inner):
        ch = inner[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i += 1
            if inner[i:i + 1] == "^":
                i += 1
            if inner[i:i + 1] == "]":
                i += 1
            while i < len(inner) and inner[i] != "]":
                i += 2 if inner[i] == "\\" else 1
            i += 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
        i += 1
    parts.append(inner[start:])
    pieces = [rf"\b(?:{part})\b" for part in parts]
    try:
        for piece in pieces:
            re.compile(piece)
    except re.error:
        return [source]
    return pieces


def first_keys(pattern: str) -> frozenset[str] | None:
    """The keys (first ``KEY`` letters of the first word, or the whole word when shorter) that a
    match of ``pattern`` can start with; None when that cannot be worked out."""
    if _P is None:
        return None
    try:
        items = list(_P.parse(pattern).data)
        done, partial = _walk(items, {""})
    except (_Open, re.error, RecursionError):
        return None
    except Exception:  # noqa: BLE001 - the parser's internals changed: be slow, never wrong
        return None
    done |= partial  # the pattern can end here (the word ends with the match)
    if not done or "" in done:
        return None
    return frozenset(done)


def _walk(items: list, partial: set[str]) -> tuple[set[str], set[str]]:  # type: ignore[type-arg]
    """(finished keys, unfinished prefixes) after matching ``items`` from the prefixes ``partial``.

    A prefix is finished when it reaches ``KEY`` letters or the word ends (a space)."""
    done: set[str] = set()
    for op, av in items:
        if not partial:
            break
        if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
            continue  # zero width
        if op is _C.LITERAL:
            partial, finished = _extend(partial, {chr(av)})
            done |= finished
        elif op is _C.IN:
            chars = _charset(av)
            if chars is None:
                raise _Open
            partial, finished = _extend(partial, chars)
            done |= finished
        elif op is _C.BRANCH:
            joined: set[str] = set()
            for branch in av[1]:
                finished, rest = _walk(list(branch.data), partial)
                done |= finished
                joined |= rest
            partial = joined
        elif op is _C.SUBPATTERN:
            finished, partial = _walk(list(av[3].data), partial)
            done |= finished
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
            low, high, sub = av
            high = min(high, KEY + 1)  # more repeats cannot change a KEY-letter prefix
            low = min(low, high)
            outcomes: set[str] = set()
            current = partial
            for count in range(high + 1):
                if count >= low:
                    outcomes |= current
                if count == high or not current:
                    break
                finished, current = _walk(list(sub.data), current)
                done |= finished
            partial = outcomes
        else:
            raise _Open
        if len(partial) + len(done) > _MAX_STRINGS:
            raise _Open
    return done, partial


def _extend(partial: set[str], chars: set[str]) -> tuple[set[str], set[str]]:
    """Append each of ``chars``; a space or the KEY-th letter finishes a prefix."""
    grown: set[str] = set()
    finished: set[str] = set()
    for prefix in partial:
        for ch in chars:
            if ch == " ":
                finished.add(prefix)
            elif len(prefix) + 1 >= KEY:
                finished.add(prefix + ch)
            else:
                grown.add(prefix + ch)
    return grown, finished


def _charset(av: list) -> set[str] | None:  # type: ignore[type-arg]
    chars: set[str] = set()
    for kind, value in av:
        if kind is _C.LITERAL:
            chars.add(chr(value))
        elif kind is _C.RANGE and value[1] - value[0] < _MAX_RANGE:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        else:
            return None
    return chars
