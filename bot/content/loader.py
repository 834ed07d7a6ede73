"""Read ``dialogs/*.yaml`` and ``content/*.yaml`` into :class:`Content`, collecting every problem.

The loader never stops at the first mistake: it records each one with file and line and keeps
going, so an editor sees all of them in one ``--check`` run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.content.model import (
    ROLES,
    STAGES,
    ButtonSpec,
    Content,
    Country,
    Example,
    Flow,
    MenuTheme,
    Node,
    Reflection,
    Service,
    Source,
    Variant,
)
from bot.content.problems import Problem
from bot.content.yamlsrc import Where, YamlError, YDict, YList, load_yaml
from bot.text.normalise import symbol_key

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class _Reader:
    """Shared state of one load: the root (for short file names) and the problems found."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    reviewed: dict[str, tuple[str, Where]] = field(default_factory=dict)

    def error(self, where: Where, message: str) -> None:
        self.problems.append(Problem(where, message, "error"))

    def warn(self, where: Where, message: str) -> None:
        self.problems.append(Problem(where, message, "warning"))

    def load(self, path: Path, top_keys: dict[str, bool]) -> YDict | None:
        """Parse one file whose top level is a mapping with ``top_keys`` (name -> required)."""
        name = path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)
        if not path.exists():
            self.error(Where(name, 1), "file is missing")
            return None
        try:
            data = load_yaml(path, name)
        except YamlError as exc:
            self.error(exc.where, exc.message)
            return None
        if not isinstance(data, YDict):
            self.error(Where(name, 1), "the file must be a mapping (key: value) at the top level")
            return None
        self.keys(data, top_keys, "this file")
        if "last_reviewed" in data:
            self.reviewed[name] = (str(data["last_reviewed"]), data.at("last_reviewed"))
        return data

    def keys(self, data: YDict, allowed: dict[str, bool], what: str) -> bool:
        """Report unknown and missing keys; True when every required key is there."""
        complete = True
        for key in data:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                self.error(data.at(key), f"unknown key '{key}' in {what} (allowed: {hint})")
        for key, required in allowed.items():
            if required and key not in data:
                self.error(data.where, f"{what} needs '{key}'")
                complete = False
        return complete

    def text(self, data: YDict, key: str, what: str, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(data.at(key), f"{what} needs a text for '{key}'")
            return None
        if isinstance(value, (YDict, YList)):
            self.error(data.at(key), f"'{key}' of {what} must be plain text")
            return None
        return str(value).strip()

    def mapping_items(self, data: YDict, key: str, what: str) -> list[tuple[YDict, Where]]:
        """The mappings listed under ``key``; anything else is reported."""
        items = data.get(key)
        if items is None:
            return []
        if not isinstance(items, YList):
            self.error(data.at(key), f"'{key}' must be a list")
            return []
        result: list[tuple[YDict, Where]] = []
        for index, item in enumerate(items):
            if isinstance(item, YDict):
                result.append((item, items.at(index)))
            else:
                self.error(items.at(index), f"each entry of '{key}' in {what} must be a mapping")
        return result

    def text_list(self, data: YDict, key: str, what: str) -> list[tuple[str, Where]]:
        """A text or a list of texts (variants, examples), each with its line."""
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, YList):
            out = []
            for index, item in enumerate(value):
                if isinstance(item, (YDict, YList)) or item is None:
                    self.error(value.at(index), f"each item of '{key}' in {what} must be text")
                else:
                    out.append((str(item).strip(), value.at(index)))
            return out
        if isinstance(value, YDict):
            self.error(data.at(key), f"'{key}' of {what} must be text or a list of texts")
            return []
        return [(str(value).strip(), data.at(key))]

    def ident(self, data: YDict, what: str) -> str | None:
        value = data.get("id")
        if value is None:
            self.error(data.where, f"{what} needs an 'id'")
            return None
        text = str(value)
        if not ID_PATTERN.match(text):
            self.error(data.at("id"), f"id '{text}' must be lowercase letters, digits and _")
        return text


_FLOW_KEYS = {"id": True, "topic": True, "title": True, "examples": True, "nodes": True}
_NODE_KEYS = {"id": True, "text": True, "buttons": False, "sources": False, "variants": False}
_VARIANT_KEYS = {"roles": False, "stages": False, "text": True}
_BUTTON_KEYS = {"label": True, "goto": True}


