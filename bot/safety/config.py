"""Read ``content/safety.yaml`` into compiled, checked patterns, reporting problems with file and line.

Everything here runs once, at start-up: patterns are expanded (``{name}`` pieces from ``words:``),
checked (valid regex, written in the normaliser's form, no unbounded repetition, cannot match
empty text), compiled, and filed in one :class:`~bot.safety.dispatch.Dispatch` for all levels so
that a message is read in one pass, one look-up per word. Guards are kept per level, language
and action, and are only looked at around a hit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.content.problems import Problem
from bot.content.yamlsrc import Where, YamlError, YDict, YList, load_yaml
from bot.safety.dispatch import Dispatch, build_dispatch
from bot.text.normalise import Normaliser, _fold  # _fold: the normaliser's own per-character folding

LEVELS = ("crisis", "medical", "checkin")
"""Most serious first: the detector answers with the first level that has a hit."""
CONCERNS = ("past", "other_person", "subject", "other_now")
"""What a crisis phrase can be about when it is not the writer's own crisis now (see
SafetyResult.concern); ``other_now`` is someone else in danger now, told by the person worried."""
GUARD_ACTIONS = {"crisis": ("ignore", "checkin", *CONCERNS), "medical": ("ignore",), "checkin": ("ignore",)}
SIGNALS = ("means", "timing", "goodbye", "decision", "method", "reunion", "giveaway", "affairs", "secrecy",
           "relief", "note", "attention", "thanks", "refusal", "affirm", "reassure", "mention", "own")
"""Weak risk signals: never an alarm alone; a conversation on watch acts on them ("reassure" is
"I'm safe" / "you misunderstood me": it lowers the watch instead; "mention", a means or a moment
named at all, counts only on watch; "own", a risk of the writer's own now said beside a crisis told
as past or someone else's, "again", "still", "so do i", makes that story a crisis)."""
NOTES = {"signals": SIGNALS, "concerns": CONCERNS}
"""Top-level sections of tagged patterns that are noted, not alarmed on."""
LANGUAGE = re.compile(r"^[a-z]{2}$")
MAX_AGE_DAYS = 365

_WORD_REF = re.compile(r"\{([a-z_]+)\}")
# Regex syntax removed before looking at the literal text of a pattern.
_ESCAPE = re.compile(r"\\.")
_CLASS = re.compile(r"\[(?:\\.|[^\]\\])*\]")
_GROUP_OPEN = re.compile(r"\(\?(?:[:=!]|<[=!]|P<\w+>)")
_COUNT = re.compile(r"\{\d*,?\d*\}")
_SYNTAX = set("()|?*+.^$")
# Repetition that is not bounded, applied to a group or to "any character": slow on long text.
_UNBOUNDED = re.compile(r"\)(?:[*+]|\{\d+,\})|(?<!\\)\.[*+]|(?<!\\)\.\{\d+,\}")
# A repeated group ending in \w+ with no space after it can split one word many ways: exponential.
_AMBIGUOUS = re.compile(r"\\w[+*](?: \?)?\)(?:[*+]|\{\d*,\d*\})")
_PLAIN_GROUP = re.compile(r"(?:^| )\(\?:([^()\[\]\\{}]*)\)(?=[ ?)]|$)")
_PLAIN_WORD = re.compile(r"^[^\W\d_]+$")


@dataclass(frozen=True)
class Level:
    """The patterns of one level, as written, and its guards by language."""

    name: str
    patterns: tuple[tuple[str, str, re.Pattern[str], Where], ...]
    """(language, source as written, compiled, where): for explanations and tests."""
    guards: dict[str, Dispatch | None]
    """language -> its guard patterns, each tagged with its action ("ignore" or "checkin")."""


@dataclass(frozen=True)
class SafetyConfig:
    levels: dict[str, Level]
    dispatch: Dispatch | None
    """Every pattern of every level, tagged ``<level>_<language>``, most serious level first."""
    markers: dict[str, frozenset[str]]
    """Words that tell languages apart (used to settle Spanish vs Portuguese and the like)."""
    words: dict[str, str] = field(default_factory=dict)
    notes: tuple[tuple[str, str, re.Pattern[str], Where], ...] = ()
    """(section, kind, compiled, where) of the signals and concerns (``signal_means`` ...)."""

    def pattern_count(self) -> int:
        return sum(len(level.patterns) for level in self.levels.values())


# ---------------------------------------------------------------------------- checks on patterns
def literal_text(pattern: str) -> str:
    """The characters of ``pattern`` that must appear in the text as they are (roughly)."""
    text = _WORD_REF.sub(" ", pattern)
    text = _CLASS.sub("\x00", text)
    text = _ESCAPE.sub("\x00", text)
    text = _GROUP_OPEN.sub("(", text)
    return _COUNT.sub("", text)


def plain_words(pattern: str) -> list[str]:
    """Whole words written plainly in ``pattern``: between spaces, or alternatives of a simple
    group such as ``(?:do not|never)``. These must be in the normaliser's form."""
    source = _WORD_REF.sub("\x00", pattern)
    words: list[str] = []
    for group in _PLAIN_GROUP.findall(source):
        for alternative in group.split("|"):
            words.extend(w for w in alternative.split(" ") if _PLAIN_WORD.match(w))
    for chunk in re.split(r"[ |]", source):
        if _PLAIN_WORD.match(chunk):
            words.append(chunk)
    return words


def form_problems(pattern: str, normaliser: Normaliser) -> list[str]:
    """Why ``pattern`` could never match normalised text (empty when it is fine)."""
    issues: list[str] = []
    literal = literal_text(pattern)
    for ch in sorted(set(literal)):
        if ch in _SYNTAX or ch in " \x00" or ch.isdigit():
            continue
        if ch.isalpha():
            if _fold(ch) != ch:
                issues.append(f"'{ch}' never appears in normalised text (write '{_fold(ch)}')")
            continue
        if ch in "{}":
            continue
        issues.append(f"'{ch}' never appears in normalised text (punctuation is removed)")
    if "  " in pattern or pattern != pattern.strip():
        issues.append("use single spaces between words, none at the ends")
    for word in plain_words(pattern):
        normal = normaliser.normalise(word)
        if normal != word:
            issues.append(f"the word '{word}' is normalised to '{normal}': write '{normal}'")
    if _AMBIGUOUS.search(pattern):
        issues.append("a repeated group must end with a space after \\w+, e.g. (?:\\w+ ){0,3}?: "
                      "otherwise one long word can be split in very many ways")
    if _UNBOUNDED.search(_CLASS.sub("x", pattern)):
        issues.append("unbounded repetition of a group or '.' can be slow on long messages: "
                      "give a limit, e.g. (?:\\w+ ){0,4}?")
    return issues


# ---------------------------------------------------------------------------- loading
@dataclass
class _Reader:
    name: str
    normaliser: Normaliser
    problems: list[Problem] = field(default_factory=list)

    def error(self, where: Where, message: str) -> None:
        self.problems.append(Problem(where, message))

    def warn(self, where: Where, message: str) -> None:
        self.problems.append(Problem(where, message, "warning"))

    def mapping(self, parent: YDict, key: str, what: str, required: bool = True) -> YDict | None:
        value = parent.get(key)
        if value is None:
            if required:
                self.error(parent.at(key), f"{what} needs '{key}'")
            return None
        if not isinstance(value, YDict):
            self.error(parent.at(key), f"'{key}' in {what} must be a mapping")
            return None
        return value

    def strings(self, parent: YDict, key: str, what: str) -> list[tuple[str, Where]]:
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, YList):
            self.error(parent.at(key), f"'{key}' in {what} must be a list")
            return []
        out = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(value.at(index), f"each entry of '{key}' in {what} must be non-empty text")
            else:
                out.append((item, value.at(index)))
        return out


