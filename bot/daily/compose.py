"""A day's reflection as one message: a gentle acknowledgement on a shared date, the reflection,
its optional question. One message per person per day, so per-chat pacing never has to split it.

Dates are mentioned on their day only, and the Wave of Light (15 October) only to people who
chose to share a date.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from html import escape

from bot.content.model import Content, Reflection
from bot.daily.buttons import Act, data
from bot.daily.timeparse import MonthDay
from bot.engine.types import Button, OutMessage

WAVE_OF_LIGHT = (10, 15)
SETTINGS_DATA = data(Act.SETTINGS)


def special_keys(slot: date, due: MonthDay | None, loss: MonthDay | None) -> list[str]:
    """Which ``special`` texts of reflections.yaml belong to this local date, in order."""
    leap = calendar.isleap(slot.year)
    keys = []
    if due is not None and due.falls_on(slot.month, slot.day, leap):
        keys.append("due_date")
    if loss is not None and loss.falls_on(slot.month, slot.day, leap):
        keys.append("loss_anniversary")
    if (due is not None or loss is not None) and (slot.month, slot.day) == WAVE_OF_LIGHT:
        keys.append("wave_of_light")
    return keys


def message_text(content: Content, key: str) -> str:
    variants = content.messages.get(key)
    return variants[0] if variants else key


def reflection_message(content: Content, reflection: Reflection, specials: Sequence[str] = (),
                       with_settings: bool = True) -> OutMessage:
    parts = [escape(content.special_reflections[k], quote=False) for k in specials if k in content.special_reflections]
    parts.append(escape(reflection.text, quote=False))  # reflections are plain text, not HTML
    if reflection.prompt:
        parts.append(message_text(content, "daily_prompt_lead").format(prompt=escape(reflection.prompt, quote=False)))
    buttons = (Button(message_text(content, "daily_label_settings"), SETTINGS_DATA),) if with_settings else ()
    return OutMessage("\n\n".join(parts), buttons)


def reflections_by_id(content: Content) -> dict[str, Reflection]:
    return {r.id: r for r in content.reflections}
