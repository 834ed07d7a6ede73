"""Feather's rules of voice, read from ``content/style_rules.yaml`` and applied to every bot text.

The tone guide's "Never say" list, the fact sheet's "Must NOT say" about microchimerism, the
emotional words science may use but comfort may not, "a fact needs a source", and message length.
Each check is a small function returning problems with file and line; ``checks.check_content``
runs them with the other cross-file checks. ``readability`` gives the one-line summary that
``--check`` prints.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path

from bot import PROJECT_ROOT
from bot.content.loader import Loaded
from bot.content.model import Content, Variant
from bot.content.problems import Problem
from bot.content.yamlsrc import Where, YamlError, YDict, YList, load_yaml

RULES_FILE = "content/style_rules.yaml"
RULE_GROUPS = ("never_say", "mc_must_not", "emotional_words", "needs_sources")


@dataclass(frozen=True)
class Rule:
    """One pattern with the reason it exists; ``negatable`` hits are excused after a negation."""

    group: str
    source: str
    pattern: re.Pattern[str]
    reason: str
    negatable: bool
    where: Where


@dataclass(frozen=True)
class StyleRules:
    """Everything in ``content/style_rules.yaml``, compiled; ``problems`` are mistakes in the file."""

    last_reviewed: str
    where: Where
    negation: re.Pattern[str]
    reported_speech: re.Pattern[str] = re.compile(r"(?!)")
    never_say: tuple[Rule, ...] = ()
    mc_must_not: tuple[Rule, ...] = ()
    emotional_words: tuple[Rule, ...] = ()
    needs_sources: tuple[Rule, ...] = ()
    mc_flows: tuple[str, ...] = ("mc_*",)
    mc_context: re.Pattern[str] = re.compile(r"(?!)")
    emotional_words_allowed: tuple[str, ...] = ()
    warn_chars: int = 600
    error_chars: int = 1000
    problems: tuple[Problem, ...] = ()


def _compile(value: object, where: Where, problems: list[Problem]) -> re.Pattern[str] | None:
    try:
        return re.compile(str(value), re.IGNORECASE)
    except re.error as exc:
        problems.append(
            Problem(where, f"pattern '{value}' is not a valid regular expression: {exc}")
        )
        return None


def _globs(data: YDict, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = data.get(key)
    if isinstance(value, YList):
        return tuple(str(item) for item in value)
    return default


def parse_style_rules(data: object, name: str = RULES_FILE) -> StyleRules:
    """Build :class:`StyleRules` from parsed YAML, recording each mistake instead of stopping."""
    problems: list[Problem] = []
    top = Where(name, 1)
    if not isinstance(data, YDict):
        problems.append(Problem(top, "the file must be a mapping (key: value) at the top level"))
        return StyleRules("", top, re.compile(r"(?!)"), problems=tuple(problems))
    allowed = {
        "last_reviewed",
        "negation",
        "reported_speech",
        "readability",
        "mc_flows",
        "mc_context",
        "emotional_words_allowed",
        *RULE_GROUPS,
    }
    for key in data:
        if key not in allowed:
            problems.append(Problem(data.at(key), f"unknown key '{key}' in {name}"))
    if "last_reviewed" not in data:
        problems.append(Problem(top, f"{name} needs 'last_reviewed: YYYY-MM-DD'"))
    negation = _compile(data.get("negation", r"(?!)"), data.at("negation"), problems) or re.compile(
        r"(?!)"
    )
    context = _compile(
        data.get("mc_context", r"(?!)"), data.at("mc_context"), problems
    ) or re.compile(r"(?!)")
    reported = _compile(
        data.get("reported_speech", r"(?!)"), data.at("reported_speech"), problems
    ) or re.compile(r"(?!)")
    groups: dict[str, tuple[Rule, ...]] = {}
    for group in RULE_GROUPS:
        items = data.get(group)
        rules: list[Rule] = []
        if not isinstance(items, YList):
            problems.append(Problem(data.at(group), f"{name} needs a list '{group}'"))
            groups[group] = ()
            continue
        for index, item in enumerate(items):
            where = items.at(index)
            if not isinstance(item, YDict) or "pattern" not in item or not item.get("reason"):
                problems.append(
                    Problem(where, f"each rule of '{group}' needs 'pattern' and 'reason'")
                )
                continue
            for key in item:
                if key not in ("pattern", "reason", "negatable"):
                    problems.append(
                        Problem(item.at(key), f"unknown key '{key}' in a rule of '{group}'")
                    )
            pattern = _compile(item["pattern"], item.at("pattern"), problems)
            if pattern is not None:
                rules.append(
                    Rule(
                        group,
                        str(item["pattern"]),
                        pattern,
                        str(item["reason"]),
                        bool(item.get("negatable")),
                        where,
                    )
                )
        groups[group] = tuple(rules)
    limits = data.get("readability")
    warn, error = 600, 1000
    if isinstance(limits, YDict):
        warn = int(limits.get("warn_chars", warn))
        error = int(limits.get("error_chars", error))
    return StyleRules(
        last_reviewed=str(data.get("last_reviewed", "")),
        where=data.at("last_reviewed"),
        negation=negation,
        reported_speech=reported,
        mc_flows=_globs(data, "mc_flows", ("mc_*",)),
        mc_context=context,
        emotional_words_allowed=_globs(data, "emotional_words_allowed", ()),
        warn_chars=warn,
        error_chars=error,
        problems=tuple(problems),
        **groups,
    )


def load_style_rules(path: Path | None = None) -> StyleRules:
    """Read the rules file (default: the checkout's ``content/style_rules.yaml``)."""
    path = path or PROJECT_ROOT / RULES_FILE
    return _load_cached(path, path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=4)
def _load_cached(path: Path, _mtime: int) -> StyleRules:
    name = RULES_FILE if path.as_posix().endswith(RULES_FILE) else path.name
    if not path.exists():
        where = Where(name, 1)
        return StyleRules(
            "",
            where,
            re.compile(r"(?!)"),
            problems=(Problem(where, "the style rules file is missing"),),
        )
    try:
        data = load_yaml(path, name)
    except YamlError as exc:
        return StyleRules(
            "", exc.where, re.compile(r"(?!)"), problems=(Problem(exc.where, exc.message),)
        )
    return parse_style_rules(data, name)


# ------------------------------------------------------------------------------------------------
# The texts Feather says


@dataclass(frozen=True)
class Spoken:
    """One text the bot may send, where it is written, and what it belongs to.

    ``where.line`` is 0 when the line is not known (the special reflections; messages when only
    the :class:`Content` is at hand).
    """

    where: Where
    label: str
    text: str
    kind: str  # node, button, title, message, reflection, resource
    flow: str | None = None
    has_sources: bool = False


def _who(variant: Variant) -> str:
    return ", ".join(variant.roles + variant.stages)


def spoken_texts(loaded: Loaded) -> list[Spoken]:
    """Every text a person may read: nodes, buttons, titles, messages, reflections, resources."""
    content = loaded.content
    out: list[Spoken] = []
    for flow in content.flows.values():
        out.append(Spoken(flow.where, f"title of {flow.id}", flow.title, "title", flow.id))
        for node in flow.nodes:
            name = f"{flow.id}/{node.id}"
            many = len(node.texts) > 1
            for index, text in enumerate(node.texts, 1):
                label = f"{name} (variant {index})" if many else name
                out.append(Spoken(node.where, label, text, "node", flow.id, bool(node.sources)))
            for variant in node.variants:
                for text in variant.texts:
                    out.append(Spoken(variant.where, f"{name} (a variant for {_who(variant)})", text,
                                      "node", flow.id, bool(node.sources)))
            for button in node.buttons:
                out.append(
                    Spoken(
                        button.where,
                        f"button '{button.label}' of {name}",
                        button.label,
                        "button",
                        flow.id,
                    )
                )
    for key, texts in content.messages.items():
        where = loaded.message_places.get(key, Where("content/messages.yaml", 0))
        for index, text in enumerate(texts, 1):
            label = f"message '{key}'" + (f" (variant {index})" if len(texts) > 1 else "")
            out.append(Spoken(where, label, text, "message"))
    reflections_file = (
        content.reflections[0].where.file if content.reflections else "content/reflections.yaml"
    )
    for reflection in content.reflections:
        out.append(
            Spoken(reflection.where, f"reflection {reflection.id}", reflection.text, "reflection")
        )
        if reflection.prompt:
            out.append(
                Spoken(
                    reflection.where,
                    f"prompt of reflection {reflection.id}",
                    reflection.prompt,
                    "reflection",
                )
            )
    for key, text in sorted(content.special_reflections.items()):
        out.append(
            Spoken(Where(reflections_file, 0), f"special reflection '{key}'", text, "reflection")
        )
    for country in content.countries.values():
        for field_name, text in (("urgent_medical", country.urgent_medical),):
            out.append(Spoken(country.where, f"{field_name} of {country.code}", text, "resource"))
        for service in country.services:
            fields: tuple[tuple[str, str | None], ...] = (
                ("name", service.name),
                ("offers", service.offers),
                ("hours", service.hours),
                ("note", service.note),
            )
            for field_name, said in fields:
                if said:
                    out.append(
                        Spoken(service.where, f"{field_name} of {service.id}", said, "resource")
                    )
    return out


# ------------------------------------------------------------------------------------------------
# Matching

_TAG = re.compile(r"<[^>]+>")
_QUOTED = re.compile(r'"[^"\n]*"|(?<![\w])\'(?=\w).*?(?<=[\w.!?,…])\'(?!\w)')
_SENTENCE_END = re.compile(r"[.!?;\n•]")


def plain(text: str) -> str:
    """The text as read: tags removed, entities decoded, curly quotes and apostrophes straight."""
    text = html.unescape(_TAG.sub("", text))
    return (
        text.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
    )


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTED.finditer(text)]


