"""The conversation engine: state and input in, reply and new state out. No I/O, no Telegram.

A text is read in this order: safety (a crisis or urgent-medical message is answered before
anything else, whatever the person was in), commands, the pending question, features' own
phrases, "help", then the matcher (below its threshold Feather says it is not sure).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from html import escape

from bot.content.model import SPECIAL_TARGETS, Content, Flow, Node
from bot.engine import callbacks, watch
from bot.engine.countries import CountryFinder
from bot.engine.fitting import Fitting, Heard, node_text
from bot.engine.remembering import Remembering
from bot.engine.safety_replies import (
    PENDING_COUNTRY,
    checkin_reply,
    concern_reply,
    help_reply,
    past_message,
    safe_reply,
    safety_reply,
    watch_reply,
)
from bot.engine.support import support_messages
from bot.engine.turn import Feature, Turn
from bot.engine.types import Button, Effect, Incoming, OutMessage, Reply, UserState
from bot.engine.words import Words
from bot.matching import Matcher
from bot.safety import SafetyResult
from bot.safety.deferred import Assessor
from bot.text import Normaliser
from bot.understanding import AboutReader
from bot.understanding.fit import Person
from bot.understanding.keep import Kept

_COMMAND = re.compile(r"^/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.S)
_HELP_WORDS = frozenset({"help", "sos", "urgent", "help me", "emergency", "i need help"})
URGENT = ("crisis", "medical")
RISK_EVENTS = frozenset({"crisis_response_sent", "medical_response_sent", "checkin_sent"})
"""A reply with one of these was a safety reply: features hear of it (``Feature.on_risk``)."""

Handler = Callable[[Turn, str], Reply]
"""A command's (with its arguments) or a button verb's (with its argument) handler."""


class Engine:
    """Built once from content and its features; ``handle`` is deterministic for a state and input."""

    def __init__(self, content: Content, normaliser: Normaliser, matcher: Matcher,
                 safety: Assessor, features: Sequence[Feature] = (),
                 reader: AboutReader | None = None, remembering: Remembering | None = None) -> None:
        """``reader``: what a message says of the loss; ``remembering``: keeping it with a yes
        (a feature too: its command, buttons and question)."""
        self.content = content
        self.normaliser = normaliser
        self.matcher = matcher
        self.safety = safety
        self.features = tuple(features) + ((remembering,) if remembering else ())
        self.fitting = Fitting(content, reader)
        self.remembering = remembering
        self.words = Words(content)
        self.countries = CountryFinder(content, normaliser)
        self._commands: dict[str, Handler] = {
            "start": self._start,
            "menu": lambda turn, _: turn.menu_reply(),
            "help": lambda turn, _: help_reply(turn, with_commands=True),
            "about": lambda turn, _: self._page(turn, "about"),
            "privacy": lambda turn, _: self._page(turn, "privacy"),
            "country": lambda turn, _: self._ask_country(turn),
            "forget": self._forget_confirm,
            "mydata": lambda turn, _: turn.reply(effects=[Effect("show_my_data")]),
        }
        self._buttons: dict[str, Handler] = {
            callbacks.NODE: self._goto,
            callbacks.FLOW: self._goto,
            callbacks.SOURCES: self._sources,
            callbacks.MENU: lambda turn, _: turn.menu_reply(),
            callbacks.THEME: self._theme,
            callbacks.SPECIAL: self._special,
            callbacks.COUNTRY: self._set_country,
            callbacks.FORGET: self._forget,
            callbacks.SAFE: safe_reply,
        }
        self._specials: dict[str, Handler] = {
            "country": lambda turn, _: self._ask_country(turn),
            "support": lambda turn, _: turn.reply(*support_messages(turn)),
        }
        self._pending: dict[str, Callable[[Turn, str], Reply | None]] = {PENDING_COUNTRY: self._country_typed}
        for feature in self.features:
            for name in feature.commands:
                self._commands.setdefault(name, _command_of(feature, name))
                self._specials.setdefault(name, _command_of(feature, name, with_args=False))
            for verb in feature.verbs:
                self._buttons.setdefault(verb, _button_of(feature, verb))
            for pending in feature.pending:
                self._pending.setdefault(pending, feature.on_pending)

    # ----------------------------------------------------------------- entry points
    def handle(self, state: UserState, incoming: Incoming) -> Reply:
        """Answer one text or button press (a text's safety result may come with it)."""
        state = replace(state, pending_data=dict(state.pending_data), writing=dict(state.writing),
                        turn=state.turn + 1)
        if incoming.button is not None:
            turn = Turn(self.words, state, incoming, SafetyResult())
            reply = self._on_button(turn, incoming.button)
        else:
            text = incoming.text or ""
            safety = incoming.safety if incoming.safety is not None else self.safety.assess(text)
            turn = Turn(self.words, state, incoming, safety)
            reply = self._on_text(turn, text)
        if RISK_EVENTS.intersection(reply.events):
            for feature in self.features:  # e.g. the writing course pauses, and stays paused
                reply.effects.extend(feature.on_risk(turn))
            reply.state = turn.state
        return reply

    def assess(self, text: str) -> SafetyResult:
        return self.safety.assess(text)

    # ----------------------------------------------------------------- text
    def _on_text(self, turn: Turn, text: str) -> Reply:
        watch.expire(turn.state, turn.incoming.now)
        if turn.safety.level in URGENT:
            turn.forget_pending()
            return safety_reply(turn, turn.safety)
        watched = watch_reply(turn, turn.safety)
        if watched is not None:
            return watched
        concerned = concern_reply(turn, turn.safety)
        if concerned is not None:
            return concerned
        command = _COMMAND.match(text.strip())
        if command:
            turn.forget_pending()
            name, args = command.group(1).lower(), (command.group(2) or "").strip()
            handler = self._commands.get(name)
            return handler(turn, args) if handler else turn.menu_reply()
        if turn.state.pending:
            answer = self._pending.get(turn.state.pending)
            answered = answer(turn, text) if answer else None
            if answered is not None:
                return answered
            turn.forget_pending()
        for feature in self.features:
            intercepted = feature.intercept(turn, text)
            if intercepted is not None:
                return intercepted
        if self.normaliser.normalise(text) in _HELP_WORDS:
            return help_reply(turn)
        if turn.safety.concern == "past":
            ordinary = self._on_free_text(turn, text)
            ordinary.messages.insert(0, past_message(turn))
            ordinary.events.append("past_crisis_acknowledged")
            return ordinary
        if turn.safety.level == "checkin":
            return checkin_reply(turn)
        return self._on_free_text(turn, text)

    def _on_free_text(self, turn: Turn, text: str) -> Reply:
        match = self.matcher.match(text, turn.state.last_topic)
        heard = self.fitting.hear(turn, text)
        topic = match.topic
        if self.fitting.asks_without_telling(topic, heard, text):
            topic = next((t for t, _ in match.candidates if t != topic), None)
        story = self.fitting.story_flow(topic, heard, text)
        routed = self.fitting.route(turn, heard, topic, text)
        if story is not None:
            return self._story(turn, story, heard, routed)
        flow = routed[0] if routed else (self.content.main_flow(topic) if topic else None)
        if flow is None:
            return self._not_sure(turn, [t for t, _ in match.candidates])
        turn.state.last_topic = flow.topic
        node = routed[1] if routed else flow.start
        return turn.reply(*self.show_node(turn, flow, node, heard.person), events=[f"topic:{flow.topic}"])

    def _story(self, turn: Turn, story: Flow, heard: Heard, routed: tuple[Flow, Node] | None) -> Reply:
        """Someone telling what happened: sorry and what they told first, then the node for the
        loss's stage (recent, later, long ago), or what their role asked for ("what do I say to
        her"), then, once, the offer to remember it."""
        if routed is not None:
            flow, node = routed
            mirrored = self.fitting.mirrors(heard)
        else:
            flow = story
            node, stage_node = self.fitting.story_node(story, heard, turn.incoming.now.date())
            mirrored = stage_node is not None
        turn.state.last_topic = flow.topic
        messages = self.show_node(turn, flow, node, heard.person if mirrored else Person(heard.person.role))
        if mirrored:
            first = messages[0]
            messages[0] = OutMessage(f"{self.fitting.mirror(turn, heard.about)}\n\n{first.text}", first.buttons)
        role_flow = self.fitting.role_flow(heard.person.role)
        if role_flow:
            turn.state.last_topic = role_flow  # follow-ups ("how can I help her") stay with their role
        events = [f"topic:{flow.topic}"]
        offer = self.remembering.offer(turn, Kept.from_about(heard.about, turn.incoming.now.date())) \
            if self.remembering else None
        if offer is not None:
            messages.append(offer)
            events.append("keep_offered")
        return turn.reply(*messages, events=events)

    def _not_sure(self, turn: Turn, candidates: list[str]) -> Reply:
        buttons = tuple(self.words.flow_button(f.id) for t in candidates[:3] if (f := self.content.main_flow(t)))
        key = "not_sure" if buttons else "not_sure_no_ideas"
        return turn.reply(OutMessage(turn.text(key), buttons + self.words.menu_buttons()), events=["not_sure"])

    # ----------------------------------------------------------------- commands
    def _start(self, turn: Turn, args: str) -> Reply:
        turn.state.flow = turn.state.node = None
        return turn.reply(OutMessage(turn.text("welcome"), self.words.menu_buttons()))

    def _page(self, turn: Turn, key: str) -> Reply:
        return turn.reply(OutMessage(turn.text(key), (self.words.menu_button(),)))

    def _forget_confirm(self, turn: Turn, args: str) -> Reply:
        buttons = (
            Button(self.words.text("label_forget_yes"), callbacks.encode(callbacks.FORGET, "y")),
            Button(self.words.text("label_forget_no"), callbacks.encode(callbacks.FORGET, "n")),
        )
        return turn.reply(OutMessage(turn.text("forget_confirm"), buttons))

    # ----------------------------------------------------------------- buttons
    def _on_button(self, turn: Turn, data: str) -> Reply:
        press = callbacks.decode(data)
        handler = self._buttons.get(press.verb) if press else None
        if press is None or handler is None:
            return turn.unknown_button_reply()
        return handler(turn, press.arg)

    def _goto(self, turn: Turn, arg: str) -> Reply:
        flow_id, _, node_id = arg.partition("/")
        flow = self.content.flows.get(flow_id)
        node = (flow.node(node_id) if node_id else flow.start) if flow else None
        if flow is None or node is None:
            return turn.unknown_button_reply()
        turn.state.last_topic = flow.topic
        return turn.reply(*self.show_node(turn, flow, node), events=[f"topic:{flow.topic}"])

    def _theme(self, turn: Turn, theme_id: str) -> Reply:
        theme = next((t for t in self.content.menu if t.id == theme_id), None)
        if theme is None:
            return turn.unknown_button_reply()
        buttons = tuple(self.words.flow_button(f) if f in self.content.flows else self.words.special_button(f)
                        for f in theme.flows if f in self.content.flows or f in SPECIAL_TARGETS)
        return turn.reply(OutMessage(turn.text("theme_prompt"), buttons + (self.words.menu_button(),)))

    def _special(self, turn: Turn, target: str) -> Reply:
        handler = self._specials.get(target)
        return handler(turn, "") if handler else turn.unknown_button_reply()

    def _forget(self, turn: Turn, arg: str) -> Reply:
        if arg == "y":
            turn.state = UserState(turn=turn.state.turn)
            return turn.reply(OutMessage(turn.text("forget_done")), effects=[Effect("forget")], events=["forget"])
        return turn.reply(OutMessage(turn.text("forget_cancelled"), (self.words.menu_button(),)))

    def _sources(self, turn: Turn, arg: str) -> Reply:
        flow_id, _, node_id = arg.partition("/")
        flow = self.content.flows.get(flow_id)
        node = flow.node(node_id) if flow else None
        if flow is None or node is None:
            return turn.unknown_button_reply()
        lines = [turn.text("sources_intro")]
        lines += [f"• {escape(self.content.sources[s].short())}" for s in node.sources if s in self.content.sources]
        back = Button(flow.title, callbacks.encode(callbacks.NODE, f"{flow.id}/{node.id}"))
        return turn.reply(OutMessage("\n".join(lines), (back, self.words.menu_button())))

    # ----------------------------------------------------------------- flows
    def show_node(self, turn: Turn, flow: Flow, node: Node, person: Person | None = None) -> list[OutMessage]:
        """A node as a message: the text that fits the person (a variant for their role or stage,
        {name} when known; rotating by turn), its buttons, Sources and Menu. Without ``person``
        (a button press), what they asked Feather to remember."""
        state = turn.state
        state.flow, state.node = flow.id, node.id
        if person is None:
            person = self.fitting.hear(turn, None).person
        text = node_text(node, person, state.turn)
        buttons = [Button(b.label, self.goto_data(flow, b.goto)) for b in node.buttons]
        if node.sources:
            buttons.append(Button(self.words.text("label_sources"),
                                  callbacks.encode(callbacks.SOURCES, f"{flow.id}/{node.id}")))
        buttons.append(self.words.menu_button())
        return [OutMessage(text, tuple(buttons))]

    def goto_data(self, flow: Flow, goto: str) -> str:
        """Button data for a YAML ``goto`` (``--check`` guarantees it resolves)."""
        target = self.content.resolve_goto(flow, goto)
        if target is None or target == ("", "menu"):
            return callbacks.encode(callbacks.MENU)
        flow_id, node_id = target
        if not flow_id:
            return callbacks.encode(callbacks.SPECIAL, node_id)
        if goto == flow_id:
            return callbacks.encode(callbacks.FLOW, flow_id)
        return callbacks.encode(callbacks.NODE, f"{flow_id}/{node_id}")

    # ----------------------------------------------------------------- country
    def _ask_country(self, turn: Turn) -> Reply:
        turn.state.pending = PENDING_COUNTRY
        return turn.reply(OutMessage(turn.text("country_ask"), self.words.country_buttons()))

    def _country_typed(self, turn: Turn, text: str) -> Reply | None:
        code = self.countries.find(text)
        return None if code is None else self._set_country(turn, code)

    def _set_country(self, turn: Turn, code: str) -> Reply:
        country = self.content.countries.get(code)
        if country is None:
            return turn.unknown_button_reply()
        turn.state.country = code
        turn.forget_pending()
        messages = [OutMessage(turn.text("country_set", country=country.name)), *support_messages(turn)]
        return turn.reply(*messages, events=["country_set"])


def _command_of(feature: Feature, name: str, with_args: bool = True) -> Handler:
    def handler(turn: Turn, args: str) -> Reply:
        return feature.on_command(turn, name, args if with_args else "")
    return handler


def _button_of(feature: Feature, verb: str) -> Handler:
    def handler(turn: Turn, arg: str) -> Reply:
        return feature.on_button(turn, verb, arg)
    return handler