def _read_flow(r: _Reader, data: YDict, where: Where) -> Flow | None:
    flow_id = r.ident(data, "a flow")
    r.keys(data, _FLOW_KEYS, f"flow '{flow_id}'")
    title = r.text(data, "title", f"flow '{flow_id}'") or ""
    topic = r.text(data, "topic", f"flow '{flow_id}'") or ""
    examples = tuple(Example(t, w) for t, w in r.text_list(data, "examples", f"flow '{flow_id}'"))
    nodes: list[Node] = []
    for node_data, node_where in r.mapping_items(data, "nodes", f"flow '{flow_id}'"):
        node = _read_node(r, node_data, node_where, flow_id or "?")
        if node:
            nodes.append(node)
    if not nodes:
        r.error(data.at("nodes"), f"flow '{flow_id}' needs at least one node")
    if flow_id is None or not nodes:
        return None
    return Flow(flow_id, topic, title, examples, tuple(nodes), where)


def _read_node(r: _Reader, data: YDict, where: Where, flow_id: str) -> Node | None:
    node_id = r.ident(data, f"a node of flow '{flow_id}'")
    what = f"node '{flow_id}/{node_id}'"
    r.keys(data, _NODE_KEYS, what)
    texts = tuple(t for t, w in r.text_list(data, "text", what))
    if "text" in data and not any(texts):
        r.error(data.at("text"), f"{what} has an empty text")
    buttons = []
    for button, button_where in r.mapping_items(data, "buttons", what):
        if r.keys(button, _BUTTON_KEYS, f"a button of {what}"):
            label = r.text(button, "label", "a button") or ""
            goto = r.text(button, "goto", "a button") or ""
            buttons.append(ButtonSpec(label, goto, button_where))
    sources = tuple(t for t, _ in r.text_list(data, "sources", what))
    variants = tuple(v for item, at in r.mapping_items(data, "variants", what)
                     if (v := _read_variant(r, item, at, what)) is not None)
    if node_id is None:
        return None
    return Node(node_id, texts, tuple(buttons), sources, where, variants)


def _read_variant(r: _Reader, data: YDict, where: Where, node: str) -> Variant | None:
    """``roles`` and/or ``stages`` (known ids) and their own ``text``."""
    what = f"a variant of {node}"
    if not r.keys(data, _VARIANT_KEYS, what):
        return None
    conditions: dict[str, tuple[str, ...]] = {}
    for key, known in (("roles", ROLES), ("stages", STAGES)):
        values = tuple(t for t, _ in r.text_list(data, key, what))
        for value in values:
            if value not in known:
                r.error(data.at(key), f"unknown {key[:-1]} '{value}' in {what} (known: {', '.join(known)})")
        conditions[key] = values
    if not conditions["roles"] and not conditions["stages"]:
        r.error(where, f"{what} needs 'roles' or 'stages' (without them it is the node's own text)")
    texts = tuple(t for t, _ in r.text_list(data, "text", what))
    if not any(texts):
        r.error(data.at("text"), f"{what} has an empty text")
        return None
    return Variant(conditions["roles"], conditions["stages"], texts, where)


def _load_dialogs(r: _Reader, folder: Path) -> dict[str, Flow]:
    flows: dict[str, Flow] = {}
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not files:
        r.error(Where(folder.name + "/", 1), "no dialog files (*.yaml) found")
    for path in files:
        data = r.load(path, {"last_reviewed": True, "flows": True})
        if data is None:
            continue
        for flow_data, where in r.mapping_items(data, "flows", path.name):
            flow = _read_flow(r, flow_data, where)
            if flow is None:
                continue
            if flow.id in flows:
                r.error(where, f"flow id '{flow.id}' is already used at {flows[flow.id].where}")
                continue
            flows[flow.id] = flow
    return flows