def _expand(r: _Reader, pattern: str, words: dict[str, str], where: Where) -> str | None:
    missing = [name for name in _WORD_REF.findall(pattern) if name not in words]
    if missing:
        r.error(where, f"unknown word piece '{{{missing[0]}}}' (known: {', '.join(sorted(words))})")
        return None
    return _WORD_REF.sub(lambda m: words[m.group(1)], pattern)


def _compile(r: _Reader, pattern: str, words: dict[str, str], where: Where, what: str) -> re.Pattern[str] | None:
    """A checked, compiled pattern, or None (after recording why)."""
    for issue in form_problems(pattern, r.normaliser):
        r.error(where, f"{what} '{_short(pattern)}': {issue}")
        return None
    expanded = _expand(r, pattern, words, where)
    if expanded is None:
        return None
    try:
        compiled = re.compile(rf"\b(?:{expanded})\b")
    except re.error as exc:
        r.error(where, f"{what} '{_short(pattern)}' is not a valid regular expression: {exc}")
        return None
    empty = compiled.search("a b")
    if re.fullmatch(expanded, "") or (empty is not None and empty.end() == empty.start()):
        r.error(where, f"{what} '{_short(pattern)}' matches empty text: it would fire on every message")
        return None
    return compiled


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _read_words(r: _Reader, data: YDict) -> dict[str, str]:
    words: dict[str, str] = {}
    section = r.mapping(data, "words", "content/safety.yaml", required=False)
    if section is None:
        return words
    for key, value in section.items():
        where = section.at(key)
        if not isinstance(key, str) or not re.match(r"^[a-z_]+$", key):
            r.error(where, f"word piece name '{key}' must be lowercase letters and _")
            continue
        if not isinstance(value, str) or not value.strip():
            r.error(where, f"word piece '{key}' must be non-empty text")
            continue
        issues = form_problems(value, r.normaliser)
        for issue in issues:
            r.error(where, f"word piece '{key}': {issue}")
        if _WORD_REF.search(value):
            r.error(where, f"word piece '{key}' may not use other pieces")
            continue
        try:
            re.compile(value)
        except re.error as exc:
            r.error(where, f"word piece '{key}' is not a valid regular expression: {exc}")
            continue
        if not issues:
            words[key] = value
    return words


