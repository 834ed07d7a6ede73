"""Scheduled prompts for the one sending loop (``daily.dispatcher.Scheduled``): claim the due ones,
then play each as a turn.

Each prompt is a ``wr:due/<n>`` turn through the engine, under the chat's lock like any message,
so the prompt and the new position come from the same place as every other reply (and a course
paused, stopped or forgotten since sends nothing). The rows are deleted when claimed: a prompt is
sent at most once; one lost to a failed send is shown again by /write.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.engine.types import Incoming, OutMessage
from bot.writing.repository import WritingSchedule
from bot.writing.views import data

Play = Callable[[int, Incoming], list[OutMessage]]
"""Takes one turn for a chat (``Conversations.take_turn(...).messages``)."""


class ScheduledPrompts:
    def __init__(self, schedule: WritingSchedule, play: Play) -> None:
        self.schedule = schedule
        self.play = play

    def claim(self, now: datetime, limit: int, chat_id: int | None = None) -> list[tuple[int, list[OutMessage]]]:
        """The messages for every prompt due at ``now`` (one chat's only, with ``chat_id``)."""
        sends = [(due.chat_id, self.play(due.chat_id, Incoming(now, button=data("due", due.step))))
                 for due in self.schedule.claim_due(now, limit, chat_id)]
        return [(chat, messages) for chat, messages in sends if messages]

    def next_due(self) -> datetime | None:
        return self.schedule.next_due()
