"""Button data: a short verb and an argument, validated before anything acts on it.

Format ``verb`` or ``verb:arg``; verbs are fixed, arguments are ids. Anything else (forged,
oversized, from an old version) is rejected here, so no handler sees unchecked data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.types import MAX_BUTTON_DATA

NODE = "n"
"""``n:flow/node``: show a node."""
FLOW = "f"
"""``f:flow``: start a flow."""
SOURCES = "s"
MENU = "m"
THEME = "t"
SPECIAL = "x"
"""``x:country``, ``x:support``, ``x:<feature command>``: a YAML goto that is not a flow."""
COUNTRY = "c"
FORGET = "fg"
SAFE = "safe"
"""The buttons under a safety reply."""

_ARG = re.compile(r"^[A-Za-z0-9_/.:+-]{1,56}$")
_VERB = re.compile(r"^[a-z]{1,6}$")


@dataclass(frozen=True)
class Press:
    verb: str
    arg: str


def encode(verb: str, arg: str = "") -> str:
    data = f"{verb}:{arg}" if arg else verb
    if len(data.encode()) > MAX_BUTTON_DATA or not _VERB.match(verb) or (arg and not _ARG.match(arg)):
        raise ValueError(f"button data out of format: {data!r}")
    return data


def decode(data: str | None) -> Press | None:
    """The press, or None when the data is not something Feather could have made."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_BUTTON_DATA:
        return None
    verb, _, arg = data.partition(":")
    if not _VERB.match(verb) or (arg and not _ARG.match(arg)):
        return None
    return Press(verb, arg)
