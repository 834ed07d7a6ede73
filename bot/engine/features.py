"""How optional capabilities (daily reflections, ...) plug into the engine without editing it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.engine.types import Incoming, Reply, UserState

if TYPE_CHECKING:
    from bot.engine.engine import Engine


@dataclass
class Turn:
    """One incoming message being handled: the engine, a working copy of the state, the input."""

    engine: "Engine"
    state: UserState
    incoming: Incoming

    def reply(self, *messages, effects=None, events=None) -> Reply:  # type: ignore[no-untyped-def]
        return Reply(list(messages), self.state, list(effects or []), list(events or []))


class Feature(Protocol):
    """A capability: its commands, its button verb, its pending questions, its text intercepts."""

    commands: dict[str, str]
    """Command name (without /) -> short description, for the command menu."""
    verbs: frozenset[str]
    pending: frozenset[str]

    def on_command(self, turn: Turn, command: str, args: str) -> Reply: ...

    def on_button(self, turn: Turn, verb: str, arg: str) -> Reply: ...

    def on_pending(self, turn: Turn, text: str) -> Reply | None: ...

    def intercept(self, turn: Turn, text: str) -> Reply | None: ...
