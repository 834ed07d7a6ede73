"""Where someone is in the writing course (a prompt, a status, one moment) and what each choice does
to it: pure, no I/O, never anything they wrote. Statuses and why: docs/writing.md."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal

from bot.daily.schedule import next_send

Status = Literal["open", "written", "scheduled", "paused"]
STATUSES: tuple[Status, ...] = ("open", "written", "scheduled", "paused")
Typed = Literal["skip", "pause", "stop"]

LISTENING = timedelta(hours=12)
"""How long after a prompt (or their last piece) a typed message is taken as writing for it.
Later, a message is an ordinary message again: someone coming back days later with a question
gets an answer, not "thank you for writing"."""
MIN_GAP = timedelta(hours=3)
"""The next prompt "at my daily time" is the first daily time at least this far ahead: never the
next prompt within minutes because the daily time happened to be close."""
PARTS = timedelta(seconds=10)
"""Messages this close after the last one are parts of one letter (Telegram splits a long text):
they get no reply of their own, the thanks above them is the reply."""
LATER = timedelta(days=1)
"""The next prompt "tomorrow" for someone without daily reflections: about this time tomorrow."""


@dataclass(frozen=True)
class Position:
    step: int
    status: Status
    at: datetime | None = None

    def to_dict(self) -> dict[str, str]:
        """As kept in the conversation state: three short values, never anything they wrote."""
        kept = {"step": str(self.step), "status": self.status}
        if self.at is not None:
            kept["at"] = self.at.isoformat(timespec="seconds")
        return kept

    @classmethod
    def from_dict(cls, data: dict[str, str] | None) -> Position | None:
        """The stored position, or None when there is none or it is not one Feather wrote."""
        if not data:
            return None
        status, step, at = data.get("status"), data.get("step", ""), data.get("at")
        if status not in STATUSES or not step.isdigit():
            return None
        try:
            moment = datetime.fromisoformat(at) if at else None
        except ValueError:
            return None
        if moment is None and status in ("open", "written"):
            return None
        return cls(int(step), status, moment)

    @property
    def upcoming(self) -> int:
        """The prompt that comes next: the one after a written one, else this one."""
        return self.step + 1 if self.status == "written" else self.step

    def listening(self, now: datetime) -> bool:
        """Is a typed message now a piece of writing for prompt ``step``?"""
        if self.at is None or self.status not in ("open", "written"):
            return False
        return self.at <= now < self.at + LISTENING

    def number(self) -> int:
        """The prompt's number as people count (1-based), for "prompt 3 of 9"."""
        return self.step + 1


# ------------------------------------------------------------------------------------------------ moves
# Each returns the new position, or None when the course is over (finished or stopped).


def begin(now: datetime) -> Position:
    return Position(0, "open", now)


def wrote(position: Position, now: datetime) -> Position:
    """A piece of writing arrived for the prompt shown (or a further part of it)."""
    return Position(position.step, "written", now)


def show(step: int, total: int, now: datetime) -> Position | None:
    return Position(step, "open", now) if 0 <= step < total else None


def next_now(position: Position, total: int, now: datetime) -> Position | None:
    """The next prompt now (after writing), or this one again (after a pause or a schedule)."""
    return show(position.upcoming, total, now)


def skip(position: Position, total: int, now: datetime) -> Position | None:
    """Leave prompt ``step`` unwritten and show the one after it."""
    return show(position.step + 1, total, now)


def schedule(position: Position, total: int) -> Position | None:
    """The next prompt, later; None when there is no next prompt (the course is finished)."""
    step = position.upcoming
    return Position(step, "scheduled") if step < total else None


def pause(position: Position) -> Position:
    """Nothing more by itself; /write carries on from the prompt that comes next."""
    return Position(position.upcoming, "paused")


def same_letter(position: Position, now: datetime) -> bool:
    """A further part arriving right after the last one (``PARTS``)."""
    return position.status == "written" and position.at is not None and now - position.at < PARTS


def finished(position: Position, total: int) -> bool:
    """After writing the last prompt there is nothing to choose: the course is done."""
    return position.upcoming >= total


# ------------------------------------------------------------------------------------------------ timing


def due_at_daily(now: datetime, at: time, zone_name: str) -> datetime:
    """The person's daily time, the first one at least ``MIN_GAP`` from now (their own zone,
    clock changes handled as for the reflections)."""
    return next_send(at, zone_name, now + MIN_GAP)


def due_later(now: datetime) -> datetime:
    return (now + LATER).replace(second=0, microsecond=0)


# ------------------------------------------------------------------------------------------------ typed words

_WORDS = re.compile(r"[^a-z ]+")
_POLITE = re.compile(r"^(?:ok(?:ay)? |please |sorry )+|(?: please| thanks| thank you| for now)+$")
_TYPED: dict[Typed, frozenset[str]] = {
    "skip": frozenset({
        "skip", "skip it", "skip this", "skip this one", "skip that", "skip that one", "skip this prompt",
        "skip prompt", "next", "next one", "next prompt",
        "pass", "can we skip", "can i skip", "can i skip this", "can i skip this one",
    }),
    "pause": frozenset({
        "pause", "pause it", "pause this", "pause writing",
        "pause the writing", "pause the course", "pause the prompts", "can we pause", "can i pause", "not now",
        "not today", "later", "maybe later", "another time", "take a break", "i need a break", "break",
        "i cant do this", "i cant", "its too much", "this is too much", "too much",
    }),
    "stop": frozenset({
        "stop", "stop it", "stop this", "stop writing", "stop the writing",
        "stop the course", "stop the prompts", "i want to stop", "i want to stop writing", "end", "quit",
        "cancel", "no more", "no more prompts", "i dont want to do this", "i dont want to do this anymore",
        "i do not want to do this", "i do not want to do this anymore",
    }),
}


def typed_choice(text: str) -> Typed | None:
    """"skip", "pause" or "stop" when that is all the message says (a whole short message only:
    a letter that says "I can't stop thinking of you" is a letter)."""
    if len(text) > 60:
        return None
    words = " ".join(_WORDS.sub("", text.casefold().replace("\u2019", "'").replace("'", "")).split())
    words = _POLITE.sub("", words).strip()
    return next((choice for choice, phrases in _TYPED.items() if words in phrases), None)
