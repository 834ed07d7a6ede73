"""messages.yaml's words and the buttons many replies share."""

from __future__ import annotations

from html import escape

from bot.content.model import Content
from bot.engine import callbacks
from bot.engine.types import Button

OTHER_COUNTRY = "XX"
"""The "Anywhere else" entry of resources.yaml: its button is labelled from messages.yaml."""


class Words:
    """Texts by key, variants rotating by turn, values HTML-escaped."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def text(self, key: str, rotation: int = 0, /, **values: str) -> str:
        variants = self.content.messages.get(key) or (key,)
        chosen = variants[rotation % len(variants)]
        return chosen.format(**{k: escape(v) for k, v in values.items()}) if values else chosen

    def has(self, key: str) -> bool:
        return key in self.content.messages

    def menu_button(self) -> Button:
        return Button(self.text("label_menu"), callbacks.encode(callbacks.MENU))

    def menu_buttons(self) -> tuple[Button, ...]:
        return tuple(Button(theme.label, callbacks.encode(callbacks.THEME, theme.id)) for theme in self.content.menu)

    def special_button(self, target: str) -> Button:
        """A menu theme's entry that is not a flow (``/write``): labelled ``label_special_<target>``."""
        return Button(self.text(f"label_special_{target}"), callbacks.encode(callbacks.SPECIAL, target))

    def flow_button(self, flow_id: str) -> Button:
        flow = self.content.flows[flow_id]
        return Button(flow.title, callbacks.encode(callbacks.FLOW, flow.id))

    def country_buttons(self) -> tuple[Button, ...]:
        return tuple(
            Button(c.name if c.code != OTHER_COUNTRY else self.text("label_elsewhere"),
                   callbacks.encode(callbacks.COUNTRY, c.code))
            for c in self.content.countries.values()
        )