def _load_sources(r: _Reader, path: Path) -> dict[str, Source]:
    data = r.load(path, {"last_reviewed": True, "sources": True})
    sources: dict[str, Source] = {}
    if data is None:
        return sources
    allowed = {"id": True, "authors": True, "year": False, "title": True, "published_in": False,
               "doi": False, "url": False, "note": False}
    for item, where in r.mapping_items(data, "sources", "sources.yaml"):
        source_id = r.ident(item, "a source")
        r.keys(item, allowed, f"source '{source_id}'")
        if source_id is None:
            continue
        if source_id in sources:
            r.error(where, f"source id '{source_id}' is already used at {sources[source_id].where}")
            continue
        if not item.get("doi") and not item.get("url"):
            r.error(where, f"source '{source_id}' needs a 'doi' or a 'url'")
        year = item.get("year")
        sources[source_id] = Source(
            source_id, r.text(item, "authors", "a source") or "",
            int(year) if isinstance(year, int) else None,
            r.text(item, "title", "a source") or "", r.text(item, "published_in", "", False) or "",
            r.text(item, "doi", "", False), r.text(item, "url", "", False), where,
        )
    return sources


_SERVICE_KEYS = {
    "id": True, "name": True, "offers": True, "crisis": True, "medical": False, "phone": False,
    "text": False, "email": False, "hours": False, "website": False, "mark": True, "note": False,
    "source": True, "verified_on": True,
}
_COUNTRY_KEYS = {
    "code": True, "name": True, "aliases": False, "timezone": True, "emergency": False,
    "emergency_note": False, "urgent_medical": True, "services": True,
}


def _load_resources(r: _Reader, path: Path) -> dict[str, Country]:
    data = r.load(path, {"last_reviewed": True, "countries": True})
    countries: dict[str, Country] = {}
    if data is None:
        return countries
    for item, where in r.mapping_items(data, "countries", "resources.yaml"):
        r.keys(item, _COUNTRY_KEYS, "a country")
        code = r.text(item, "code", "a country") or "?"
        if code in countries:
            r.error(where, f"country code '{code}' is already used at {countries[code].where}")
            continue
        services = []
        for service, service_where in r.mapping_items(item, "services", f"country {code}"):
            service_id = r.ident(service, "a service")
            r.keys(service, _SERVICE_KEYS, f"service '{service_id}'")
            services.append(Service(
                service_id or "?", r.text(service, "name", "a service") or "",
                r.text(service, "offers", "a service") or "", bool(service.get("crisis")),
                bool(service.get("medical")), r.text(service, "phone", "", False),
                r.text(service, "text", "", False), r.text(service, "email", "", False),
                r.text(service, "hours", "", False), r.text(service, "website", "", False),
                r.text(service, "mark", "a service") or "", r.text(service, "note", "", False),
                r.text(service, "source", "a service") or "",
                r.text(service, "verified_on", "a service") or "", service_where,
            ))
        aliases = tuple(a.casefold() for a, _ in r.text_list(item, "aliases", f"country {code}"))
        emergency = r.text(item, "emergency", "", False)
        note = r.text(item, "emergency_note", "", False)
        urgent = r.text(item, "urgent_medical", f"country {code}") or ""
        countries[code] = Country(
            code, r.text(item, "name", "a country") or code, aliases,
            r.text(item, "timezone", "a country") or "UTC", emergency,
            f"{urgent}\n\n{note}".strip() if note else urgent, tuple(services), where,
        )
    return countries


def _load_reflections(r: _Reader, path: Path) -> tuple[tuple[Reflection, ...], dict[str, str]]:
    data = r.load(path, {"last_reviewed": True, "reflections": True, "special": False})
    if data is None:
        return (), {}
    reflections: list[Reflection] = []
    seen: dict[str, Where] = {}
    for item, where in r.mapping_items(data, "reflections", "reflections.yaml"):
        reflection_id = r.ident(item, "a reflection")
        r.keys(item, {"id": True, "text": True, "prompt": False}, f"reflection '{reflection_id}'")
        if reflection_id is None:
            continue
        if reflection_id in seen:
            r.error(where, f"reflection id '{reflection_id}' is already used at {seen[reflection_id]}")
            continue
        seen[reflection_id] = where
        reflections.append(Reflection(
            reflection_id, r.text(item, "text", "a reflection") or "",
            r.text(item, "prompt", "", False), where,
        ))
    special: dict[str, str] = {}
    raw = data.get("special")
    if isinstance(raw, YDict):
        r.keys(raw, {"due_date": True, "loss_anniversary": True, "wave_of_light": True}, "special")
        special = {key: str(value).strip() for key, value in raw.items()}
    return tuple(reflections), special


