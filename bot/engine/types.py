"""Plain data in and out of the engine: no Telegram types, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.safety.detector import SafetyResult
from bot.understanding.keep import Kept

MAX_BUTTON_DATA = 64
"""Telegram's limit on callback data, in bytes; the engine never makes longer ones."""


@dataclass(frozen=True)
class Button:
    """A choice offered to the person: a label and opaque data the engine will be handed back."""

    label: str
    data: str


@dataclass(frozen=True)
class OutMessage:
    """One message to send. ``text`` uses Telegram's HTML subset (b, i, a)."""

    text: str
    buttons: tuple[Button, ...] = ()


@dataclass
class UserState:
    """What the engine remembers about one chat between messages. Never any text they wrote."""

    flow: str | None = None
    node: str | None = None
    last_topic: str | None = None
    pending: str | None = None
    pending_data: dict[str, str] = field(default_factory=dict)
    country: str | None = None
    turn: int = 0
    writing: dict[str, str] = field(default_factory=dict)
    """Where someone is in the writing course (bot/writing/course.py): a number, a status, a time."""
    kept_asked: bool = False
    """Whether Feather has asked to remember their loss: it asks once."""
    watch: str | None = None
    """The watch after a crisis reply, a check-in or a medical reply (bot/engine/watch.py):
    "crisis", "checkin" or "medical"; with when it may end and how many messages it has left."""
    watch_until: str | None = None
    watch_left: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow, "node": self.node, "last_topic": self.last_topic,
            "pending": self.pending, "pending_data": dict(self.pending_data),
            "country": self.country, "turn": self.turn, "kept_asked": self.kept_asked,
            "watch": self.watch, "watch_until": self.watch_until, "watch_left": self.watch_left,
            "writing": dict(self.writing),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UserState:
        known = {k: data[k] for k in cls().to_dict() if k in data}
        return cls(**known)


@dataclass(frozen=True)
class Incoming:
    """An incoming text or button press, with the moment it arrived (the engine has no clock)
    and, for a text a front end already checked, its safety result (checked once per message)."""

    now: datetime
    text: str | None = None
    button: str | None = None
    language_hint: str | None = None
    safety: SafetyResult | None = None
    kept: Kept | None = None
    """What the person asked Feather to remember about their loss (loaded with the turn)."""


@dataclass(frozen=True)
class Effect:
    """Something the engine asks its caller to do to storage; ``kind`` names it, ``data`` details."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reply:
    """The engine's answer: messages to send, the new state, effects to apply, events to count."""

    messages: list[OutMessage]
    state: UserState
    effects: list[Effect] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
