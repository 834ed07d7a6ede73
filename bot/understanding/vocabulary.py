"""The words of content/understanding.yaml, read with a file:line problem for every mistake."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content.model import ROLES, STAGES
from bot.content.problems import Problem
from bot.content.yamlsrc import Where, YamlError, YDict, YList, load_yaml

KINDS = ("tfmr", "molar", "ectopic", "chemical", "neonatal", "stillbirth", "miscarriage")
STAGE_KEYS = ("recent_days", "later_weeks", "later_until_days", "long_ago_days")
ROLE_PARTS = ("self", "people", "anywhere")
NAME_PARTS = ("named", "called", "name_is", "baby_words", "relation_words", "after", "loss_words",
              "living", "not_names", "negations")

_LISTS = ("ago_words", "been_words", "week_words", "not_weeks_before", "not_weeks_after", "never_weeks_after",
          "sure_weeks_before", "months",
          "weekdays", "twins", "not_twins", "other_people", "loss_verbs", "loss_objects",
          "event_words", "fear_words")
_NUMBER_MAPS = ("numbers", "approximate_numbers", "units", "moments", "month_abbreviations",
                "stages")
_TOP_KEYS = {"last_reviewed", "kinds", "roles", "names", "contractions", "routes", "help_words", "story",
             *_LISTS,
             *_NUMBER_MAPS}
_ROUTE_KEYS = ("flow", "help_goes_to", "topics", "never_say")


@dataclass(frozen=True)
class Vocabulary:
    """Everything the reader needs, as plain lowercase phrases (see content/understanding.yaml)."""

    kinds: dict[str, tuple[str, ...]]
    numbers: dict[str, float]
    approximate_numbers: dict[str, float]
    units: dict[str, float]
    stages: dict[str, float]
    moments: dict[str, float]
    ago_words: tuple[str, ...]
    been_words: tuple[str, ...]
    week_words: tuple[str, ...]
    not_weeks_before: tuple[str, ...]
    not_weeks_after: tuple[str, ...]
    never_weeks_after: tuple[str, ...]
    sure_weeks_before: tuple[str, ...]
    months: dict[str, int]
    weekdays: tuple[str, ...]
    twins: tuple[str, ...]
    not_twins: tuple[str, ...]
    event_words: tuple[str, ...]
    fear_words: tuple[str, ...]
    roles: dict[str, dict[str, tuple[str, ...]]]
    body_kinds: tuple[str, ...]
    other_people: tuple[str, ...]
    loss_verbs: tuple[str, ...]
    loss_objects: tuple[str, ...]
    names: dict[str, tuple[str, ...]]
    contractions: dict[str, str] = field(default_factory=dict)
    routes: dict[str, RoleRoutes] = field(default_factory=dict)
    help_words: tuple[str, ...] = ()
    story: StoryNodes | None = None


@dataclass(frozen=True)
class StoryNodes:
    """The story flow, its node for each stage (checked by --check against the flows), the
    general topics a told loss is taken from, and the words that open a question."""

    flow: str
    nodes: dict[str, tuple[str, Where]]
    where: Where
    instead_of: tuple[str, ...] = ()
    question_words: tuple[str, ...] = ()
    twins_node: tuple[str, Where] | None = None


@dataclass(frozen=True)
class RoleRoutes:
    """Where a role's conversation goes (targets are "flow" or "flow/node", checked by --check)."""

    flow: str
    help_goes_to: tuple[str, Where]
    topics: dict[str, tuple[str, Where]]
    never_say: tuple[str, ...]


@dataclass
class _Problems:
    file: str
    found: list[Problem] = field(default_factory=list)

    def error(self, where: Where, message: str) -> None:
        self.found.append(Problem(where, message))


def _phrases(p: _Problems, data: YDict, key: str, what: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, YList):
        p.error(data.at(key), f"'{key}' in {what} must be a list of words or phrases")
        return ()
    out: list[str] = []
    for index, item in enumerate(value):
        if isinstance(item, bool):
            p.error(value.at(index), f"an item of '{key}' in {what} reads as {str(item).lower()}: "
                                     "put words like on, off, yes, no in quotes")
            continue
        if isinstance(item, (YDict, YList)) or item is None or not str(item).strip():
            p.error(value.at(index), f"each item of '{key}' in {what} must be a word or phrase")
            continue
        out.append(" ".join(str(item).lower().split()))
    return tuple(out)