def _before(text: str, start: int) -> str:
    """The part of the sentence holding ``start`` that comes before it."""
    begin = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        begin = match.end()
    return text[begin:start]


def _is_question(text: str, end: int) -> bool:
    """True when the sentence holding ``end`` ends with a question mark."""
    match = _SENTENCE_END.search(text, end)
    if match is None:
        return text.rstrip().endswith("?")
    return match.group(0) == "?"


def find_hits(
    rule: Rule,
    text: str,
    negation: re.Pattern[str],
    excuse: re.Pattern[str] | None = None,
    skip_questions: bool = False,
) -> list[str]:
    """The phrases of ``text`` that break ``rule``.

    Left out: words inside quotation marks; for a ``negatable`` rule, a hit after a negation in
    the same sentence; a hit after ``excuse`` (reported speech) in the same sentence; with
    ``skip_questions``, a hit in a question.
    """
    return _hits(rule, plain(text), negation, excuse, skip_questions)


def _hits(rule: Rule, clean: str, negation: re.Pattern[str], excuse: re.Pattern[str] | None,
          skip_questions: bool) -> list[str]:
    """``find_hits`` on text already made plain (most texts break no rule: quotes are only
    looked for once one does)."""
    spans: list[tuple[int, int]] | None = None
    hits = []
    for match in rule.pattern.finditer(clean):
        if spans is None:
            spans = _quoted_spans(clean)
        if any(a <= match.start() < b for a, b in spans):
            continue
        before = _before(clean, match.start())
        if rule.negatable and negation.search(before):
            continue
        if excuse is not None and excuse.search(before):
            continue
        if skip_questions and _is_question(clean, match.end()):
            continue
        hits.append(match.group(0))
    return hits


