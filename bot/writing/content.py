"""content/writing.yaml: the writing course's words, read with every problem as file:line.

Checked here (and so by ``--check``): the three phases of the trials in their order, every prompt's
phase and variants (a ``{name}`` variant needs its twin without one), the sources the research text
cites, the placeholders each text may use, HTML, and the rules of voice of content/style_rules.yaml.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from bot.checks import html_problems
from bot.content.problems import Problem
from bot.content.style import StyleRules, load_style_rules, plain, rule_hits
from bot.content.yamlsrc import Where, YamlError, YDict, YList, load_yaml

FILE = "content/writing.yaml"
PHASES = ("loss", "friend", "ahead")
"""The trials' three phases (facts.md G1), in the order they are written."""
PROMPTS_MIN, PROMPTS_MAX = 8, 10
VARIANTS = ("text", "text_name", "partner", "partner_name")
"""A prompt's variants: for anyone, with the baby's name, and the same two for a partner."""
ROLES = {"partner": "partner"}
"""A role (as the loss-aware profile names it) -> the variant prefix written for it."""

COURSE_TEXTS: dict[str, frozenset[str]] = {
    # key -> the placeholders it may use
    "framing": frozenset({"total"}),
    "research": frozenset(),
    "sources_intro": frozenset(),
    "not_now": frozenset(),
    "acknowledge": frozenset(),
    "more": frozenset(),
    "keep_hint": frozenset(),
    "keep_how": frozenset(),
    "choose_next": frozenset(),
    "choose_last": frozenset(),
    "scheduled_daily": frozenset({"when"}),
    "scheduled": frozenset({"when"}),
    "scheduled_lead": frozenset(),
    "skipped": frozenset(),
    "paused": frozenset({"number"}),
    "stopped": frozenset(),
    "not_started": frozenset(),
    "welcome_back": frozenset({"number", "total"}),
    "welcome_scheduled": frozenset({"number", "total", "when"}),
    "finished": frozenset(),
    "prompt_footer": frozenset(),
    "prompt_heading": frozenset({"number", "total"}),
    "when_daily": frozenset({"time"}),
    "when_later": frozenset(),
    "when_hours": frozenset({"hours"}),
}
LABELS = ("begin", "research", "not_now", "skip", "pause", "stop", "next_now", "next_daily", "next_later",
          "keep", "carry_on", "start_over", "now_instead", "keep_schedule", "done")
MAX_LABEL = 40
_ID = re.compile(r"^[a-z][a-z0-9_]{0,23}$")


@dataclass(frozen=True)
class Phase:
    id: str
    title: str
    intro: str
    where: Where


@dataclass(frozen=True)
class Prompt:
    id: str
    phase: str
    variants: dict[str, str]
    where: Where

    def text_for(self, role: str | None = None, name: str | None = None) -> str:
        """The variant for this person: their role's wording first, then the name if they shared
        one (``name`` is HTML-escaped by the caller); ``text`` is always there (``--check``)."""
        prefix = ROLES.get(role or "")
        order = [f"{prefix}_name", prefix] if prefix else []
        order += ["text_name", "text"]
        for key in order:
            if key in self.variants and (name or not key.endswith("_name")):
                return self.variants[key].replace("{name}", name or "")
        return self.variants["text"]


@dataclass(frozen=True)
class WritingSource:
    id: str
    authors: str
    year: int | None
    title: str
    published_in: str
    doi: str | None
    where: Where

    def short(self) -> str:
        """Authors, year, title, journal and DOI (only what the fact sheet records)."""
        parts = [f"{self.authors} ({self.year})" if self.year else self.authors]
        parts += [p for p in (self.title, self.published_in) if p]
        if self.doi:
            parts.append(f"doi:{self.doi}")
        return ". ".join(parts) + "."


