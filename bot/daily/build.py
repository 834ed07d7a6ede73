"""Wiring: the daily Feature for ``bot/features.py`` and cities.yaml problems for ``build_core``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.daily.actions import DailyActions
from bot.daily.dialog import DailyFeature
from bot.daily.repository import DailyRepository
from bot.daily.zones import ZoneFinder, load_places
from bot.store import Store

if TYPE_CHECKING:
    from bot.app import Core


def build_daily_feature(core: "Core", store: Store, clock: Clock, root: Path | None = None) -> DailyFeature:
    from bot import PROJECT_ROOT

    places, _ = load_places(root or PROJECT_ROOT)
    actions = DailyActions(core.engine, DailyRepository(store), places)
    return DailyFeature(actions, ZoneFinder(places))
