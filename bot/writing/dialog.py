"""The writing course as an engine Feature: /write, the ``wr`` buttons, their words at a prompt, and
the pause after a safety reply (``on_risk``). A message is looked at for one thing only, whether it
is all "skip", "pause" or "stop"; otherwise it is writing, and goes nowhere (docs/writing.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.engine.turn import Turn
from bot.engine.types import Effect, Incoming, OutMessage, Reply, UserState
from bot.understanding.fit import Person
from bot.writing import course as steps
from bot.writing.content import WritingCourse
from bot.writing.course import Position
from bot.writing.views import VERB, Views

COMMAND = "write"
_HELP = frozenset({"help", "sos", "urgent", "help me", "emergency", "i need help"})
"""Left to the engine's help reply (it comes after features' intercepts)."""


def position_of(state: UserState, total: int) -> Position | None:
    """The kept position, if it still fits the course (a shorter course after an edit: none)."""
    position = Position.from_dict(state.writing)
    return position if position is not None and position.step < total else None


def keep(state: UserState, position: Position | None) -> None:
    """The new position in the conversation state; a finished or stopped course leaves nothing."""
    state.writing = position.to_dict() if position is not None else {}


def person_of(incoming: Incoming) -> Person:
    """Role and baby's name, when the person chose to let Feather keep them (``Incoming.kept``,
    the loss-aware profile); otherwise every prompt uses its words for anyone."""
    kept = incoming.kept
    return Person(role=kept.role, name=kept.name or None) if kept is not None else Person()


class WritingFeature:
    commands: tuple[str, ...] = (COMMAND,)
    verbs = frozenset({VERB})
    pending: frozenset[str] = frozenset()

    def __init__(self, course: WritingCourse, views: Views) -> None:
        self.course = course
        self.views = views

    # ----------------------------------------------------------------- the engine's calls
    def on_command(self, turn: Turn, command: str, args: str) -> Reply:
        position = position_of(turn.state, self.course.total)
        if position is None:
            return turn.reply(*self.views.framing(), events=["writing_offered"])
        return self._where_you_are(turn, position)

    def on_button(self, turn: Turn, verb: str, arg: str) -> Reply:
        action, _, rest = arg.partition("/")
        step = int(rest) if rest.isdigit() else None
        position = position_of(turn.state, self.course.total)
        now = turn.incoming.now
        if action == "go" and position is not None:
            return self._where_you_are(turn, position)  # "Begin" on an old message: never lose the place
        if action in ("go", "ov"):
            return self._show(turn, steps.begin(now), events=["writing_begin"], unschedule=position is not None)
        if action == "rs":
            return turn.reply(*self.views.research())
        if action == "nn":
            return turn.reply(*self.views.not_now())
        if action == "kp":
            written = position is not None and position.status == "written"
            return self._effect(turn, "writing_keep", step=str(position.step) if written and position else "")
        if action == "st":
            return self._stop(turn, position)
        if action == "due":
            return self._due(turn, position, step)
        if position is None:
            return turn.reply(*self.views.not_started())
        if action == "co":
            return self._show(turn, steps.next_now(position, self.course.total, now), unschedule=True)
        if action == "ks" and position.status == "scheduled":
            return self._effect(turn, "writing_when", step=str(position.step), confirm="1")
        if step != position.step:
            return self._where_you_are(turn, position)  # a button on an older message
        if action == "sk":
            return self._skip(turn, position)
        if action == "pa":
            return self._pause(turn, position)
        if position.status != "written":
            return self._where_you_are(turn, position)
        if action == "nx":
            return self._show(turn, steps.next_now(position, self.course.total, now))
        if action in ("nd", "nl"):
            return self._schedule(turn, position, daily=action == "nd")
        if action == "fin":
            keep(turn.state, None)
            return turn.reply(*self.views.finished(), events=["writing_finished"])
        return turn.unknown_button_reply()

    def on_pending(self, turn: Turn, text: str) -> Reply | None:
        return None

    def intercept(self, turn: Turn, text: str) -> Reply | None:
        """Their words at a prompt: "skip" / "pause" / "stop", or a piece of writing."""
        position = position_of(turn.state, self.course.total)
        if position is None or not position.listening(turn.incoming.now):
            return None
        if _plain(text) in _HELP or turn.safety.level is not None or turn.safety.concern is not None:
            return None  # help, and anything the safety check answers or notices, is the engine's
        choice = steps.typed_choice(text)
        if choice == "skip":
            return self._skip(turn, position)
        if choice == "pause":
            return self._pause(turn, position)
        if choice == "stop":
            return self._stop(turn, position)
        first_part = position.status == "open"
        keep(turn.state, steps.wrote(position, turn.incoming.now))
        if not first_part and steps.same_letter(position, turn.incoming.now):
            return turn.reply()  # a long letter Telegram split in parts: one thanks is enough
        return self._effect(turn, "writing_ack", events=["writing_piece"] if first_part else [],
                            step=str(position.step), variant=str(turn.state.turn + position.step),
                            first="1" if first_part else "")

    def on_risk(self, turn: Turn) -> list[Effect]:
        """A crisis, urgent-medical reply or check-in: the course pauses and stays paused until the
        person resumes it. Nothing is said about it here: the safety reply is the whole reply."""
        position = position_of(turn.state, self.course.total)
        if position is None or position.status == "paused":
            return []
        keep(turn.state, steps.pause(position))
        return [Effect("writing_unschedule", {})]

    # ----------------------------------------------------------------- moves
    def _show(self, turn: Turn, position: Position | None, lead: str | None = None,
              events: list[str] | None = None, unschedule: bool = False,
              before: list[OutMessage] | None = None) -> Reply:
        keep(turn.state, position)
        effects = [Effect("writing_unschedule", {})] if unschedule else []
        messages = list(before or [])
        if position is None:
            messages += self.views.finished()
            return turn.reply(*messages, effects=effects, events=[*(events or []), "writing_finished"])
        messages += self.views.prompt(position, person_of(turn.incoming), lead)
        return turn.reply(*messages, effects=effects, events=events)

    def _skip(self, turn: Turn, position: Position) -> Reply:
        following = steps.skip(position, self.course.total, turn.incoming.now)
        return self._show(turn, following, events=["writing_skip"], unschedule=position.status == "scheduled",
                          before=[self.views.skipped()])

    def _pause(self, turn: Turn, position: Position) -> Reply:
        paused = steps.pause(position)
        if paused.step >= self.course.total:
            keep(turn.state, None)
            return turn.reply(*self.views.finished(), events=["writing_finished"])
        keep(turn.state, paused)
        return turn.reply(*self.views.paused(paused), effects=[Effect("writing_unschedule", {})],
                          events=["writing_pause"])

    def _stop(self, turn: Turn, position: Position | None) -> Reply:
        if position is None:
            return turn.reply(*self.views.not_started())
        keep(turn.state, None)
        return turn.reply(*self.views.stopped(), effects=[Effect("writing_unschedule", {})], events=["writing_stop"])

    def _schedule(self, turn: Turn, position: Position, daily: bool) -> Reply:
        scheduled = steps.schedule(position, self.course.total)
        if scheduled is None:
            return self._show(turn, None)
        keep(turn.state, scheduled)
        return self._effect(turn, "writing_schedule", events=["writing_scheduled"], step=str(scheduled.step),
                            daily="1" if daily else "")

    def _due(self, turn: Turn, position: Position | None, step: int | None) -> Reply:
        """The sending loop's turn for a scheduled prompt: show it, if it is still wanted."""
        if position is None or position.status != "scheduled" or position.step != step:
            return turn.reply()  # stopped, paused or moved on since: nothing is sent
        return self._show(turn, steps.show(position.step, self.course.total, turn.incoming.now),
                          lead=self.course.text("scheduled_lead"), events=["writing_prompt_sent"])

    def _where_you_are(self, turn: Turn, position: Position) -> Reply:
        if position.status == "scheduled":
            return self._effect(turn, "writing_when", step=str(position.step))
        if steps.finished(position, self.course.total):
            keep(turn.state, None)
            return turn.reply(*self.views.finished(), events=["writing_finished"])
        if position.status == "open" and position.listening(turn.incoming.now):
            return self._show(turn, position)  # the prompt at hand, again
        return turn.reply(*self.views.welcome_back(position))

    @staticmethod
    def _effect(turn: Turn, kind: str, /, events: list[str] | None = None, **values: str) -> Reply:
        payload: dict[str, Any] = {"now": turn.incoming.now.isoformat(), **values}
        return turn.reply(effects=[Effect(kind, payload)], events=events)


def _plain(text: str) -> str:
    return " ".join(text.casefold().strip(" .!?").split())


def now_of(effect: Effect) -> datetime:
    return datetime.fromisoformat(effect.data["now"])
