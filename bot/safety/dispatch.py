"""Speed for the safety patterns: file each pattern under the first letters its matches can have.

Normalised text is words separated by single spaces, and every safety pattern is anchored at a
word start. So instead of running ~300 patterns at every position of a message, Feather looks at
each word once: the first ``KEY`` letters of the word pick, from a table built at start-up, ONE
regex holding only the patterns that can start with those letters, and that regex is matched at
the word. For a typical message that is a handful of dictionary look-ups and one or two short
matches, and a message of 100,000 characters is a linear scan.

The table is built by a small reader of the regex syntax the patterns use (literals, classes,
groups, alternatives, counted repeats), which lists the letters a pattern can start with. That is
an optimisation only: a pattern whose start cannot be worked out (``\\w``, ``.``) is simply tried
at every word. A pattern whose
top-level alternatives start differently (``kms|unaliv\\w*``) is split so that each alternative
is filed on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

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

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        """Compiled on first use: most members are only ever tried through their entry."""
        return re.compile(self.source)


@dataclass(frozen=True)
class Entry:
    """The patterns that can start with one key, as one regex (groups named by tag) and singly.

    Why the regex is compiled on first use: the table has about 1,800 entries whose regexes
    repeat the big word lists (every medicine, every means); compiling them all took most of a
    start-up (several seconds), while a conversation meets a few dozen of them."""

    source: str
    members: tuple[Member, ...]

    @cached_property
    def combined(self) -> re.Pattern[str]:
        return re.compile(self.source)


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
            member = Member(order, tag, piece)
            order += 1
            keys = first_keys(piece)
            if keys is None:
                anywhere.append(member)
            else:
                for key in keys:
                    by_key.setdefault(key, []).append(member)
    # many keys share one set of members (every word of a pattern's opening alternation): one
    # entry, and so one regex compiled on first use, per distinct set rather than per key (the
    # shipped content files about 4,900 keys under about 1,800 entries)
    entries: dict[frozenset[Member], Entry] = {}
    table = {}
    for key, members in by_key.items():
        chosen = frozenset(members + anywhere)
        if chosen not in entries:
            entries[chosen] = _entry(list(chosen))
        table[key] = entries[chosen]
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
    return Entry("|".join(parts), tuple(ordered))


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
            i = _class_end(inner, i)
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


def _class_end(source: str, i: int) -> int:
    """The index just after the character class that opens at ``source[i]`` ("[")."""
    i += 1
    if source[i:i + 1] == "^":
        i += 1
    if source[i:i + 1] == "]":
        i += 1
    while i < len(source) and source[i] != "]":
        i += 2 if source[i] == "\\" else 1
    return i + 1


def first_keys(pattern: str) -> frozenset[str] | None:
    """The keys (first ``KEY`` letters of the first word, or the whole word when shorter) that a
    match of ``pattern`` can start with; None when that cannot be worked out."""
    try:
        re.compile(pattern)
        node, end = _Parser(pattern).alternation(0)
        if end != len(pattern):
            raise _Open
        done, partial = _walk([node], {""})
    except (_Open, RecursionError):
        return None
    done |= partial  # the pattern can end here (the word ends with the match)
    if not done or "" in done:
        return None
    return frozenset(done)


# A small reader for the part of regex syntax the safety patterns use. Anything else (\\w, \\d,
# ".", negated classes, back-references, flags) raises _Open: that pattern is tried at every word.
# Nodes: ("chars", set) one character of a set; ("seq", [nodes]); ("alt", [nodes]);
# ("rep", low, high, node); ("zero",) an anchor or a look-around (matches no characters);
# ("open",) a character from a set too large to list (\\w, ".", [^x]): _Open if a key needs it.
_Node = tuple[Any, ...]
_ANCHORS = {"b", "B", "A", "Z"}
_LITERAL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}


class _Parser:
    def __init__(self, source: str) -> None:
        self.s = source

    def alternation(self, i: int) -> tuple[_Node, int]:
        branches = []
        node, i = self.sequence(i)
        branches.append(node)
        while i < len(self.s) and self.s[i] == "|":
            node, i = self.sequence(i + 1)
            branches.append(node)
        return (("alt", branches) if len(branches) > 1 else branches[0]), i

    def sequence(self, i: int) -> tuple[_Node, int]:
        items: list[_Node] = []
        s = self.s
        while i < len(s) and s[i] not in "|)":
            atom, i = self.atom(i)
            atom, i = self.quantifier(atom, i)
            items.append(atom)
        return ("seq", items), i

    def atom(self, i: int) -> tuple[_Node, int]:
        s = self.s
        ch = s[i]
        if ch == "\\":
            nxt = s[i + 1:i + 2]
            if nxt in _ANCHORS:
                return ("zero",), i + 2
            if nxt in _LITERAL_ESCAPES:
                return ("chars", {_LITERAL_ESCAPES[nxt]}), i + 2
            if not nxt or nxt.isdigit():
                raise _Open  # a back-reference
            if nxt.isalnum():
                return ("open",), i + 2  # \\w, \\d, \\s: too many characters to list
            return ("chars", {nxt}), i + 2
        if ch == "[":
            end = _class_end(s, i)
            chars = self.charset(s[i + 1:end - 1])
            return (("open",) if chars is None else ("chars", chars)), end
        if ch in "^$":
            return ("zero",), i + 1
        if ch == ".":
            return ("open",), i + 1
        if ch == "(":
            return self.group(i)
        if ch in "*+?{":
            raise _Open
        return ("chars", {ch}), i + 1

    def group(self, i: int) -> tuple[_Node, int]:
        s = self.s
        zero = False
        if s.startswith("(?:", i):
            i += 3
        elif s.startswith(("(?=", "(?!"), i):
            i, zero = i + 3, True
        elif s.startswith(("(?<=", "(?<!"), i):
            i, zero = i + 4, True
        elif s.startswith("(?P<", i):
            i = s.index(">", i) + 1
        elif s.startswith("(?", i):
            raise _Open  # flags, back-references, conditionals
        else:
            i += 1
        node, i = self.alternation(i)
        if i >= len(s) or s[i] != ")":
            raise _Open
        return (("zero",) if zero else node), i + 1

    def quantifier(self, atom: _Node, i: int) -> tuple[_Node, int]:
        s = self.s
        if i >= len(s):
            return atom, i
        ch = s[i]
        if ch == "?":
            low, high, i = 0, 1, i + 1
        elif ch == "*":
            low, high, i = 0, KEY + 1, i + 1
        elif ch == "+":
            low, high, i = 1, KEY + 1, i + 1
        elif ch == "{":
            found = re.match(r"\{(\d*)(,?)(\d*)\}", s[i:])
            if found is None:
                return atom, i  # a literal "{" is not used by the patterns: treated as text
            low = int(found.group(1) or 0)
            high = int(found.group(3)) if found.group(3) else (low if not found.group(2) else KEY + 1)
            i += found.end()
        else:
            return atom, i
        if i < len(s) and s[i] in "?+":
            i += 1  # lazy or possessive: the same characters can be matched
        high = min(high, KEY + 1)  # more repeats cannot change a KEY-letter prefix
        return ("rep", min(low, high), high, atom), i

    @staticmethod
    def charset(body: str) -> set[str] | None:
        """The characters of a class, or None when they are too many to list."""
        if body.startswith("^"):
            return None
        chars: set[str] = set()
        i = 0
        while i < len(body):
            ch = body[i]
            if ch == "\\":
                nxt = body[i + 1:i + 2]
                if nxt.isalnum():
                    if nxt not in _LITERAL_ESCAPES:
                        return None
                    nxt = _LITERAL_ESCAPES[nxt]
                ch, i = nxt, i + 2
            else:
                i += 1
            if body[i:i + 1] == "-" and i + 1 < len(body):
                last = body[i + 1]
                if last == "\\" or ord(last) - ord(ch) >= _MAX_RANGE:
                    return None
                chars.update(chr(c) for c in range(ord(ch), ord(last) + 1))
                i += 2
            else:
                chars.add(ch)
        return chars


def _walk(items: list[_Node], partial: set[str]) -> tuple[set[str], set[str]]:
    """(finished keys, unfinished prefixes) after matching ``items`` from the prefixes ``partial``.

    A prefix is finished when it reaches ``KEY`` letters or the word ends (a space)."""
    done: set[str] = set()
    for node in items:
        if not partial:
            break
        kind = node[0]
        if kind == "zero":
            continue
        if kind == "open":
            raise _Open
        if kind == "chars":
            partial, finished = _extend(partial, node[1])
            done |= finished
        elif kind == "seq":
            finished, partial = _walk(node[1], partial)
            done |= finished
        elif kind == "alt":
            joined: set[str] = set()
            for branch in node[1]:
                finished, rest = _walk([branch], partial)
                done |= finished
                joined |= rest
            partial = joined
        else:  # "rep"
            _, low, high, sub = node
            outcomes: set[str] = set()
            current = partial
            for count in range(high + 1):
                if count >= low:
                    outcomes |= current
                if count == high or not current:
                    break
                finished, current = _walk([sub], current)
                done |= finished
            partial = outcomes
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