def _read_level(r: _Reader, data: YDict, level: str, words: dict[str, str]) -> Level:
    section = r.mapping(data, level, "content/safety.yaml")
    patterns: list[tuple[str, str, re.Pattern[str], Where]] = []
    guards: dict[str, Dispatch | None] = {}
    if section is None:
        return Level(level, (), guards)
    for language, body in section.items():
        where = section.at(language)
        if not isinstance(language, str) or not LANGUAGE.match(language):
            r.error(where, f"'{language}' under {level} must be a two-letter language code (en, es, ...)")
            continue
        if not isinstance(body, YDict):
            r.error(where, f"{level}/{language} must be a mapping with 'patterns' (and 'guards')")
            continue
        for key in body:
            if key not in ("patterns", "guards"):
                r.error(body.at(key), f"unknown key '{key}' in {level}/{language} (allowed: guards, patterns)")
        usable = 0
        for pattern, at in r.strings(body, "patterns", f"{level}/{language}"):
            compiled = _compile(r, pattern, words, at, "pattern")
            if compiled is not None:
                patterns.append((language, pattern, compiled, at))
                usable += 1
        if not usable:
            r.error(where, f"{level}/{language} has no usable patterns")
            continue
        guards[language] = _read_guards(r, body, level, language, words)
    return Level(level, tuple(patterns), guards)


def _read_guards(r: _Reader, body: YDict, level: str, language: str,
                 words: dict[str, str]) -> Dispatch | None:
    """All guards of one level and language in one dispatch; each member's tag is its action."""
    section = r.mapping(body, "guards", f"{level}/{language}", required=False)
    if section is None:
        return None
    sources: list[tuple[str, str]] = []
    allowed = GUARD_ACTIONS[level]
    for action in section:
        if action not in allowed:
            r.error(section.at(action), f"guard action '{action}' is not allowed under {level} "
                                        f"(allowed: {', '.join(allowed)})")
            continue
        for pattern, at in r.strings(section, action, f"{level}/{language}/guards"):
            compiled = _compile(r, pattern, words, at, "guard")
            if compiled is not None:
                sources.append((action, compiled.pattern))
    return build_dispatch(sources)


def _read_markers(r: _Reader, data: YDict) -> dict[str, frozenset[str]]:
    section = r.mapping(data, "languages", "content/safety.yaml", required=False)
    markers: dict[str, frozenset[str]] = {}
    if section is None:
        return markers
    for language, words in section.items():
        where = section.at(language)
        if not isinstance(language, str) or not LANGUAGE.match(language) or not isinstance(words, YList):
            r.error(where, f"'{language}' under languages must be a two-letter code with a list of words")
            continue
        normal = set()
        for index, word in enumerate(words):
            text = str(word)
            if r.normaliser.normalise(text) != text:
                r.error(words.at(index), f"language word '{text}' is normalised to "
                                         f"'{r.normaliser.normalise(text)}'")
            normal.add(r.normaliser.normalise(text))
        markers[language] = frozenset(normal)
    return markers


