"""The writing course's messages and buttons, built from content/writing.yaml and a position.

Buttons carry the prompt they belong to (``wr:sk/3``), so a press on an old message can be told
from one on the prompt at hand. Nothing here ever sees what someone wrote.
"""

from __future__ import annotations

from html import escape

from bot.engine import callbacks
from bot.engine.types import Button, OutMessage
from bot.understanding.fit import Person
from bot.writing.content import WritingCourse
from bot.writing.course import Position

VERB = "wr"


def data(action: str, step: int | None = None) -> str:
    return callbacks.encode(VERB, f"{action}/{step}" if step is not None else action)


class Views:
    def __init__(self, course: WritingCourse, menu: Button) -> None:
        self.course = course
        self.menu = menu

    def button(self, label: str, action: str, step: int | None = None) -> Button:
        return Button(self.course.labels.get(label, label), data(action, step))

    # ----------------------------------------------------------------- before the first prompt
    def framing(self) -> list[OutMessage]:
        text = self.course.text("framing", total=str(self.course.total))
        return [OutMessage(text, (self.button("begin", "go"), self.button("research", "rs"),
                                  self.button("not_now", "nn")))]

    def research(self) -> list[OutMessage]:
        lines = [self.course.text("research"), "", self.course.text("sources_intro")]
        lines += [f"• {escape(self.course.sources[s].short())}" for s in self.course.research_sources]
        return [OutMessage("\n".join(lines), (self.button("begin", "go"), self.button("not_now", "nn")))]

    def not_now(self) -> list[OutMessage]:
        return [OutMessage(self.course.text("not_now"), (self.menu,))]

    # ----------------------------------------------------------------- a prompt
    def prompt(self, position: Position, person: Person, lead: str | None = None) -> list[OutMessage]:
        course, step = self.course, position.step
        prompt = course.prompts[step]
        parts = [lead] if lead else []
        parts.append(course.text("prompt_heading", number=str(step + 1), total=str(course.total)))
        phase = course.phase(prompt.phase)
        if phase is not None and course.starts_phase(step):
            parts.append(phase.intro)
        parts.append(prompt.text_for(person.role, escape(person.name) if person.name else None))
        parts.append(course.text("prompt_footer"))
        buttons = (self.button("skip", "sk", step), self.button("pause", "pa", step), self.button("stop", "st"))
        return [OutMessage("\n\n".join(parts), buttons)]

    # ----------------------------------------------------------------- after a piece of writing
    def acknowledged(self, position: Position, variant: int, daily: bool, first_part: bool) -> list[OutMessage]:
        """Thanks (never a word of theirs), how to keep it the first time, and what comes next."""
        course = self.course
        last = position.step + 1 >= course.total
        if not first_part:
            return [OutMessage(course.text("more", variant), self.next_buttons(position, daily))]
        parts = [course.text("acknowledge", variant)]
        if position.step == 0:
            parts.append(course.text("keep_hint"))
        parts.append(course.text("choose_last" if last else "choose_next"))
        return [OutMessage("\n\n".join(parts), self.next_buttons(position, daily))]

    def next_buttons(self, position: Position, daily: bool) -> tuple[Button, ...]:
        step = position.step
        if step + 1 >= self.course.total:
            return (self.button("done", "fin", step), self.button("keep", "kp"))
        later = self.button("next_daily", "nd", step) if daily else self.button("next_later", "nl", step)
        return (self.button("next_now", "nx", step), later, self.button("pause", "pa", step), self.button("keep", "kp"))

    def keep_how(self, buttons: tuple[Button, ...]) -> list[OutMessage]:
        return [OutMessage(self.course.text("keep_how"), buttons)]

    # ----------------------------------------------------------------- ways out and back
    def skipped(self) -> OutMessage:
        return OutMessage(self.course.text("skipped"))

    def paused(self, position: Position) -> list[OutMessage]:
        return [OutMessage(self.course.text("paused", number=str(position.step + 1)), (self.menu,))]

    def stopped(self) -> list[OutMessage]:
        return [OutMessage(self.course.text("stopped"), (self.menu,))]

    def not_started(self) -> list[OutMessage]:
        return [OutMessage(self.course.text("not_started"), (self.menu,))]

    def finished(self) -> list[OutMessage]:
        return [OutMessage(self.course.text("finished"), (self.menu,))]

    def scheduled(self, when: str, daily: bool) -> list[OutMessage]:
        return [OutMessage(self.course.text("scheduled_daily" if daily else "scheduled", when=escape(when)),
                           (self.menu,))]

    def welcome_back(self, position: Position) -> list[OutMessage]:
        text = self.course.text("welcome_back", number=str(position.upcoming + 1), total=str(self.course.total))
        return [OutMessage(text, (self.button("carry_on", "co"), self.button("start_over", "ov"),
                                  self.button("stop", "st")))]

    def welcome_scheduled(self, position: Position, when: str) -> list[OutMessage]:
        text = self.course.text("welcome_scheduled", number=str(position.step + 1), total=str(self.course.total),
                                when=escape(when))
        return [OutMessage(text, (self.button("now_instead", "co"), self.button("keep_schedule", "ks"),
                                  self.button("stop", "st")))]