def rule_hits(rules: StyleRules, group: str, text: str) -> list[tuple[Rule, str]]:
    """Every (rule, phrase) of one group that ``text`` breaks, as the checks apply that group.

    ``never_say`` hits are excused by reported speech; ``needs_sources`` ignores questions.
    """
    excuse = rules.reported_speech if group == "never_say" else None
    questions = group == "needs_sources"
    clean = plain(text)
    return [
        (rule, hit)
        for rule in getattr(rules, group)
        for hit in _hits(rule, clean, rules.negation, excuse, questions)
    ]


def _problem(spoken: Spoken, rule: Rule, hit: str, severity: str = "error") -> Problem:
    """The problem for one hit: where, which text, the phrase, the rule (group and line), why."""
    rule_at = f"{rule.group}, rule at {rule.where}"
    message = f"{spoken.label}: '{hit}' ({rule_at}): {rule.reason}"
    return Problem(spoken.where, message, severity)  # type: ignore[arg-type]


def _scan(
    texts: list[Spoken], rules: StyleRules, group: str, severity: str = "error"
) -> Iterator[Problem]:
    for spoken in texts:
        for rule, hit in rule_hits(rules, group, spoken.text):
            yield _problem(spoken, rule, hit, severity)


def _in(flow: str | None, globs: tuple[str, ...]) -> bool:
    return flow is not None and any(fnmatchcase(flow, glob) for glob in globs)