def _check_reviewed(r: _Reader, data: YDict, today: date | None) -> None:
    value = data.get("last_reviewed")
    if value is None:
        r.error(data.where, "content/safety.yaml needs 'last_reviewed: YYYY-MM-DD'")
        return
    try:
        reviewed = date.fromisoformat(str(value))
    except ValueError:
        r.error(data.at("last_reviewed"), f"last_reviewed '{value}' is not a date (YYYY-MM-DD)")
        return
    if today is not None and (today - reviewed).days > MAX_AGE_DAYS:
        r.warn(data.at("last_reviewed"), f"last reviewed {reviewed}, over a year ago: please review")


def load_safety(path: Path, normaliser: Normaliser, display_name: str = "content/safety.yaml",
                today: date | None = None) -> tuple[SafetyConfig, list[Problem]]:
    """The compiled safety patterns and every problem found (file and line)."""
    r = _Reader(display_name, normaliser)
    if not path.exists():
        r.error(Where(display_name, 1), "file is missing: Feather cannot check messages for a crisis")
        return fallback_config(normaliser), r.problems
    try:
        data = load_yaml(path, display_name)
    except YamlError as exc:
        r.error(exc.where, exc.message)
        return fallback_config(normaliser), r.problems
    if not isinstance(data, YDict):
        r.error(Where(display_name, 1), "the file must be a mapping (key: value) at the top level")
        return fallback_config(normaliser), r.problems
    allowed = {"last_reviewed", "words", "languages", *LEVELS, *NOTES}
    for key in data:
        if key not in allowed:
            r.error(data.at(key), f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")
    _check_reviewed(r, data, today)
    words = _read_words(r, data)
    markers = _read_markers(r, data)
    levels = {level: _read_level(r, data, level, words) for level in LEVELS}
    notes = _read_notes(r, data, words)
    if not levels["crisis"].patterns:
        return fallback_config(normaliser), r.problems
    return SafetyConfig(levels, _dispatch(levels, notes), markers, words, notes), r.problems


def _read_notes(r: _Reader, data: YDict, words: dict[str, str]) -> tuple[tuple[str, str, re.Pattern[str], Where], ...]:
    """The ``signals:`` and ``concerns:`` sections: kind -> patterns (any language)."""
    notes: list[tuple[str, str, re.Pattern[str], Where]] = []
    for section, kinds in NOTES.items():
        body = r.mapping(data, section, "content/safety.yaml", required=False)
        if body is None:
            continue
        tag = section[:-1]  # signals -> signal, concerns -> concern
        for kind in body:
            if kind not in kinds:
                r.error(body.at(kind), f"unknown {tag} '{kind}' (known: {', '.join(kinds)})")
                continue
            for pattern, at in r.strings(body, kind, f"{section}/{kind}"):
                compiled = _compile(r, pattern, words, at, tag)
                if compiled is not None:
                    notes.append((tag, kind, compiled, at))
    return tuple(notes)


def _dispatch(levels: dict[str, Level],
              notes: tuple[tuple[str, str, re.Pattern[str], Where], ...] = ()) -> Dispatch | None:
    """One table for every level (most serious first), then the signals and concerns."""
    return build_dispatch([(f"{name}_{language}", compiled.pattern)
                           for name in LEVELS if name in levels
                           for language, _, compiled, _ in levels[name].patterns]
                          + [(f"{tag}_{kind}", compiled.pattern) for tag, kind, compiled, _ in notes])


# Used only when content/safety.yaml cannot be read at all: never run with no crisis check.
_FALLBACK = (
    r"kill\w* my ?self", r"s[uo]{1,2}i?[cs]{1,2}i?d\w*", r"want (?:to )?d[iy]e",
    r"end (?:my|it) (?:life|all)", r"self ?harm\w*", r"kms", r"unaliv\w*", r"overdos\w*",
    r"hurt\w* my ?self", r"(?:do not|never) want to (?:live|be alive|wake up)",
)


def fallback_config(normaliser: Normaliser) -> SafetyConfig:
    del normaliser
    here = Where("bot/safety/config.py", 1)
    crisis = Level("crisis", tuple(("en", p, re.compile(rf"\b(?:{p})\b"), here) for p in _FALLBACK), {})
    levels = {"crisis": crisis, "medical": Level("medical", (), {}), "checkin": Level("checkin", (), {})}
    return SafetyConfig(levels, _dispatch(levels), {})
