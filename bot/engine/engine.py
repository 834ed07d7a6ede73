"""The conversation engine: state and input in, reply and new state out. No I/O, no Telegram.

Order of work for a text, and why:
1. Safety first, always: a crisis or urgent-medical message is answered before anything else,
   whatever flow or pending question the person is in.
2. Commands (/start, /menu, ...).
3. A pending question (a country, a time) gets the answer it asked for, if it fits.
4. Features' own phrases ("stop the daily messages"), then plain "help" / "sos".
5. The matcher; below its threshold Feather says it is not sure instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html import escape

from rapidfuzz import fuzz, process

from bot.content.model import Content, Flow, Node
from bot.engine import callbacks
from bot.engine.features import Feature, Turn
from bot.engine.support import country_for, crisis_lines, emergency_line, support_lines
from bot.engine.types import Button, Effect, Incoming, OutMessage, Reply, UserState
from bot.matching import Matcher
from bot.safety import SafetyDetector, SafetyResult, respond
from bot.text import Normaliser

_COMMAND = re.compile(r"^/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.S)
_HELP_WORDS = frozenset({"help", "sos", "urgent", "help me", "emergency", "i need help"})
OTHER_COUNTRY = "XX"


class Engine:
    """Built once from content; ``handle`` is deterministic for a given state and input."""

    def __init__(
        self,
        content: Content,
        normaliser: Normaliser,
        matcher: Matcher,
        safety: SafetyDetector,
        features: list[Feature] | None = None,
    ) -> None:
        self.content = content
        self.normaliser = normaliser
        self.matcher = matcher
        self.safety = safety
        self.features = list(features or [])

    # ----------------------------------------------------------------- entry points
    def handle(self, state: UserState, incoming: Incoming) -> Reply:
        """Answer one text or button press."""
        turn = Turn(self, replace(state, pending_data=dict(state.pending_data)), incoming)
        turn.state.turn = state.turn + 1
        if incoming.button is not None:
            return self._on_button(turn, incoming.button)
        return self._on_text(turn, incoming.text or "")

    def assess(self, text: str) -> SafetyResult:
        return self.safety.assess(text)

    # ----------------------------------------------------------------- text
    def _on_text(self, turn: Turn, text: str) -> Reply:
        safety = self.safety.assess(text)
        if safety.level in ("crisis", "medical"):
            turn.state.pending, turn.state.pending_data = None, {}
            return self.safety_reply(turn, safety)
        command = _COMMAND.match(text.strip())
        if command:
            return self._on_command(turn, command.group(1).lower(), (command.group(2) or "").strip())
        if turn.state.pending:
            answered = self._on_pending(turn, text)
            if answered is not None:
                return answered
            turn.state.pending, turn.state.pending_data = None, {}
        for feature in self.features:
            intercepted = feature.intercept(turn, text)
            if intercepted is not None:
                return intercepted
        if self.normaliser.normalise(text) in _HELP_WORDS:
            return self.help_reply(turn)
        if safety.level == "checkin":
            return self.checkin_reply(turn)
        return self._on_free_text(turn, text)

    def _on_free_text(self, turn: Turn, text: str) -> Reply:
        match = self.matcher.match(text, turn.state.last_topic)
        flow = self.content.main_flow(match.topic) if match.topic else None
        if flow is None:
            return self.not_sure_reply(turn, [t for t, _ in match.candidates])
        turn.state.last_topic = flow.topic
        return turn.reply(*self.show_node(turn.state, flow, flow.start), events=[f"topic:{flow.topic}"])

    def _on_pending(self, turn: Turn, text: str) -> Reply | None:
        if turn.state.pending == "country":
            return self._country_typed(turn, text)
        for feature in self.features:
            if turn.state.pending in feature.pending:
                return feature.on_pending(turn, text)
        return None

    # ----------------------------------------------------------------- commands
    def _on_command(self, turn: Turn, name: str, args: str) -> Reply:
        turn.state.pending, turn.state.pending_data = None, {}
        if name == "start":
            turn.state.flow = turn.state.node = None
            return turn.reply(OutMessage(self.text("welcome", turn), self.menu_buttons()))
        if name == "menu":
            return self.menu_reply(turn)
        if name == "help":
            return self.help_reply(turn, with_commands=True)
        if name == "about":
            return turn.reply(OutMessage(self.text("about", turn), (self.menu_button(),)))
        if name == "privacy":
            return turn.reply(OutMessage(self.text("privacy", turn), (self.menu_button(),)))
        if name == "country":
            return self.ask_country(turn)
        if name == "forget":
            buttons = (
                Button(self.text("label_forget_yes"), callbacks.encode("fg", "y")),
                Button(self.text("label_forget_no"), callbacks.encode("fg", "n")),
            )
            return turn.reply(OutMessage(self.text("forget_confirm", turn), buttons))
        if name == "mydata":
            return turn.reply(effects=[Effect("show_my_data")])
        for feature in self.features:
            if name in feature.commands:
                return feature.on_command(turn, name, args)
        return self.menu_reply(turn)

    # ----------------------------------------------------------------- buttons
    def _on_button(self, turn: Turn, data: str) -> Reply:
        press = callbacks.decode(data)
        if press is None:
            return self.unknown_button_reply(turn)
        verb, arg = press.verb, press.arg
        if verb in ("n", "f"):
            flow_id, _, node_id = arg.partition("/")
            flow = self.content.flows.get(flow_id)
            node = (flow.node(node_id) if node_id else flow.start) if flow else None
            if flow is None or node is None:
                return self.unknown_button_reply(turn)
            turn.state.last_topic = flow.topic
            return turn.reply(*self.show_node(turn.state, flow, node), events=[f"topic:{flow.topic}"])
        if verb == "s":
            return self._sources_reply(turn, arg)
        if verb == "m":
            return self.menu_reply(turn)
        if verb == "t":
            return self._theme_reply(turn, arg)
        if verb == "x":
            return self._special(turn, arg)
        if verb == "c":
            return self._set_country(turn, arg)
        if verb == "fg":
            if arg == "y":
                fresh = UserState(turn=turn.state.turn)
                turn.state = fresh
                return turn.reply(OutMessage(self.text("forget_done", turn)), effects=[Effect("forget")],
                                  events=["forget"])
            return turn.reply(OutMessage(self.text("forget_cancelled", turn), (self.menu_button(),)))
        if verb == "safe":
            return self.safe_reply(turn, arg)
        for feature in self.features:
            if verb in feature.verbs:
                return feature.on_button(turn, verb, arg)
        return self.unknown_button_reply(turn)

    # ----------------------------------------------------------------- building replies
    def text(self, key: str, turn: Turn | None = None, **values: str) -> str:
        """A message from messages.yaml; variants rotate with the turn, values are escaped."""
        variants = self.content.messages.get(key) or (key,)
        chosen = variants[(turn.state.turn if turn else 0) % len(variants)]
        return chosen.format(**{k: escape(v) for k, v in values.items()}) if values else chosen

    def menu_button(self) -> Button:
        return Button(self.text("label_menu"), callbacks.encode("m"))

    def menu_buttons(self) -> tuple[Button, ...]:
        return tuple(Button(theme.label, callbacks.encode("t", theme.id)) for theme in self.content.menu)

    def menu_reply(self, turn: Turn) -> Reply:
        turn.state.flow = turn.state.node = None
        return turn.reply(OutMessage(self.text("menu_prompt", turn), self.menu_buttons()))

    def _theme_reply(self, turn: Turn, theme_id: str) -> Reply:
        theme = next((t for t in self.content.menu if t.id == theme_id), None)
        if theme is None:
            return self.unknown_button_reply(turn)
        buttons = tuple(self.flow_button(f) for f in theme.flows if f in self.content.flows)
        return turn.reply(OutMessage(self.text("theme_prompt", turn), buttons + (self.menu_button(),)))

    def flow_button(self, flow_id: str) -> Button:
        flow = self.content.flows[flow_id]
        return Button(flow.title, callbacks.encode("f", flow.id))

    def show_node(self, state: UserState, flow: Flow, node: Node) -> list[OutMessage]:
        """A node as a message: one text variant (rotating), its buttons, Sources and Menu."""
        state.flow, state.node = flow.id, node.id
        text = node.texts[state.turn % len(node.texts)] if node.texts else ""
        buttons = [Button(b.label, self.goto_data(flow, b.goto)) for b in node.buttons]
        if node.sources:
            buttons.append(Button(self.text("label_sources"), callbacks.encode("s", f"{flow.id}/{node.id}")))
        buttons.append(self.menu_button())
        return [OutMessage(text, tuple(buttons))]

    def goto_data(self, flow: Flow, goto: str) -> str:
        """Button data for a YAML ``goto`` (``--check`` guarantees it resolves)."""
        target = self.content.resolve_goto(flow, goto)
        if target is None or target == ("", "menu"):
            return callbacks.encode("m")
        flow_id, node_id = target
        if not flow_id:
            return callbacks.encode("x", node_id)
        if goto == flow_id:
            return callbacks.encode("f", flow_id)
        return callbacks.encode("n", f"{flow_id}/{node_id}")

    def _sources_reply(self, turn: Turn, arg: str) -> Reply:
        flow_id, _, node_id = arg.partition("/")
        flow = self.content.flows.get(flow_id)
        node = flow.node(node_id) if flow else None
        if flow is None or node is None:
            return self.unknown_button_reply(turn)
        lines = [self.text("sources_intro", turn)]
        lines += [f"• {escape(self.content.sources[s].short())}" for s in node.sources if s in self.content.sources]
        back = Button(flow.title, callbacks.encode("n", f"{flow.id}/{node.id}"))
        return turn.reply(OutMessage("\n".join(lines), (back, self.menu_button())))

    def not_sure_reply(self, turn: Turn, candidates: list[str]) -> Reply:
        buttons = tuple(self.flow_button(f.id) for t in candidates[:3] if (f := self.content.main_flow(t)))
        key = "not_sure" if buttons else "not_sure_no_ideas"
        return turn.reply(OutMessage(self.text(key, turn), buttons + self.menu_buttons()), events=["not_sure"])

    def unknown_button_reply(self, turn: Turn) -> Reply:
        return turn.reply(OutMessage(self.text("unknown_button", turn), self.menu_buttons()),
                          events=["unknown_button"])

    # ----------------------------------------------------------------- country and support
    def ask_country(self, turn: Turn) -> Reply:
        turn.state.pending = "country"
        return turn.reply(OutMessage(self.text("country_ask", turn), self.country_buttons()))

    def country_buttons(self) -> tuple[Button, ...]:
        return tuple(
            Button(c.name if c.code != OTHER_COUNTRY else self.text("label_elsewhere"), callbacks.encode("c", c.code))
            for c in self.content.countries.values()
        )

    def _country_typed(self, turn: Turn, text: str) -> Reply | None:
        code = self.find_country(text)
        if code is None:
            return None
        return self._set_country(turn, code)

    def find_country(self, text: str) -> str | None:
        """A country code for a typed name or alias ("uk", "new zealand", "Aus"), or None."""
        wanted = self.normaliser.normalise(text)
        if not wanted:
            return None
        # Names are normalised like the text ("u.s.", "Éire"), and an exact name wins outright.
        names = {self.normaliser.normalise(alias): c.code
                 for c in self.content.countries.values() for alias in (*c.aliases, c.name)}
        if wanted in names:
            return names[wanted]
        # A name said in passing: "i'm in the uk", "we live in new zealand" (whole words only,
        # longest first, so "northern ireland" beats "ireland"). Short aliases ("us", "can", "oz")
        # count only on their own: "tell us" is not the United States, "i can not" not Canada.
        padded = f" {wanted} "
        for name in sorted((n for n in names if n), key=len, reverse=True):
            said = [f" {name} "] if len(name) >= 4 else [
                f" {lead} {name} " for lead in ("in", "in the", "from", "from the", "the")]
            if any(form in padded for form in said):
                return names[name]
        if len(wanted) < 4:
            return None  # "no", "a", "can": too short to guess a misspelling from
        # A misspelt name on its own ("austrailia", "new zeland"): the whole text must be close.
        found = process.extractOne(wanted, [n for n in names if n], scorer=fuzz.ratio, score_cutoff=80)
        return names[found[0]] if found else None

    def _set_country(self, turn: Turn, code: str) -> Reply:
        country = self.content.countries.get(code)
        if country is None:
            return self.unknown_button_reply(turn)
        turn.state.country = code
        turn.state.pending, turn.state.pending_data = None, {}
        messages = [OutMessage(self.text("country_set", turn, country=country.name))]
        messages += self.support_messages(turn)
        return turn.reply(*messages, events=["country_set"])

    def support_messages(self, turn: Turn, crisis_only: bool = False) -> list[OutMessage]:
        """Helplines for the person's country; without a country, the universal advice and a choice."""
        country = country_for(self.content, turn.state.country)
        if country is None:
            return [OutMessage(self.text("support_ask_country", turn), self.country_buttons())]
        lines = [self.text("support_intro", turn, country=country.name), emergency_line(country), ""]
        lines += [self.text("support_crisis_heading", turn), *crisis_lines(country)]
        if not crisis_only and support_lines(country):
            lines += ["", self.text("support_other_heading", turn), *support_lines(country)]
        buttons = (Button(self.text("label_country"), callbacks.encode("x", "country")), self.menu_button())
        return [OutMessage("\n".join(lines), buttons)]

    def _special(self, turn: Turn, target: str) -> Reply:
        if target == "country":
            return self.ask_country(turn)
        if target == "support":
            return turn.reply(*self.support_messages(turn))
        for feature in self.features:
            if target in feature.commands:
                return feature.on_command(turn, target, "")
        return self.unknown_button_reply(turn)

    # ----------------------------------------------------------------- safety
    def safety_reply(self, turn: Turn, result: SafetyResult) -> Reply:
        return respond.safety_reply(self, turn, result)

    def help_reply(self, turn: Turn, with_commands: bool = False) -> Reply:
        return respond.help_reply(self, turn, with_commands)

    def checkin_reply(self, turn: Turn) -> Reply:
        return respond.checkin_reply(self, turn)

    def safe_reply(self, turn: Turn, arg: str) -> Reply:
        return respond.safe_reply(self, turn, arg)
