"""Runs the engine for one chat: load state, answer, apply effects, save, count. Shared by front ends.

Front ends only translate their transport into ``handle_text``/``handle_button`` calls and send
back the messages returned; everything else about a conversation happens here or in the engine.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from html import escape
from typing import Any

from bot.clock import Clock
from bot.engine.dates import Dates
from bot.engine.engine import Engine
from bot.engine.types import Effect, Incoming, OutMessage, Reply
from bot.engine.words import Words
from bot.safety import SafetyResult
from bot.store import Store
from bot.understanding.keep import Kept

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

    def __init__(self, engine: Engine, store: Store, clock: Clock,
                 effects: Mapping[str, EffectHandler] | None = None) -> None:
        """``effects``: how features' effects are applied (daily: subscribe, pause, ...)."""
        self.engine = engine
        self.store = store
        self.clock = clock
        self._effect_handlers: dict[str, EffectHandler] = {
            "forget": self._forget,
            "show_my_data": self._show_my_data,
            "keep_about": self._keep_about,
            "drop_about": self._drop_about,
            **(effects or {}),
        }
        self._locks: dict[int, tuple[threading.Lock, int]] = {}
        self._locks_guard = threading.Lock()

    def use(self, engine: Engine, effects: Mapping[str, EffectHandler]) -> None:
        """New content (a reload): turns from now on use ``engine``; one under way finishes on
        the engine it started with."""
        self._effect_handlers = {**self._effect_handlers, **effects}
        self.engine = engine

    def handle_text(self, chat_id: int, text: str, language_hint: str | None = None,
                    safety: SafetyResult | None = None) -> list[OutMessage]:
        """One text; ``safety``: its result when the front end already checked it."""
        incoming = Incoming(self.clock.now(), text=text, language_hint=language_hint, safety=safety)
        return self.take_turn(chat_id, incoming).messages

    def handle_button(self, chat_id: int, data: str) -> list[OutMessage]:
        return self.take_turn(chat_id, Incoming(self.clock.now(), button=data)).messages

    @contextmanager
    def _chat_turn(self, chat_id: int) -> Iterator[None]:
        """The chat's lock, kept only while a turn holds or awaits it (never one per chat ever seen)."""
        with self._locks_guard:
            lock, users = self._locks.get(chat_id, (threading.Lock(), 0))
            self._locks[chat_id] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._locks_guard:
                lock, users = self._locks[chat_id]
                if users == 1:
                    del self._locks[chat_id]
                else:
                    self._locks[chat_id] = (lock, users - 1)

    def take_turn(self, chat_id: int, incoming: Incoming) -> TurnResult:
        """One turn, with the events it counted (the transcript tests read what Feather did)."""
        with self._chat_turn(chat_id):
            state = self.store.load_state(chat_id)
            incoming = replace(incoming, kept=self.store.load_kept(chat_id))
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

    def _keep_about(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        """Keep what the person said yes to (bot/engine/remembering.py made the effect)."""
        data = effect.data
        self.store.save_kept(chat_id, Kept(data.get("role"), data.get("kind"), data.get("month"),
                                           data.get("name")), self.clock.now())
        return []

    def _drop_about(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        self.store.drop_kept(chat_id)
        return []

    def _show_my_data(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        data = self.store.my_data(chat_id)
        words = self.engine.words
        if not data:
            return [OutMessage(words.text("mydata_empty"), (words.menu_button(),))]
        return [OutMessage(render_my_data(words, chat_id, data), (words.menu_button(),))]


def render_my_data(words: Words, chat_id: int, data: dict[str, list[dict[str, Any]]]) -> str:
    """Every stored value about a chat, one plain line each, labelled by messages.yaml's
    ``mydata_<table>_<column>`` (the conversation state by ``mydata_state_<field>``). A column
    without a label still shows, under its own name: nothing stored is ever left out."""
    lines = [words.text("mydata_intro"), "", words.text("mydata_chat_id", value=str(chat_id))]
    for table, rows in data.items():
        for row in rows:
            lines += ["", _heading(words, table)]
            for column, value in row.items():
                if column == "chat_id":
                    continue  # shown once, on top
                if table == "chats" and column == "state":
                    lines += _state_lines(words, value)
                    continue
                lines.append(_label(words, f"mydata_{table}_{column}", column, _shown(words, column, value)))
    lines += ["", words.text("mydata_outro")]
    return "\n".join(lines)


def _heading(words: Words, table: str) -> str:
    key = f"mydata_heading_{table}"
    if key in words.content.messages:
        return words.text(key)
    return f"<b>{escape(table.replace('_', ' ').capitalize())}</b>"


def _label(words: Words, key: str, name: str, value: str) -> str:
    """One bullet: messages.yaml's label for ``key`` with the value, else the plain name."""
    if key in words.content.messages:
        return "• " + words.text(key, value=value)
    return f"• {escape(name.replace('_', ' ').capitalize())}: {escape(value)}"


def _state_lines(words: Words, raw: Any) -> list[str]:
    try:
        state = json.loads(raw) if isinstance(raw, str) else dict(raw)
    except (TypeError, ValueError):
        return [_label(words, "mydata_chats_state", "state", str(raw))]
    if not isinstance(state, dict):
        return [_label(words, "mydata_chats_state", "state", str(raw))]
    return [_label(words, f"mydata_state_{field}", field, _shown(words, field, value))
            for field, value in state.items()
            if field != "country"]  # the same value as the chats.country column: shown once, there


def _shown(words: Words, name: str, value: Any) -> str:
    """A stored value as a person reads it: names for ids, dates in words, no JSON."""
    content = words.content
    if value is None or value == "" or value == {}:
        return words.text("mydata_not_set")
    if name == "writing" and isinstance(value, dict) and words.has(f"mydata_writing_{value.get('status')}"):
        step = str(value.get("step", ""))
        number = str(int(step) + 1) if step.isdigit() else step
        return words.text(f"mydata_writing_{value.get('status')}", number=number)
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')} {_shown(words, str(k), v)}" for k, v in value.items())
    text = str(value)
    if name == "country" and text in content.countries:
        return f"{content.countries[text].name} ({text})"
    if name == "flow" and text in content.flows:
        return content.flows[text].title
    if name == "last_topic" and (flow := content.main_flow(text)) is not None:
        return flow.title
    if name == "paused_until" and text == "indefinitely":
        return words.text("mydata_paused_indefinitely")
    if name in ("due_date", "loss_date") and len(text) == 4 and text.isdigit() and 1 <= int(text[:2]) <= 12:
        return Dates(words).day_month(int(text[:2]), int(text[2:]))
    if name == "loss_month" and len(text) == 7 and text[4] == "-" and text[5:].isdigit() and 1 <= int(text[5:]) <= 12:
        return Dates(words).month_year(int(text[5:]), int(text[:4]))
    if name in ("role", "kind") and words.has(f"kept_{name}_{text}"):
        return words.text(f"kept_{name}_{text}")
    if name == "kept_asked":
        return words.text("mydata_yes" if value else "mydata_no")
    if name == "sent_ids":
        return ", ".join(text.split())
    if name == "watch" and words.has(f"mydata_watch_{text}"):
        return words.text(f"mydata_watch_{text}")
    if name in ("pending", "node"):
        return text.replace("_", " ")
    if name.endswith(("_at", "_utc", "_until")):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        moment = moment.astimezone(UTC) if moment.tzinfo else moment  # stored in UTC
        return Dates(words).moment_utc(moment)
    if name.endswith("_date"):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return text
        return Dates(words).full(day)
    return text
