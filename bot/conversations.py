"""Runs the engine for one chat: load state, answer, apply effects, save, count. Shared by front ends.

Front ends only translate their transport into ``handle_text``/``handle_button`` calls and send
back the messages returned; everything else about a conversation happens here or in the engine.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from html import escape

from bot.clock import Clock
from bot.engine.engine import Engine
from bot.engine.types import Effect, Incoming, OutMessage, Reply
from bot.store import Store

log = logging.getLogger(__name__)

EffectHandler = Callable[[int, Effect], list[OutMessage]]
"""Applies one effect for a chat; may return extra messages to send."""


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
        return self._turn(chat_id, Incoming(self.clock.now(), text=text, language_hint=language_hint))

    def handle_button(self, chat_id: int, data: str) -> list[OutMessage]:
        return self._turn(chat_id, Incoming(self.clock.now(), button=data))

    def _lock_for(self, chat_id: int) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(chat_id, threading.Lock())

    def _turn(self, chat_id: int, incoming: Incoming) -> list[OutMessage]:
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
            return messages

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
        lines = [engine.text("mydata_intro")]
        for table, rows in data.items():
            for row in rows:
                lines.append("")
                lines.append(f"<b>{escape(table)}</b>")
                lines.extend(f"• {escape(str(k))}: {escape(str(v))}" for k, v in row.items())
        return [OutMessage("\n".join(lines), (engine.menu_button(),))]
