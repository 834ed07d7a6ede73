"""The composition root: content, normaliser, matcher, safety, engine and store, built once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.clock import Clock, SystemClock
from bot.content.checks import check_content
from bot.content.loader import load_content
from bot.content.model import Content
from bot.content.problems import ContentInvalid, Problem
from bot.conversations import Conversations
from bot.daily.zones import cities_problems
from bot.engine.engine import Engine
from bot.engine.features import Feature
from bot.matching import Matcher
from bot.safety import SafetyDetector
from bot.safety.config import load_safety
from bot.safety.learned import build_learned
from bot.store import Store
from bot.text import Lexicon, Normaliser


@dataclass
class Core:
    """What every front end needs, ready to use."""

    content: Content
    normaliser: Normaliser
    matcher: Matcher
    safety: SafetyDetector
    engine: Engine
    problems: list[Problem] = field(default_factory=list)


def build_core(root: Path, today: date | None = None, strict: bool = True) -> Core:
    """Load and check content, then build the transport-free pieces. Refuses invalid content."""
    loaded = load_content(root, today)
    content = loaded.content
    normaliser = Normaliser(Lexicon.from_sections(content.lexicon_sections))
    families = {flow: theme.id for theme in content.menu for flow in theme.flows}
    families = {flow.topic: families.get(flow.id, flow.topic) for flow in content.flows.values()}
    matcher = Matcher(list(content.flows.values()), normaliser, families=families,
                      out_of_scope=list(content.out_of_scope),
                      concepts=content.lexicon_sections.get("concepts"))
    safety_config, safety_problems = load_safety(root / "content" / "safety.yaml", normaliser,
                                                 today=today or date.today())
    learned, learned_problems = build_learned(root / "content" / "safety_examples.yaml", normaliser,
                                              today=today or date.today())
    safety_problems += learned_problems
    safety = SafetyDetector(normaliser, safety_config, learned)
    engine = Engine(content, normaliser, matcher, safety)
    problems = loaded.problems + safety_problems + check_content(loaded, matcher, normaliser)
    problems += cities_problems(root)  # content/cities.yaml, read by bot/daily
    if strict and any(p.severity == "error" for p in problems):
        raise ContentInvalid(problems)
    return Core(content, normaliser, matcher, safety, engine, problems)


def build_conversations(core: Core, store: Store, clock: Clock | None = None,
                        features: list[Feature] | None = None) -> Conversations:
    core.engine.features = list(features or [])
    conversations = Conversations(core.engine, store, clock or SystemClock())
    for feature in core.engine.features:  # a feature's own effects (e.g. daily: subscribe, pause)
        for kind, handler in getattr(feature, "effects", {}).items():
            conversations.on_effect(kind, handler)
    return conversations