# ------------------------------------------------------------------------------------------------
# The checks


def check_never_say(loaded: Loaded, rules: StyleRules | None = None) -> list[Problem]:
    """The tone guide's "Never say" list, in every text."""
    rules = rules or load_style_rules()
    return list(_scan(spoken_texts(loaded), rules, "never_say"))


def is_about_cells(spoken: Spoken, rules: StyleRules) -> bool:
    """Microchimerism rules apply to mc_* flows and to any other text that talks about the cells."""
    return _in(spoken.flow, rules.mc_flows) or bool(rules.mc_context.search(plain(spoken.text)))


def check_mc_claims(loaded: Loaded, rules: StyleRules | None = None) -> list[Problem]:
    """The fact sheet's "Must NOT say" about microchimerism."""
    rules = rules or load_style_rules()
    texts = [s for s in spoken_texts(loaded) if is_about_cells(s, rules)]
    return list(_scan(texts, rules, "mc_must_not"))


def check_emotional_words(loaded: Loaded, rules: StyleRules | None = None) -> list[Problem]:
    """ "fetus", "embryo", "tissue"... only in science and medical flows: a warning elsewhere."""
    rules = rules or load_style_rules()
    texts = [s for s in spoken_texts(loaded) if not _in(s.flow, rules.emotional_words_allowed)]
    return list(_scan(texts, rules, "emotional_words", "warning"))


def fact_reasons(text: str, rules: StyleRules) -> list[str]:
    """Why a text reads as a fact that needs a source (empty when it does not)."""
    reasons: dict[str, str] = {}
    for rule, hit in rule_hits(rules, "needs_sources", text):
        reasons.setdefault(rule.source, f"'{hit}' ({rule.reason}, rule at {rule.where})")
    return list(reasons.values())


def check_fact_sources(loaded: Loaded, rules: StyleRules | None = None) -> list[Problem]:
    """A node stating a number, a study or a medical fact must have ``sources``."""
    rules = rules or load_style_rules()
    problems = []
    for spoken in spoken_texts(loaded):
        if spoken.kind != "node" or spoken.has_sources:
            continue
        reasons = fact_reasons(spoken.text, rules)
        if reasons:
            problems.append(
                Problem(
                    spoken.where,
                    f"{spoken.label} states a fact but has no sources: " + "; ".join(reasons[:3]),
                )
            )
    return problems


def check_message_length(loaded: Loaded, rules: StyleRules | None = None) -> list[Problem]:
    """Short messages: a warning above ~600 characters, an error above 1000."""
    rules = rules or load_style_rules()
    problems = []
    for spoken in spoken_texts(loaded):
        if spoken.kind not in ("node", "message", "reflection"):
            continue
        length = len(plain(spoken.text))
        if length > rules.error_chars:
            problems.append(
                Problem(
                    spoken.where,
                    f"{spoken.label} is {length} characters: split it "
                    f"(at most {rules.error_chars}, aim for {rules.warn_chars})",
                )
            )
        elif length > rules.warn_chars:
            problems.append(
                Problem(
                    spoken.where,
                    f"{spoken.label} is {length} characters: aim for at most "
                    f"{rules.warn_chars}, or split it with a 'Tell me more' button",
                    "warning",
                )
            )
    return problems


