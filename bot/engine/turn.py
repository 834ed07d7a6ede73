"""One message being handled, and how features (daily reflections) plug into the engine."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from bot.engine.types import Effect, Incoming, OutMessage, Reply, UserState
from bot.engine.words import Words
from bot.safety.detector import SafetyResult


@dataclass
class Turn:
    """A working copy of the chat's state, the input, and its one safety result."""

    words: Words
    state: UserState
    incoming: Incoming
    safety: SafetyResult

    def reply(self, *messages: OutMessage, effects: Iterable[Effect] | None = None,
              events: Iterable[str] | None = None) -> Reply:
        return Reply(list(messages), self.state, list(effects or ()), list(events or ()))

    def text(self, key: str, **values: str) -> str:
        """A message from messages.yaml, its variant chosen by the turn number."""
        return self.words.text(key, self.state.turn, **values)

    def forget_pending(self) -> None:
        self.state.pending, self.state.pending_data = None, {}

    def menu_reply(self) -> Reply:
        self.state.flow = self.state.node = None
        return self.reply(OutMessage(self.text("menu_prompt"), self.words.menu_buttons()))

    def unknown_button_reply(self) -> Reply:
        return self.reply(OutMessage(self.text("unknown_button"), self.words.menu_buttons()),
                          events=["unknown_button"])


class Feature(Protocol):
    """A capability: its commands, its button verb, its pending questions, its text intercepts."""

    commands: tuple[str, ...]
    """Command names (without /); each one's line in the menu is messages.yaml's ``command_<name>``."""
    verbs: frozenset[str]
    pending: frozenset[str]

    def on_command(self, turn: Turn, command: str, args: str) -> Reply: ...

    def on_button(self, turn: Turn, verb: str, arg: str) -> Reply: ...

    def on_pending(self, turn: Turn, text: str) -> Reply | None: ...

    def intercept(self, turn: Turn, text: str) -> Reply | None: ...

    def on_risk(self, turn: Turn) -> list[Effect]:
        """A crisis, urgent-medical or check-in reply was just given: change ``turn.state`` if the
        feature must (the safety reply stays the whole reply) and return effects to apply."""
        ...
