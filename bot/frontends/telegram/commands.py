"""The command menu Telegram shows beside the text box, registered at start-up.

Each command's line is messages.yaml's ``command_<name>`` (``--check`` requires them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from telegram import BotCommand

from bot.engine.turn import Feature
from bot.engine.words import Words

CORE_COMMANDS = ("start", "menu", "help", "about", "country", "privacy", "mydata", "forget")
_VALID_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


def command_names(features: Sequence[Feature] = ()) -> list[str]:
    """Core commands first, then each feature's, once each."""
    names = dict.fromkeys(CORE_COMMANDS)
    for feature in features:
        names.update(dict.fromkeys(feature.commands))
    return list(names)


def command_menu(words: Words, features: Sequence[Feature] = ()) -> list[BotCommand]:
    """The menu, with Telegram's limits kept (name format, 256 characters)."""
    menu = []
    for name in command_names(features):
        description = words.text(f"command_{name}").strip() if words.has(f"command_{name}") else ""
        if _VALID_NAME.match(name) and description:
            menu.append(BotCommand(name, description[:256]))
    return menu
