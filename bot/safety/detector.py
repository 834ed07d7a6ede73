"""Spot crisis and urgent-medical messages. (Provisional: the safety issue replaces the patterns.)"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.text.normalise import Normaliser

Level = Literal["crisis", "medical", "checkin"]


@dataclass(frozen=True)
class SafetyResult:
    level: Level | None = None
    language: str | None = None


_CRISIS = [r"\bkill (my ?self|me)\b", r"\bsuicid", r"\bwant to die\b", r"\bend (my|it) (life|all)\b"]
_MEDICAL = [r"\bsoak\w* (a |through )?(pad|pads)\b", r"\bfaint", r"\bshoulder tip pain\b"]


class SafetyDetector:
    def __init__(self, normaliser: Normaliser) -> None:
        self._normaliser = normaliser
        self._crisis = [re.compile(p) for p in _CRISIS]
        self._medical = [re.compile(p) for p in _MEDICAL]

    def assess(self, text: str) -> SafetyResult:
        norm = self._normaliser.normalise(text)
        if any(p.search(norm) for p in self._crisis):
            return SafetyResult("crisis", "en")
        if any(p.search(norm) for p in self._medical):
            return SafetyResult("medical", "en")
        return SafetyResult()