def _numbers(p: _Problems, data: YDict, key: str) -> dict[str, float]:
    value = data.get(key)
    if not isinstance(value, YDict):
        p.error(data.at(key), f"'{key}' must be a mapping of phrase: number")
        return {}
    out: dict[str, float] = {}
    for phrase, number in value.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)) or number < 0:
            p.error(value.at(phrase), f"'{phrase}' in '{key}' needs a number of 0 or more")
            continue
        out[" ".join(str(phrase).lower().split())] = float(number)
    return out


def _sub(p: _Problems, data: Any, key: str, where: Where, parts: tuple[str, ...],
         required: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    if not isinstance(data, YDict):
        p.error(where, f"'{key}' must be a mapping with {', '.join(parts)}")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for part in data:
        if part not in parts:
            p.error(data.at(part), f"unknown key '{part}' in '{key}' (allowed: {', '.join(parts)})")
    for part in parts:
        if part in data:
            out[part] = _phrases(p, data, part, f"'{key}'")
        elif part in required:
            p.error(data.where, f"'{key}' needs '{part}'")
    return out


def read_vocabulary(path: Path, display_name: str | None = None) -> tuple[Vocabulary | None, list[Problem]]:
    """Read ``path``; the words, or None when it has errors, and every problem with file:line."""
    name = display_name or path.name
    p = _Problems(name)
    if not path.exists():
        return None, [Problem(Where(name, 1), "file is missing")]
    try:
        data = load_yaml(path, name)
    except YamlError as exc:
        return None, [Problem(exc.where, exc.message)]
    if not isinstance(data, YDict):
        return None, [Problem(Where(name, 1), "the file must be a mapping at the top level")]
    for key in data:
        if key not in _TOP_KEYS:
            p.error(data.at(key), f"unknown key '{key}' (allowed: {', '.join(sorted(_TOP_KEYS))})")
    for key in sorted(_TOP_KEYS):
        if key not in data:
            p.error(data.where, f"{name} needs '{key}'")
    if p.found:
        return None, p.found

    kinds_data = data["kinds"]
    kinds: dict[str, tuple[str, ...]] = {}
    if isinstance(kinds_data, YDict):
        for kind in kinds_data:
            if kind not in KINDS:
                p.error(kinds_data.at(kind), f"unknown kind '{kind}' (known: {', '.join(KINDS)})")
            else:
                kinds[kind] = _phrases(p, kinds_data, kind, "'kinds'")
        for kind in KINDS:
            if kind not in kinds_data:
                p.error(kinds_data.where, f"'kinds' needs '{kind}'")
    else:
        p.error(data.at("kinds"), "'kinds' must be a mapping of kind: phrases")

    roles_data = data["roles"]
    roles: dict[str, dict[str, tuple[str, ...]]] = {}
    body_kinds: tuple[str, ...] = ()
    if isinstance(roles_data, YDict):
        for role in roles_data:
            if role == "body_kinds":
                body_kinds = _phrases(p, roles_data, role, "'roles'")
                for index, kind in enumerate(body_kinds):
                    if kind not in KINDS:
                        p.error(roles_data[role].at(index), f"'{kind}' is not a kind")
            elif role not in ROLES:
                p.error(roles_data.at(role), f"unknown role '{role}' (known: {', '.join(ROLES)})")
            else:
                roles[role] = _sub(p, roles_data[role], role, roles_data.at(role), ROLE_PARTS,
                                   ("anywhere",))
        for role in ROLES:
            if role not in roles_data:
                p.error(roles_data.where, f"'roles' needs '{role}'")
    else:
        p.error(data.at("roles"), "'roles' must be a mapping of role: words")

    names = _sub(p, data["names"], "names", data.at("names"), NAME_PARTS, NAME_PARTS)
    numbers = {key: _numbers(p, data, key) for key in _NUMBER_MAPS}
    lists = {key: _phrases(p, data, key, name) for key in _LISTS}
    contractions_data = data["contractions"]
    contractions: dict[str, str] = {}
    if isinstance(contractions_data, YDict):
        contractions = {str(k).lower(): str(v).lower() for k, v in contractions_data.items()}
    else:
        p.error(data.at("contractions"), "'contractions' must be a mapping of word: replacement")
    months = {month: index + 1 for index, month in enumerate(lists["months"])}
    if len(months) != 12:
        p.error(data.at("months"), "'months' must list the twelve months in order")
    months.update({k: int(v) for k, v in numbers["month_abbreviations"].items()})
    for stage in STAGE_KEYS:
        if stage not in numbers["stages"]:
            p.error(data.at("stages"), f"'stages' needs '{stage}'")
    routes = _routes(p, data["routes"], data.at("routes"))
    help_words = _phrases(p, data, "help_words", name)
    story = _story(p, data["story"], data.at("story"))
    if p.found:
        return None, p.found
    words = Vocabulary(
        kinds=kinds, numbers=numbers["numbers"], approximate_numbers=numbers["approximate_numbers"],
        units=numbers["units"], moments=numbers["moments"], stages=numbers["stages"],
        ago_words=lists["ago_words"], been_words=lists["been_words"], week_words=lists["week_words"],
        not_weeks_before=lists["not_weeks_before"], not_weeks_after=lists["not_weeks_after"],
        never_weeks_after=lists["never_weeks_after"], sure_weeks_before=lists["sure_weeks_before"],
        months=months, weekdays=lists["weekdays"], twins=lists["twins"], not_twins=lists["not_twins"],
        event_words=lists["event_words"], fear_words=lists["fear_words"], roles=roles,
        body_kinds=body_kinds, other_people=lists["other_people"], loss_verbs=lists["loss_verbs"],
        loss_objects=lists["loss_objects"], names=names, contractions=contractions, routes=routes,
        help_words=help_words, story=story,
    )
    return words, []


def _routes(p: _Problems, data: Any, where: Where) -> dict[str, RoleRoutes]:
    if not isinstance(data, YDict):
        p.error(where, "'routes' must be a mapping of role: flow, help_goes_to (topics, never_say)")
        return {}
    out: dict[str, RoleRoutes] = {}
    for role, item in data.items():
        if role not in ROLES:
            p.error(data.at(role), f"unknown role '{role}' (known: {', '.join(ROLES)})")
            continue
        if not isinstance(item, YDict) or "flow" not in item or "help_goes_to" not in item:
            p.error(data.at(role), f"the route of '{role}' needs 'flow' and 'help_goes_to'")
            continue
        for key in item:
            if key not in _ROUTE_KEYS:
                allowed = ", ".join(_ROUTE_KEYS)
                p.error(item.at(key), f"unknown key '{key}' in the route of '{role}' (allowed: {allowed})")
        topics = item.get("topics") or YDict()
        if not isinstance(topics, YDict):
            p.error(item.at("topics"), "'topics' must be a mapping of topic: flow or flow/node")
            continue
        topic_where = getattr(topics, "key_where", {})
        out[str(role)] = RoleRoutes(
            flow=str(item["flow"]), help_goes_to=(str(item["help_goes_to"]), item.at("help_goes_to")),
            topics={str(k): (str(v), topic_where.get(k, item.at("topics"))) for k, v in topics.items()},
            never_say=_phrases(p, item, "never_say", f"the route of '{role}'") if "never_say" in item else ())
    return out


def _story(p: _Problems, data: Any, where: Where) -> StoryNodes | None:
    if not isinstance(data, YDict) or not isinstance(data.get("nodes"), YDict) or "flow" not in data:
        p.error(where, "'story' needs 'flow' and 'nodes' (a node id for each of "
                       + ", ".join(STAGES) + ")")
        return None
    nodes = data["nodes"]
    for stage in nodes:
        if stage not in STAGES:
            p.error(nodes.at(stage), f"unknown stage '{stage}' (known: {', '.join(STAGES)})")
    for stage in STAGES:
        if stage not in nodes:
            p.error(nodes.where, f"'nodes' needs '{stage}'")
    instead = _phrases(p, data, "instead_of", "'story'") if "instead_of" in data else ()
    questions = _phrases(p, data, "question_words", "'story'") if "question_words" in data else ()
    twins = (str(data["twins_node"]), data.at("twins_node")) if "twins_node" in data else None
    return StoryNodes(str(data["flow"]), {str(k): (str(v), nodes.at(k)) for k, v in nodes.items()},
                      data.at("flow"), instead, questions, twins)
