"""The daily feature's button data, ``dl:<act>/<arg>/<arg>``: every act named once, here."""

from __future__ import annotations

from bot.engine import callbacks

VERB = "dl"


class Act:
    NEW = "new"
    """Start the set-up (from a preview)."""
    NOT_NOW = "no"
    SETTINGS = "set"
    TIME = "t"
    """``t/HHMM``: a time chosen while setting up."""
    NEW_TIME = "tc"
    """``tc/HHMM``: a time chosen to change it."""
    ZONE = "z"
    """``z/HHMM/Area/City``: a zone chosen, with the time chosen before it."""
    ZONE_ONLY = "zk"
    """``zk/Area/City``: a new zone, keeping the time."""
    NOW = "now"
    CHANGE_TIME = "ct"
    CHANGE_ZONE = "cz"
    PAUSE_ASK = "pz"
    PAUSE = "p"
    """``p/3``, ``p/7``, ``p/0`` (until resumed)."""
    RESUME = "r"
    STOP = "stop"
    DATES = "dd"
    DATE_ASK = "da"
    """``da/due``, ``da/loss``."""
    DATE_KEEP = "dk"
    """``dk/<kind>/MMDD``."""
    DATE_DISCARD = "dn"
    DATES_CLEAR = "dx"


def data(*parts: str) -> str:
    """Button data for the daily feature: ``dl:part/part``."""
    return callbacks.encode(VERB, "/".join(parts))
