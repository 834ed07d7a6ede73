"""The optional features wired into the engine. (Daily reflections plug in here.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.engine.features import Feature
from bot.store import Store

if TYPE_CHECKING:
    from bot.app import Core


def build_features(core: "Core", store: Store, clock: Clock) -> list[Feature]:
    from bot.daily.build import build_daily_feature

    return [build_daily_feature(core, store, clock, getattr(core, "root", None))]