def _load_menu(r: _Reader, path: Path) -> tuple[MenuTheme, ...]:
    data = r.load(path, {"last_reviewed": True, "themes": True})
    if data is None:
        return ()
    themes: list[MenuTheme] = []
    for item, where in r.mapping_items(data, "themes", "menu.yaml"):
        theme_id = r.ident(item, "a theme")
        r.keys(item, {"id": True, "label": True, "flows": True}, f"theme '{theme_id}'")
        flows = tuple(t for t, _ in r.text_list(item, "flows", f"theme '{theme_id}'"))
        if any(theme.id == theme_id for theme in themes):
            r.error(where, f"theme id '{theme_id}' is used twice")
            continue
        themes.append(MenuTheme(theme_id or "?", r.text(item, "label", "a theme") or "", flows, where))
    return tuple(themes)


def _load_messages(r: _Reader, path: Path) -> tuple[dict[str, tuple[str, ...]], dict[str, Where]]:
    data = r.load(path, {"last_reviewed": True, "messages": True})
    messages: dict[str, tuple[str, ...]] = {}
    places: dict[str, Where] = {}
    if data is None or not isinstance(data.get("messages"), YDict):
        return messages, places
    block: YDict = data["messages"]
    for key in block:
        texts = tuple(t for t, _ in r.text_list(block, key, f"message '{key}'"))
        if not texts or not all(texts):
            r.error(block.at(key), f"message '{key}' is empty")
        messages[str(key)] = texts
        places[str(key)] = block.at(key)
    return messages, places


def _load_lexicon(r: _Reader, path: Path) -> dict[str, dict[str, str]]:
    data = r.load(path, {"last_reviewed": True, "contractions": False, "abbreviations": False,
                         "spellings": False, "concepts": False, "emoji": False})
    if data is None:
        return {}
    sections = {}
    for key, value in data.items():
        if key == "last_reviewed":
            continue
        if not isinstance(value, YDict):
            r.error(data.at(key), f"'{key}' must be a mapping of word: replacement")
            continue
        sections[str(key)] = {str(k): str(v) for k, v in value.items()}
        if key == "emoji":
            for symbol in value:
                if symbol_key(str(symbol)) is None:
                    r.error(value.at(symbol), f"emoji '{symbol}' must be one symbol (an emoji), not a word")
    return sections


def _load_out_of_scope(r: _Reader, path: Path) -> tuple[str, ...]:
    data = r.load(path, {"last_reviewed": True, "examples": True})
    if data is None:
        return ()
    return tuple(text for text, _ in r.text_list(data, "examples", "out_of_scope.yaml") if text)


def check_review_dates(r: _Reader, today: date) -> None:
    for name, (value, where) in r.reviewed.items():
        try:
            reviewed = date.fromisoformat(value)
        except ValueError:
            r.error(where, f"last_reviewed '{value}' is not a date (YYYY-MM-DD)")
            continue
        if (today - reviewed).days > 365:
            r.warn(where, f"{name} was last reviewed on {value}, more than a year ago")


@dataclass(frozen=True)
class Loaded:
    """The content and every problem found while reading it, plus places for later checks."""

    content: Content
    problems: list[Problem]
    message_places: dict[str, Where]


def load_content(root: Path, today: date | None = None) -> Loaded:
    """Load ``root/dialogs`` and ``root/content``; structural problems only (see ``checks``)."""
    r = _Reader(root)
    flows = _load_dialogs(r, root / "dialogs")
    content_dir = root / "content"
    sources = _load_sources(r, content_dir / "sources.yaml")
    countries = _load_resources(r, content_dir / "resources.yaml")
    reflections, special = _load_reflections(r, content_dir / "reflections.yaml")
    menu = _load_menu(r, content_dir / "menu.yaml")
    messages, places = _load_messages(r, content_dir / "messages.yaml")
    lexicon = _load_lexicon(r, content_dir / "lexicon.yaml")
    out_of_scope = _load_out_of_scope(r, content_dir / "out_of_scope.yaml")
    check_review_dates(r, today or date.today())
    content = Content(flows, sources, countries, reflections, special, menu, messages, lexicon,
                      out_of_scope)
    return Loaded(content, r.problems, places)


