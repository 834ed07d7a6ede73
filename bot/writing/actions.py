"""What the writing course's effects do with the chat id: the schedule, and replies that depend on
whether the person has daily reflections (their daily time, their time zone)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.daily.repository import DailyRepository
from bot.engine.types import Effect, OutMessage
from bot.writing import course as steps
from bot.writing.course import Position
from bot.writing.dialog import now_of
from bot.writing.repository import WritingSchedule
from bot.writing.views import Views

When = Callable[[datetime, str, datetime], str]
"""(moment, zone, now) -> 'today at 08:00' / 'tomorrow at 08:00' / 'on Friday 14 March at 08:00'."""
EffectHandler = Callable[[int, Effect], list[OutMessage]]


class WritingActions:
    def __init__(self, views: Views, schedule: WritingSchedule, daily: DailyRepository, when: When) -> None:
        self.views = views
        self.schedule = schedule
        self.daily = daily
        self.when = when

    def handlers(self) -> dict[str, EffectHandler]:
        return {
            "writing_ack": self.acknowledge,
            "writing_schedule": self.set_schedule,
            "writing_unschedule": self.unschedule,
            "writing_when": self.show_when,
            "writing_keep": self.keep_how,
        }

    def acknowledge(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        step = int(effect.data.get("step", "0"))
        daily = self.daily.get(chat_id) is not None
        return self.views.acknowledged(Position(step, "written"), int(effect.data.get("variant", "0")), daily,
                                       first_part=bool(effect.data.get("first")))

    def keep_how(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        """How to keep a letter; after writing, with the choices of what comes next again."""
        step = effect.data.get("step", "")
        if not step.isdigit():
            return self.views.keep_how(())
        buttons = self.views.next_buttons(Position(int(step), "written"), self.daily.get(chat_id) is not None)
        return self.views.keep_how(tuple(b for b in buttons if not b.data.startswith("wr:kp")))

    def set_schedule(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        """At their daily time (with daily reflections), else about this time tomorrow."""
        now, step = now_of(effect), int(effect.data.get("step", "0"))
        sub = self.daily.get(chat_id) if effect.data.get("daily") else None
        due = steps.due_at_daily(now, sub.local_time, sub.zone) if sub else steps.due_later(now)
        self.schedule.set(chat_id, step, due, now)
        when = self.when(due, sub.zone, now) if sub else self.views.course.text("when_later")
        return self.views.scheduled(when, daily=sub is not None)

    def unschedule(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        self.schedule.clear(chat_id)
        return []

    def show_when(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        now = now_of(effect)
        due = self.schedule.get(chat_id)
        if due is None:  # already sent (or never set): carry on from here
            return self.views.welcome_back(Position(int(effect.data.get("step", "0")), "paused"))
        sub = self.daily.get(chat_id)
        if sub is not None:
            when = self.when(due.due, sub.zone, now)
        else:
            hours = max(1, round((due.due - now).total_seconds() / 3600))
            when = self.views.course.text("when_hours", hours=str(hours))
        if effect.data.get("confirm"):
            return self.views.scheduled(when, daily=False)
        return self.views.welcome_scheduled(Position(due.step, "scheduled"), when)
