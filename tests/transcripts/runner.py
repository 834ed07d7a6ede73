"""Plays a YAML conversation (docs/transcripts.md) through the real engine and checks each reply.

A transcript says what a person types or presses, turn by turn, and what each reply must (not)
contain and what kind of reply it was (crisis, medical, check-in, none), read from the events the
turn counted rather than from its wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import yaml

from bot.conversations import Conversations, TurnResult
from bot.engine.types import Incoming, OutMessage
from tests.support.clocks import FixedClock

DEFAULT_START = datetime(2026, 3, 4, 3, 10, tzinfo=UTC)
SAFETY_EVENTS = {"crisis_response_sent": "crisis", "medical_response_sent": "medical", "checkin_sent": "checkin"}
TOP_KEYS = {"title", "written_blind", "start", "turns"}
TURN_KEYS = {"say", "press", "deliver", "after", "expect"}
EXPECT_KEYS = {"safety", "topic", "contains", "contains_any", "not_contains", "buttons", "sent"}
DELIVERIES = {"scheduled"}
LEVELS = {"crisis", "medical", "checkin", "none"}
_TAG = re.compile(r"<[^>]+>")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([mhd])$")


class TranscriptError(ValueError):
    """A transcript file that does not follow the format (the file and turn are named)."""


@dataclass(frozen=True)
class Turn:
    say: str | None
    press: str | None
    after: timedelta
    expect: dict[str, Any]
    deliver: str | None = None


Deliver = Callable[[int], list[OutMessage]]
"""Runs the sending loop's scheduled messages once, at the clock's time; returns what the chat got."""


@dataclass(frozen=True)
class Transcript:
    path: Path
    title: str
    start: datetime
    turns: list[Turn] = field(default_factory=list)
    written_blind: bool = False


def _strings(value: Any, where: str) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise TranscriptError(f"{where}: expected a string or a list of strings")
    return items


def _duration(value: Any, where: str) -> timedelta:
    found = _DURATION.match(str(value).strip())
    if not found:
        raise TranscriptError(f"{where}: 'after' takes a duration like 30m, 26h or 3d")
    amount, unit = float(found.group(1)), found.group(2)
    return timedelta(**{{"m": "minutes", "h": "hours", "d": "days"}[unit]: amount})


def load_transcript(path: Path) -> Transcript:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("title"), str) or not data.get("turns"):
        raise TranscriptError(f"{path}: needs a 'title' and a list of 'turns'")
    if unknown := set(data) - TOP_KEYS:
        raise TranscriptError(f"{path}: unknown keys {sorted(unknown)}")
    start = data.get("start")
    start = datetime.fromisoformat(str(start)) if start else DEFAULT_START
    turns = []
    for index, raw in enumerate(data["turns"], 1):
        where = f"{path.name} turn {index}"
        if not isinstance(raw, dict) or sum(k in raw for k in ("say", "press", "deliver")) != 1:
            raise TranscriptError(f"{where}: each turn has exactly one of 'say', 'press' or 'deliver'")
        if "deliver" in raw and raw["deliver"] not in DELIVERIES:
            raise TranscriptError(f"{where}: deliver is one of {sorted(DELIVERIES)}")
        if "sent" in (raw.get("expect") or {}) and "deliver" not in raw:
            raise TranscriptError(f"{where}: 'sent' counts what a 'deliver' turn sent")
        if unknown := set(raw) - TURN_KEYS:
            raise TranscriptError(f"{where}: unknown keys {sorted(unknown)}")
        expect = raw.get("expect") or {}
        if unknown := set(expect) - EXPECT_KEYS:
            raise TranscriptError(f"{where}: unknown expect keys {sorted(unknown)}")
        if "safety" in expect and expect["safety"] not in LEVELS:
            raise TranscriptError(f"{where}: safety is one of {sorted(LEVELS)}")
        for key in ("contains", "contains_any", "not_contains", "buttons"):
            if key in expect:
                expect[key] = _strings(expect[key], f"{where} {key}")
        after = _duration(raw["after"], where) if "after" in raw else timedelta()
        say = raw.get("say")
        turns.append(Turn(None if say is None else str(say), raw.get("press"), after, expect, raw.get("deliver")))
    return Transcript(path, data["title"], start, turns, bool(data.get("written_blind")))


def plain(result: TurnResult) -> str:
    """The reply as the person reads it: all messages, HTML tags removed."""
    return "\n".join(unescape(_TAG.sub("", m.text)) for m in result.messages)


def safety_of(result: TurnResult) -> str:
    return next((SAFETY_EVENTS[e] for e in result.events if e in SAFETY_EVENTS), "none")


def check_turn(turn: Turn, result: TurnResult, where: str) -> list[str]:
    """What this reply got wrong, as readable lines (empty when it is right)."""
    expect, text = turn.expect, plain(result)
    low = text.casefold()
    labels = [b.label.casefold() for m in result.messages for b in m.buttons]
    topics = [e.split(":", 1)[1] for e in result.events if e.startswith("topic:")]
    wrong = []
    if "sent" in expect and len(result.messages) != expect["sent"]:
        wrong.append(f"{len(result.messages)} message(s) sent, expected {expect['sent']}")
    if "safety" in expect and safety_of(result) != expect["safety"]:
        wrong.append(f"safety was {safety_of(result)}, expected {expect['safety']}")
    if "topic" in expect and expect["topic"] not in topics:
        wrong.append(f"topic was {topics or 'none'}, expected {expect['topic']}")
    wrong += [f"missing {s!r}" for s in expect.get("contains", []) if s.casefold() not in low]
    if expect.get("contains_any") and not any(s.casefold() in low for s in expect["contains_any"]):
        wrong.append(f"none of {expect['contains_any']!r}")
    wrong += [f"should not say {s!r}" for s in expect.get("not_contains", []) if s.casefold() in low]
    wrong += [f"no button like {s!r}" for s in expect.get("buttons", [])
              if not any(s.casefold() in label for label in labels)]
    if not wrong:
        return []
    said = turn.say if turn.say is not None else f"[press {turn.press}]" if turn.press else f"[{turn.deliver}]"
    return [f"{where} {said!r}: " + "; ".join(wrong) + f"\n    reply: {text[:600]!r}"]


def play(transcript: Transcript, conversations: Conversations, clock: FixedClock, chat_id: int,
         deliver: Deliver | None = None) -> list[str]:
    """Every turn in order; returns all failures (not just the first), so one run shows them all."""
    clock.set(transcript.start)
    failures: list[str] = []
    last: TurnResult | None = None
    for index, turn in enumerate(transcript.turns, 1):
        where = f"{transcript.path.name} turn {index}"
        clock.advance(seconds=turn.after.total_seconds() or 20)
        if turn.deliver is not None:
            if deliver is None:
                failures.append(f"{where}: this runner cannot deliver scheduled messages")
                break
            last = TurnResult(deliver(chat_id), [])
            failures += check_turn(turn, last, where)
            continue
        if turn.press is not None:
            wanted = str(turn.press).casefold()
            buttons = [b for m in (last.messages if last else []) for b in m.buttons]
            button = next((b for b in buttons if wanted in b.label.casefold()), None)
            if button is None:
                failures.append(f"{where}: no button like {turn.press!r} to press "
                                f"(had {[b.label for b in buttons]})")
                break
            last = conversations.take_turn(chat_id, Incoming(clock.now(), button=button.data))
        else:
            last = conversations.take_turn(chat_id, Incoming(clock.now(), text=turn.say))
        failures += check_turn(turn, last, where)
    return failures
