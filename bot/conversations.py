"""Runs the engine for one chat: load state, answer, apply effects, save, count. Shared by front ends.

Front ends only translate their transport into ``handle_text``/``handle_button`` calls and send
back the messages returned; everything else about a conversation happens here or in the engine.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from html import escape
from typing import Any

from bot.clock import Clock
from bot.engine.engine import Engine
from bot.engine.types import Effect, Incoming, OutMessage, Reply
from bot.store import Store

log = logging.getLogger(__name__)

EffectHandler = Callable[[int, Effect], list[OutMessage]]
"""Applies one effect for a chat; may return extra messages to send."""


@dataclass(frozen=True)
class TurnResult:
    """What one turn produced: the messages to send and the events it counted (never any text)."""

    messages: list[OutMessage]
    events: list[str]


class Conversations:
    """One place where a chat's turn is taken, under a per-chat lock so turns never interleave."""

    def __init__(self, engine: Engine, store: Store, clock: Clock) -> None:
        self.engine = engine
        self.store = store
        self.clock = clock
        self._effect_handlers: dict[str, EffectHandler] = {
            "forget": self._forget,
            "show_my_data": self._show_my_data,
        }
        self._locks: dict[int, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def on_effect(self, kind: str, handler: EffectHandler) -> None:
        """Register how a feature's effect is applied (e.g. the daily scheduler's subscriptions)."""
        self._effect_handlers[kind] = handler

    def handle_text(self, chat_id: int, text: str, language_hint: str | None = None) -> list[OutMessage]:
        return self.take_turn(chat_id, Incoming(self.clock.now(), text=text, language_hint=language_hint)).messages

    def handle_button(self, chat_id: int, data: str) -> list[OutMessage]:
        return self.take_turn(chat_id, Incoming(self.clock.now(), button=data)).messages

    def _lock_for(self, chat_id: int) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(chat_id, threading.Lock())

    def take_turn(self, chat_id: int, incoming: Incoming) -> TurnResult:
        """One turn, with the events it counted (the transcript tests read what Feather did)."""
        with self._lock_for(chat_id):
            state = self.store.load_state(chat_id)
            reply: Reply = self.engine.handle(state, incoming)
            messages = list(reply.messages)
            forgotten = any(e.kind == "forget" for e in reply.effects)
            for effect in reply.effects:
                messages.extend(self._effect_handlers[effect.kind](chat_id, effect))
            if not forgotten:
                self.store.save_state(chat_id, reply.state, incoming.now)
            for event in reply.events:
                self._record(event)
            return TurnResult(messages, list(reply.events))

    def _record(self, event: str) -> None:
        """Count and log an event: what happened, never what anyone wrote."""
        if event.startswith("topic:"):
            log.debug("flow shown: %s", event[6:])
            return
        log.info("event: %s", event)
        self.store.count_event(event, self.clock.now())

    def _forget(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        self.store.forget(chat_id)
        return []

    def _show_my_data(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        data = self.store.my_data(chat_id)
        engine = self.engine
        if not data:
            return [OutMessage(engine.text("mydata_empty"), (engine.menu_button(),))]
        return [OutMessage(render_my_data(engine, chat_id, data), (engine.menu_button(),))]


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def render_my_data(engine: Engine, chat_id: int, data: dict[str, list[dict[str, Any]]]) -> str:
    """Every stored value about a chat, one plain line each, labelled by messages.yaml's
    ``mydata_<table>_<column>`` (the conversation state by ``mydata_state_<field>``). A column
    without a label still shows, under its own name: nothing stored is ever left out."""
    lines = [engine.text("mydata_intro"), "", engine.text("mydata_chat_id", value=str(chat_id))]
    for table, rows in data.items():
        for row in rows:
            lines += ["", _heading(engine, table)]
            for column, value in row.items():
                if column == "chat_id":
                    continue  # shown once, on top
                if table == "chats" and column == "state":
                    lines += _state_lines(engine, value)
                    continue
                lines.append(_label(engine, f"mydata_{table}_{column}", column, _shown(engine, column, value)))
    lines += ["", engine.text("mydata_outro")]
    return "\n".join(lines)


def _heading(engine: Engine, table: str) -> str:
    key = f"mydata_heading_{table}"
    if key in engine.content.messages:
        return engine.text(key)
    return f"<b>{escape(table.replace('_', ' ').capitalize())}</b>"


def _label(engine: Engine, key: str, name: str, value: str) -> str:
    """One bullet: messages.yaml's label for ``key`` with the value, else the plain name."""
    if key in engine.content.messages:
        return "• " + engine.text(key, value=value)
    return f"• {escape(name.replace('_', ' ').capitalize())}: {escape(value)}"


def _state_lines(engine: Engine, raw: Any) -> list[str]:
    try:
        state = json.loads(raw) if isinstance(raw, str) else dict(raw)
    except (TypeError, ValueError):
        return [_label(engine, "mydata_chats_state", "state", str(raw))]
    if not isinstance(state, dict):
        return [_label(engine, "mydata_chats_state", "state", str(raw))]
    return [_label(engine, f"mydata_state_{field}", field, _shown(engine, field, value))
            for field, value in state.items()
            if field != "country"]  # the same value as the chats.country column: shown once, there


def _shown(engine: Engine, name: str, value: Any) -> str:
    """A stored value as a person reads it: names for ids, dates in words, no JSON."""
    content = engine.content
    if value is None or value == "" or value == {}:
        return engine.text("mydata_not_set")
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')} {_shown(engine, str(k), v)}" for k, v in value.items())
    text = str(value)
    if name == "country" and text in content.countries:
        return f"{content.countries[text].name} ({text})"
    if name == "flow" and text in content.flows:
        return content.flows[text].title
    if name == "last_topic" and (flow := content.main_flow(text)) is not None:
        return flow.title
    if name == "paused_until" and text == "indefinitely":
        return engine.text("mydata_paused_indefinitely")
    if name in ("due_date", "loss_date") and len(text) == 4 and text.isdigit() and 1 <= int(text[:2]) <= 12:
        return f"{int(text[2:])} {_MONTHS[int(text[:2]) - 1]}"
    if name == "sent_ids":
        return ", ".join(text.split())
    if name in ("pending", "node"):
        return text.replace("_", " ")
    if name.endswith(("_at", "_utc", "_until")):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        moment = moment.astimezone(timezone.utc) if moment.tzinfo else moment  # stored in UTC
        return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M} UTC"
    if name.endswith("_date"):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return text
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    return text
