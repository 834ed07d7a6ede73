"""Who Feather is talking to, for this reply: what the message told (and what was kept with a yes),
where that takes a partner, the story reply for the loss's stage, and each node's text for them.

Nothing here is stored: what a message says is used for its own reply; only what the person
asked to be remembered (``Incoming.kept``) carries over, plus the conversation's last topic.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from bot.content.model import Content, Flow, Node
from bot.engine.turn import Turn
from bot.understanding import About, AboutReader
from bot.understanding.fit import Person, pick, variant_fits
from bot.understanding.keep import Kept
from bot.understanding.story import mirror, stage


@dataclass(frozen=True)
class Heard:
    """This turn's reading: the message's own ``about`` and the person the reply is for."""

    about: About
    person: Person


NOTHING = Heard(About(), Person())


def node_text(node: Node, person: Person, rotation: int) -> str:
    """The most specific variant that fits the person, else the node's own texts."""
    fitting = [v for v in node.variants if variant_fits(v.roles, v.stages, person)]
    fitting.sort(key=lambda v: -(bool(v.roles) + bool(v.stages)))  # stable: file order otherwise
    for variant in fitting:
        text = pick(variant.texts, person, rotation)
        if text is not None:
            return text
    return pick(node.texts, person, rotation) or ""


class Fitting:
    """Built once from the content and the reader (None: content without understanding.yaml)."""

    def __init__(self, content: Content, reader: AboutReader | None) -> None:
        self.content = content
        self.reader = reader
        words = reader.words if reader else None
        self.limits = dict(words.stages) if words else {}
        self.routes = dict(words.routes) if words else {}
        self.story = words.story if words else None

    # -- reading ---------------------------------------------------------------------------
    def hear(self, turn: Turn, text: str | None) -> Heard:
        """The message's reading, and the person: the message first, then what was kept."""
        if self.reader is None:
            return NOTHING
        about = self.reader.read(text) if text else About()
        kept = turn.incoming.kept or Kept()
        today = turn.incoming.now.date()
        known = kept.about(today)
        since = _since(about, today)
        merged = About(
            kind=about.kind or known.kind, weeks=about.weeks,
            since_days=since if since is not None else known.since_days,
            names=about.names or known.names, twins=about.twins, role=about.role or known.role)
        role = merged.role or next(  # the conversation is already in a role's own flow
            (r for r, route in self.routes.items() if route.flow == turn.state.last_topic), None)
        return Heard(about, Person(role, stage(merged, self.limits) if self.limits else None,
                                   merged.name))

    # -- where a role's conversation goes --------------------------------------------------------
    def route(self, turn: Turn, heard: Heard, topic: str | None, text: str) -> tuple[Flow, Node] | None:
        """The role's own flow instead of ``topic`` (None: no change): a partner's feelings go to
        the partner's flow, and "how can I help her" to the flow for their role."""
        route = self.routes.get(heard.person.role or "")
        if route is None or self.reader is None:
            return None
        if self.reader.asks_how_to_help(text):
            return self._target(route.help_goes_to[0])
        if topic and topic in route.topics:
            return self._target(route.topics[topic][0])
        return None

    def role_flow(self, role: str | None) -> str | None:
        """The flow a role's conversation continues in (the matcher's context for follow-ups)."""
        route = self.routes.get(role or "")
        return route.flow if route else None

    def story_flow(self, topic: str | None, heard: Heard, text: str) -> Flow | None:
        """The story flow when the message tells a loss: matched to it, or matched to a general
        topic ("I had a miscarriage" is someone's story, not a question about how common it is)."""
        if self.story is None or self.reader is None:
            return None
        flow = self.content.flows.get(self.story.flow)
        if flow is None or topic is None:
            return None
        if topic == flow.topic:
            return flow
        about = heard.about
        told = about.kind or about.weeks is not None or about.since_days is not None or about.names
        if topic in self.story.instead_of and told and not self.reader.asks(text):
            return flow
        return None

    def asks_without_telling(self, topic: str | None, heard: Heard, text: str) -> bool:
        """Matched to the story flow, but a question that tells no loss ("can I still get pregnant
        with one tube?"): not a story, so the next best topic answers it."""
        if self.story is None or self.reader is None or topic is None:
            return False
        flow = self.content.flows.get(self.story.flow)
        about = heard.about
        told = about.kind or about.weeks is not None or about.since_days is not None or about.names
        return flow is not None and topic == flow.topic and not told and self.reader.asks(text)

    @staticmethod
    def mirrors(heard: Heard) -> bool:
        """Whether the message said something to mirror back: a name, how far along, when."""
        about = heard.about
        return bool(about.names or about.weeks is not None or about.since_days is not None
                    or about.year is not None)

    def _target(self, goto: str) -> tuple[Flow, Node] | None:
        flow_id, _, node_id = goto.partition("/")
        flow = self.content.flows.get(flow_id)
        node = (flow.node(node_id) if node_id else flow.start) if flow else None
        return (flow, node) if flow and node else None

    # -- the story reply -----------------------------------------------------------------------
    def story_node(self, flow: Flow, heard: Heard, today: date) -> tuple[Node, str | None]:
        """The node for the loss's stage and the mirror line, from this message only (a kept name
        belongs to the loss they told before, maybe not to this one); with nothing to mirror,
        the flow's first node and its own condolence."""
        about = heard.about
        if self.story is None or not self.mirrors(heard):
            return flow.start, None
        at = stage(replace(about, since_days=_since(about, today)), self.limits)
        node_id = self.story.nodes[at][0]
        if about.twins and self.story.twins_node and at != "long_ago":
            node_id = self.story.twins_node[0]
        return flow.node(node_id) or flow.start, node_id

    def mirror(self, turn: Turn, about: About) -> str:
        return mirror(about, lambda key: turn.words.text(key, turn.state.turn))

    def keepable(self, heard: Heard, today: date) -> Kept:
        return Kept.from_about(heard.about, today)


def _since(about: About, today: date) -> int | None:
    """Days since the loss: as told, else from a year told ("in 1989": counted from its middle)."""
    if about.since_days is not None:
        return about.since_days
    if about.year is not None and about.year < today.year:
        return (today - date(about.year, 7, 1)).days
    return None