@dataclass(frozen=True)
class WritingCourse:
    title: str
    texts: dict[str, tuple[str, ...]]
    labels: dict[str, str]
    phases: tuple[Phase, ...]
    prompts: tuple[Prompt, ...]
    sources: dict[str, WritingSource]
    research_sources: tuple[str, ...]
    places: dict[str, Where] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.prompts)

    def text(self, key: str, variant: int = 0, **values: str) -> str:
        """A course text; several variants rotate with ``variant``; values are already escaped."""
        variants = self.texts.get(key) or (key,)
        chosen = variants[variant % len(variants)]
        return chosen.format(**values) if values else chosen

    def phase(self, phase_id: str) -> Phase | None:
        return next((p for p in self.phases if p.id == phase_id), None)

    def starts_phase(self, step: int) -> bool:
        """True for the first prompt of its phase (its intro is shown with it)."""
        return 0 <= step < self.total and (step == 0 or self.prompts[step - 1].phase != self.prompts[step].phase)


EMPTY = WritingCourse("", {}, {}, (), (), {}, ())


# ------------------------------------------------------------------------------------------------ reading


class _Problems:
    def __init__(self) -> None:
        self.found: list[Problem] = []

    def error(self, where: Where, message: str) -> None:
        self.found.append(Problem(where, message, "error"))

    def warn(self, where: Where, message: str) -> None:
        self.found.append(Problem(where, message, "warning"))

    def keys(self, data: YDict, allowed: dict[str, bool], what: str) -> None:
        for key in data:
            if key not in allowed:
                self.error(data.at(key), f"unknown key '{key}' in {what} (allowed: {', '.join(sorted(allowed))})")
        for key, required in allowed.items():
            if required and key not in data:
                self.error(data.where, f"{what} needs '{key}'")

    def text(self, data: YDict, key: str, what: str) -> str | None:
        value = data.get(key)
        if value is None or isinstance(value, (YDict, YList)) or not str(value).strip():
            if key in data:
                self.error(data.at(key), f"'{key}' of {what} must be a text")
            return None
        return str(value).strip()

    def texts(self, data: YDict, key: str, what: str) -> tuple[str, ...]:
        value = data.get(key)
        if isinstance(value, YList):
            out = []
            for index, item in enumerate(value):
                if item is None or isinstance(item, (YDict, YList)) or not str(item).strip():
                    self.error(value.at(index), f"each item of '{key}' in {what} must be a text")
                else:
                    out.append(str(item).strip())
            if not out:
                self.error(data.at(key), f"'{key}' of {what} needs at least one text")
            return tuple(out)
        single = self.text(data, key, what)
        return (single,) if single else ()

    def mappings(self, data: YDict, key: str, what: str) -> list[YDict]:
        items = data.get(key)
        if items is None:
            return []
        if not isinstance(items, YList):
            self.error(data.at(key), f"'{key}' must be a list")
            return []
        found = []
        for index, item in enumerate(items):
            if isinstance(item, YDict):
                found.append(item)
            else:
                self.error(items.at(index), f"each entry of '{key}' in {what} must be a mapping")
        return found

    def ident(self, data: YDict, what: str, seen: dict[str, Where]) -> str | None:
        value = data.get("id")
        if value is None:
            self.error(data.where, f"{what} needs an 'id'")
            return None
        text = str(value)
        if not _ID.match(text):
            self.error(data.at("id"), f"id '{text}' of {what} must be lower-case letters, digits and _ "
                                      "(at most 24)")
            return None
        if text in seen:
            self.error(data.at("id"), f"id '{text}' is already used at {seen[text]}")
            return None
        seen[text] = data.at("id")
        return text


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a text fills in (``{{`` is a literal brace)."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"{"}


def load_writing(root: Path) -> tuple[WritingCourse, list[Problem]]:
    """The course from ``root/content/writing.yaml`` and every problem in it (never raises)."""
    found = _Problems()
    path = root / FILE
    if not path.exists():
        found.error(Where(FILE, 1), "file is missing")
        return EMPTY, found.found
    try:
        data = load_yaml(path, FILE)
    except YamlError as exc:
        found.error(exc.where, exc.message)
        return EMPTY, found.found
    if not isinstance(data, YDict):
        found.error(Where(FILE, 1), "the file must be a mapping (key: value) at the top level")
        return EMPTY, found.found
    found.keys(data, {"last_reviewed": True, "course": True, "phases": True, "prompts": True, "sources": True},
               "this file")
    sources = _read_sources(found, data)
    course = data.get("course")
    if not isinstance(course, YDict):
        if "course" in data:
            found.error(data.at("course"), "'course' must be a mapping")
        course = YDict()
        course.where, course.key_where = data.where, {}
    title, texts, labels, cited, places = _read_course(found, course, sources)
    phases = _read_phases(found, data)
    prompts = _read_prompts(found, data, phases)
    result = WritingCourse(title, texts, labels, phases, prompts, sources, cited, places)
    found.found += _voice(result)
    return result, found.found


_Course = tuple[str, dict[str, tuple[str, ...]], dict[str, str], tuple[str, ...], dict[str, Where]]


def _read_course(found: _Problems, course: YDict, sources: dict[str, WritingSource]) -> _Course:
    allowed = dict.fromkeys(COURSE_TEXTS, True) | {"title": True, "labels": True, "research_sources": True}
    found.keys(course, allowed, "'course'")
    texts: dict[str, tuple[str, ...]] = {}
    places: dict[str, Where] = {}
    for key, allowed_names in COURSE_TEXTS.items():
        if key not in course:
            continue
        texts[key] = found.texts(course, key, "'course'")
        places[key] = course.at(key)
        for text in texts[key]:
            unknown = placeholders(text) - allowed_names
            if unknown:
                hint = ", ".join(f"{{{n}}}" for n in sorted(allowed_names)) or "none"
                found.error(course.at(key), f"'{key}' uses {', '.join(sorted(unknown))}: it may use {hint}")
    labels: dict[str, str] = {}
    raw = course.get("labels")
    if isinstance(raw, YDict):
        found.keys(raw, dict.fromkeys(LABELS, True), "'labels'")
        for key in LABELS:
            label = found.text(raw, key, "'labels'")
            if label is None:
                continue
            if len(label) > MAX_LABEL:
                found.error(raw.at(key), f"button label '{key}' is over {MAX_LABEL} characters")
            labels[key] = label
            places[f"label_{key}"] = raw.at(key)
    elif "labels" in course:
        found.error(course.at("labels"), "'labels' must be a mapping of name: button label")
    cited: list[str] = []
    raw_cited = course.get("research_sources")
    if isinstance(raw_cited, YList) and raw_cited:
        for index, item in enumerate(raw_cited):
            if str(item) not in sources:
                found.error(raw_cited.at(index), f"research_sources names '{item}', which is not in 'sources'")
            else:
                cited.append(str(item))
    elif "research_sources" in course:
        found.error(course.at("research_sources"), "'research_sources' must list at least one source id")
    return found.text(course, "title", "'course'") or "", texts, labels, tuple(cited), places


def _read_phases(found: _Problems, data: YDict) -> tuple[Phase, ...]:
    phases: list[Phase] = []
    seen: dict[str, Where] = {}
    for item in found.mappings(data, "phases", "this file"):
        found.keys(item, {"id": True, "title": True, "intro": True}, "a phase")
        phase_id = found.ident(item, "a phase", seen)
        if phase_id is None:
            continue
        if phase_id not in PHASES:
            found.error(item.at("id"), f"unknown phase '{phase_id}': the course has the trials' three phases "
                                       f"({', '.join(PHASES)})")
            continue
        phases.append(Phase(phase_id, found.text(item, "title", f"phase '{phase_id}'") or "",
                            found.text(item, "intro", f"phase '{phase_id}'") or "", item.where))
    order = tuple(p.id for p in phases)
    if order != PHASES and set(order) == set(PHASES):
        found.error(phases[0].where, f"the phases must come in the trials' order: {', '.join(PHASES)}")
    for missing in (p for p in PHASES if p not in order):
        found.error(data.at("phases"), f"the phase '{missing}' is missing (the course has {', '.join(PHASES)})")
    return tuple(phases)


def _read_prompts(found: _Problems, data: YDict, phases: tuple[Phase, ...]) -> tuple[Prompt, ...]:
    prompts: list[Prompt] = []
    seen: dict[str, Where] = {}
    rank = {p.id: i for i, p in enumerate(phases)}
    for item in found.mappings(data, "prompts", "this file"):
        found.keys(item, {"id": True, "phase": True} | {v: v == "text" for v in VARIANTS}, "a prompt")
        prompt_id = found.ident(item, "a prompt", seen)
        phase = str(item.get("phase", ""))
        if phase and phase not in rank:
            found.error(item.at("phase"), f"prompt '{prompt_id}' has unknown phase '{phase}'")
        variants = {key: text for key in VARIANTS if (text := found.text(item, key, f"prompt '{prompt_id}'"))}
        for key, text in variants.items():
            names = placeholders(text)
            if key.endswith("_name"):
                twin = key.removesuffix("_name")
                if twin not in variants:
                    found.error(item.at(key), f"prompt '{prompt_id}': '{key}' needs its twin without a name, '{twin}'")
                if names != {"name"}:
                    found.error(item.at(key), f"prompt '{prompt_id}': '{key}' must use {{name}} (and nothing else)")
            elif names:
                found.error(item.at(key), f"prompt '{prompt_id}': '{key}' uses {', '.join(sorted(names))}; only a "
                                          "'_name' variant may use {name}")
        if prompt_id and "text" in variants and phase in rank:
            prompts.append(Prompt(prompt_id, phase, variants, item.where))
    for before, after in zip(prompts, prompts[1:], strict=False):
        if rank[after.phase] < rank[before.phase]:
            found.error(after.where, f"prompt '{after.id}' (phase '{after.phase}') comes after a prompt of a later "
                                     f"phase: prompts follow the phases in order")
    for each in phases:
        if not any(p.phase == each.id for p in prompts):
            found.error(each.where, f"phase '{each.id}' has no prompt")
    if prompts and not PROMPTS_MIN <= len(prompts) <= PROMPTS_MAX:
        found.warn(data.at("prompts"), f"the course has {len(prompts)} prompts; aim for {PROMPTS_MIN} to "
                                       f"{PROMPTS_MAX}")
    return tuple(prompts)


def _read_sources(found: _Problems, data: YDict) -> dict[str, WritingSource]:
    sources: dict[str, WritingSource] = {}
    seen: dict[str, Where] = {}
    allowed = {"id": True, "authors": True, "year": True, "title": False, "published_in": True, "doi": False,
               "url": False, "note": False}
    for item in found.mappings(data, "sources", "this file"):
        found.keys(item, allowed, "a source")
        source_id = found.ident(item, "a source", seen)
        if source_id is None:
            continue
        year = item.get("year")
        if not isinstance(year, int):
            found.error(item.at("year"), f"source '{source_id}': 'year' must be a number")
        sources[source_id] = WritingSource(
            source_id, found.text(item, "authors", "a source") or "", year if isinstance(year, int) else None,
            found.text(item, "title", "a source") or "", found.text(item, "published_in", "a source") or "",
            found.text(item, "doi", "a source"), item.where,
        )
    return sources


def _voice(course: WritingCourse, rules: StyleRules | None = None) -> list[Problem]:
    """HTML, the tone guide's "Never say", emotional words and length, on every text people read."""
    rules = rules or load_style_rules()
    spoken: list[tuple[Where, str, str]] = []
    for key, texts in course.texts.items():
        spoken += [(course.places[key], f"'{key}'", text) for text in texts]
    spoken += [(course.places.get(f"label_{k}", Where(FILE, 0)), f"label '{k}'", v) for k, v in course.labels.items()]
    for phase in course.phases:
        spoken += [(phase.where, f"phase '{phase.id}'", phase.title), (phase.where, f"phase '{phase.id}'", phase.intro)]
    for prompt in course.prompts:
        spoken += [(prompt.where, f"prompt '{prompt.id}' ({key})", text) for key, text in prompt.variants.items()]
    problems: list[Problem] = []
    for where, label, text in spoken:
        problems += [Problem(where, f"{label}: {issue}") for issue in html_problems(text)]
        for group, severity in (("never_say", "error"), ("emotional_words", "warning")):
            for rule, hit in rule_hits(rules, group, text):
                problems.append(Problem(where, f"{label}: '{hit}' ({rule.group}, rule at {rule.where}): "
                                               f"{rule.reason}", severity))  # type: ignore[arg-type]
        length = len(plain(text))
        if length > rules.error_chars:
            problems.append(Problem(where, f"{label} is {length} characters (at most {rules.error_chars})"))
        elif length > rules.warn_chars:
            problems.append(Problem(where, f"{label} is {length} characters: aim for {rules.warn_chars}", "warning"))
    return problems


def writing_problems(root: Path) -> list[Problem]:
    """Problems in content/writing.yaml, for ``--check`` and start-up."""
    return load_writing(root)[1]
