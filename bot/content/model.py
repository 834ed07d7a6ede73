"""The content as typed, immutable data: what the loader builds and every other module reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.content.yamlsrc import Where

TOPICS: tuple[str, ...] = (
    "mc_what", "mc_after_loss", "mc_duration", "mc_where", "mc_effects", "mc_meaning",
    "mc_other_sources", "mc_evidence", "loss_fault", "loss_common", "loss_types", "loss_physical",
    "loss_medical_urgent", "loss_ttc", "loss_recurrent", "loss_story", "grief_feelings",
    "grief_partner", "grief_others", "grief_dates", "grief_validation", "grief_supporting", "remember_ideas",
    "remember_tattoo", "remember_keepsake", "remember_name", "resources", "daily_reflection",
    "about_bot", "greeting", "thanks", "goodbye", "help_called",
)
"""Every topic the matcher knows. Each must be the topic of at least one flow."""

SPECIAL_TARGETS: tuple[str, ...] = ("menu", "daily", "country", "support", "write")
"""Button targets that are not flows: handled by the engine itself."""


@dataclass(frozen=True)
class Example:
    text: str
    where: Where


@dataclass(frozen=True)
class ButtonSpec:
    """A button as written in YAML: a label and where it leads."""

    label: str
    goto: str
    where: Where


ROLES: tuple[str, ...] = ("partner", "relative", "friend", "carried")
"""Who is writing: a variant's ``roles`` (bot/understanding reads them from a message)."""

STAGES: tuple[str, ...] = ("recent", "later", "long_ago", "unknown")
"""How long ago and how late the loss was: a variant's ``stages``."""

NAME_SLOT = "{name}"
"""The one placeholder a node's text may use: the baby's name, when known."""


@dataclass(frozen=True)
class Variant:
    """Texts for some roles and/or stages (empty: any); see docs/content-format.md."""

    roles: tuple[str, ...]
    stages: tuple[str, ...]
    texts: tuple[str, ...]
    where: Where


@dataclass(frozen=True)
class Node:
    id: str
    texts: tuple[str, ...]
    buttons: tuple[ButtonSpec, ...]
    sources: tuple[str, ...]
    where: Where
    variants: tuple[Variant, ...] = ()


@dataclass(frozen=True)
class Flow:
    id: str
    topic: str
    title: str
    examples: tuple[Example, ...]
    nodes: tuple[Node, ...]
    where: Where

    @property
    def start(self) -> Node:
        return self.nodes[0]

    def node(self, node_id: str) -> Node | None:
        return next((node for node in self.nodes if node.id == node_id), None)


@dataclass(frozen=True)
class Source:
    id: str
    authors: str
    year: int | None
    title: str
    published_in: str
    doi: str | None
    url: str | None
    where: Where

    def short(self) -> str:
        """One line people see: authors, year, where published, DOI or link.

        The title is not shown: for many works the fact sheet records no title, and a title we
        wrote ourselves would read as the authors' own words.
        """
        year = f" ({self.year})" if self.year else ""
        doi = f"doi:{self.doi}" if self.doi else ""
        link = doi or self.url or ""
        venue = f" {self.published_in}." if self.published_in else ""
        return f"{self.authors}{year}.{venue} {link}".strip()


@dataclass(frozen=True)
class Service:
    """A helpline or charity in one country."""

    id: str
    name: str
    offers: str
    crisis: bool
    medical: bool
    phone: str | None
    text: str | None
    email: str | None
    hours: str | None
    website: str | None
    mark: str
    note: str | None
    source: str
    verified_on: str
    where: Where


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    aliases: tuple[str, ...]
    timezone: str
    emergency: str | None
    urgent_medical: str
    services: tuple[Service, ...]
    where: Where

    @property
    def crisis_services(self) -> tuple[Service, ...]:
        return tuple(s for s in self.services if s.crisis)

    @property
    def support_services(self) -> tuple[Service, ...]:
        return tuple(s for s in self.services if not s.crisis)


@dataclass(frozen=True)
class Reflection:
    id: str
    text: str
    prompt: str | None
    where: Where


@dataclass(frozen=True)
class MenuTheme:
    id: str
    label: str
    flows: tuple[str, ...]
    where: Where


@dataclass(frozen=True)
class Content:
    """Everything loaded from ``dialogs/`` and ``content/``."""

    flows: dict[str, Flow]
    sources: dict[str, Source]
    countries: dict[str, Country]
    reflections: tuple[Reflection, ...]
    special_reflections: dict[str, str]
    menu: tuple[MenuTheme, ...]
    messages: dict[str, tuple[str, ...]]
    lexicon_sections: dict[str, dict[str, str]] = field(default_factory=dict)
    out_of_scope: tuple[str, ...] = ()
    """Everyday messages that are not Feather's to answer (content/out_of_scope.yaml)."""

    def flows_for(self, topic: str) -> list[Flow]:
        return [flow for flow in self.flows.values() if flow.topic == topic]

    def main_flow(self, topic: str) -> Flow | None:
        """The flow a matched topic opens: the one whose id is the topic, else the first."""
        return self.flows.get(topic) or next(iter(self.flows_for(topic)), None)

    def text(self, key: str) -> str:
        """The first variant of a message from ``content/messages.yaml``."""
        return self.messages[key][0]

    def resolve_goto(self, flow: Flow, goto: str) -> tuple[str, str] | None:
        """Where a button of ``flow`` leads: (flow id, node id); ("", target) for a special
        target; None when it leads nowhere. One rule for the engine, the checks and the map."""
        if goto in SPECIAL_TARGETS:
            return ("", goto)
        if flow.node(goto):
            return (flow.id, goto)
        flow_id, _, node_id = goto.partition("/")
        other = self.flows.get(flow_id)
        if other is None:
            return None
        if not node_id:
            return (other.id, other.start.id)
        return (other.id, node_id) if other.node(node_id) else None
