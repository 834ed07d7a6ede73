"""The command menu Telegram shows beside the text box, registered at start-up.

The descriptions come from the content: a ``command_<name>`` message if messages.yaml has one,
else the command's line in the ``help`` message ("/menu: the themes we can talk about"), else
a plain fallback here. Feature commands (``feature.commands``) bring their own descriptions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from telegram import BotCommand

from bot.engine.turn import Feature
from bot.engine.words import Words

CORE_COMMANDS = ("start", "menu", "help", "about", "country", "privacy", "mydata", "forget")
_FALLBACK = {
    "start": "begin again, from the welcome",
    "help": "helplines now, and what I can do",
    "menu": "the themes we can talk about",
    "about": "who I am",
    "country": "your country, for the right helplines",
    "privacy": "what I keep, and why",
    "mydata": "everything I have stored about you",
    "forget": "delete all of it",
}
_VALID_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


def _from_help(words: Words) -> dict[str, str]:
    lines = words.content.messages.get("help") or ()
    found: dict[str, str] = {}
    for variant in lines:
        for match in re.finditer(r"^/([a-z0-9_]+):\s*(.+?)\s*$", variant, re.M):
            found.setdefault(match.group(1), match.group(2))
    return found


def command_menu(words: Words, features: Sequence[Feature] = ()) -> list[BotCommand]:
    """Core commands first, then each feature's, once each, with Telegram's length limits kept."""
    helped = _from_help(words)
    menu: dict[str, str] = {}
    for name in CORE_COMMANDS:
        own = words.content.messages.get(f"command_{name}")
        menu[name] = own[0] if own else helped.get(name) or _FALLBACK[name]
    for feature in features:
        for name, description in feature.commands.items():
            menu.setdefault(name, description)
    return [BotCommand(name, description.strip()[:256]) for name, description in menu.items()
            if _VALID_NAME.match(name) and description.strip()]