def check_style_rules_file(
    rules: StyleRules | None = None, today: date | None = None
) -> list[Problem]:
    """Mistakes in the rules file itself, and a warning when it was last reviewed over a year ago."""
    rules = rules or load_style_rules()
    problems = list(rules.problems)
    if rules.last_reviewed:
        try:
            reviewed = date.fromisoformat(rules.last_reviewed)
        except ValueError:
            problems.append(
                Problem(
                    rules.where, f"last_reviewed '{rules.last_reviewed}' is not a date (YYYY-MM-DD)"
                )
            )
        else:
            if ((today or date.today()) - reviewed).days > 365:
                problems.append(
                    Problem(
                        rules.where,
                        f"{rules.where.file} was last reviewed on "
                        f"{rules.last_reviewed}, more than a year ago",
                        "warning",
                    )
                )
    return problems


def style_checks(
    loaded: Loaded, rules: StyleRules | None = None, today: date | None = None
) -> list[Problem]:
    """Every style rule at once (what ``check_content`` adds)."""
    rules = rules or load_style_rules()
    return [
        *check_style_rules_file(rules, today),
        *check_never_say(loaded, rules),
        *check_mc_claims(loaded, rules),
        *check_emotional_words(loaded, rules),
        *check_fact_sources(loaded, rules),
        *check_message_length(loaded, rules),
    ]


# ------------------------------------------------------------------------------------------------
# Readability

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*")


@dataclass(frozen=True)
class Readability:
    """Sentence and message lengths over the texts the bot sends."""

    sentences: int = 0
    average_words: float = 0.0
    longest_words: int = 0
    longest_sentence_at: str = ""
    longest_chars: int = 0
    longest_message_at: str = ""
    lengths: list[int] = field(default_factory=list, compare=False, repr=False)

    def summary(self) -> str:
        return (
            f"Readability: {self.sentences} sentences, average {self.average_words:.1f} words, "
            f"longest {self.longest_words} words ({self.longest_sentence_at}); longest message "
            f"{self.longest_chars} characters ({self.longest_message_at})"
        )


def sentences(text: str) -> list[list[str]]:
    """The sentences of a text (paragraphs and list items count as their own), as word lists."""
    out = []
    for part in _SENTENCE.split(plain(text)):
        words = _WORD.findall(part)
        if words:
            out.append(words)
    return out


def _place(spoken: Spoken) -> str:
    where = str(spoken.where) if spoken.where.line else spoken.where.file
    return f"{where} {spoken.label}"


def readability(loaded_or_content: Loaded | Content) -> Readability:
    """Average and longest sentence in words, longest message in characters."""
    loaded = (
        loaded_or_content
        if isinstance(loaded_or_content, Loaded)
        else Loaded(loaded_or_content, [], {})
    )
    lengths: list[int] = []
    longest_words, longest_at, longest_chars, chars_at = 0, "", 0, ""
    for spoken in spoken_texts(loaded):
        if spoken.kind not in ("node", "message", "reflection"):
            continue
        for words in sentences(spoken.text):
            lengths.append(len(words))
            if len(words) > longest_words:
                longest_words, longest_at = len(words), _place(spoken)
        chars = len(plain(spoken.text))
        if chars > longest_chars:
            longest_chars, chars_at = chars, _place(spoken)
    average = sum(lengths) / len(lengths) if lengths else 0.0
    return Readability(
        len(lengths), average, longest_words, longest_at, longest_chars, chars_at, lengths
    )


def readability_summary(loaded_or_content: Loaded | Content) -> str:
    """The one line ``--check`` prints."""
    return readability(loaded_or_content).summary()
