"""The composition root: everything Feather runs on is built here, once, from one content folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.checked import CheckedCache
from bot.checks import check_content, understanding_checks
from bot.clock import Clock, SystemClock
from bot.config import SettingError, Settings, check_content_dir
from bot.content.followon import without_follow_on
from bot.content.loader import load_content
from bot.content.model import Content
from bot.content.problems import ContentInvalid, Problem
from bot.conversations import Conversations, EffectHandler
from bot.daily.actions import DailyActions
from bot.daily.dialog import DailyFeature
from bot.daily.dispatcher import POLL_SECONDS, DailyService, Dispatcher, Sender
from bot.daily.repository import DailyRepository
from bot.daily.zones import Places, ZoneFinder, load_places
from bot.engine.engine import Engine
from bot.engine.remembering import Remembering
from bot.engine.words import Words
from bot.matching import Matcher
from bot.safety import SafetyDetector
from bot.safety.config import load_safety
from bot.safety.deferred import Assessor, DeferredSafety
from bot.safety.learned import build_learned
from bot.store import Store
from bot.text import Lexicon, Normaliser
from bot.understanding import AboutReader, load_reader
from bot.writing.actions import WritingActions
from bot.writing.content import load_writing
from bot.writing.dialog import WritingFeature
from bot.writing.repository import WritingSchedule
from bot.writing.sending import ScheduledPrompts
from bot.writing.views import Views


def _nothing() -> None:
    """Nothing to warm up: the core was built whole."""


@dataclass
class Core:
    """The transport-free pieces, with no store: what ``--check``, ``--match`` and tests need."""

    root: Path
    content: Content
    normaliser: Normaliser
    matcher: Matcher
    safety: Assessor
    engine: Engine
    places: Places
    writing: WritingFeature
    reader: AboutReader | None = None
    """What a message says about a loss (content/understanding.yaml); None only on invalid content."""
    problems: list[Problem] = field(default_factory=list)
    warm_up: Callable[[], None] = _nothing
    """Starts what was left to build after start-up (the safety patterns); call once up."""


@dataclass
class App:
    """A running Feather: the core, the store, the clock and the conversations over them."""

    settings: Settings
    core: Core
    store: Store
    clock: Clock
    conversations: Conversations
    on_reload: list[Callable[[Core], None]] = field(default_factory=list, repr=False)
    """Who else holds content and must hear of a reload (the daily dispatcher)."""

    def reload(self) -> tuple[bool, str]:
        """Re-read and check the content folder (SIGHUP). On any error the content in use stays
        and the line says why; otherwise new turns and reflections use the new content."""
        root = self.core.root
        try:
            check_content_dir(root)
            core = build_core(root, strict=False)
        except (SettingError, OSError) as exc:
            return False, f"content not reloaded ({exc}); still using the content loaded before"
        errors = [p for p in core.problems if p.severity == "error"]
        if errors:
            shown, _ = without_follow_on(core.problems, root)
            first = next(p for p in shown if p.severity == "error")
            return False, (f"content not reloaded: {len(errors)} error(s), the first {first}; "
                           f"still using the content loaded before (run --check for all)")
        self.core = core
        self.conversations.use(core.engine, feature_effects(core, self.store))
        for listener in self.on_reload:
            listener(core)
        return True, (f"content reloaded from {root}: {len(core.content.flows)} flows, "
                      f"{count_examples(core)} examples, {len(core.content.reflections)} reflections")

    def daily_service(self, sender: Sender, poll: float = POLL_SECONDS) -> DailyService | None:
        """The daily reflections loop on a front end's sender; None when FEATHER_DAILY_RATE is 0."""
        if self.settings.daily_rate <= 0:
            return None
        prompts = ScheduledPrompts(WritingSchedule(self.store),
                                   lambda chat, incoming: self.conversations.take_turn(chat, incoming).messages)
        dispatcher = Dispatcher(DailyRepository(self.store), self.core.content, sender,
                                rate=self.settings.daily_rate, scheduled=prompts)
        self.on_reload.append(lambda core: setattr(dispatcher, "content", core.content))
        return DailyService(dispatcher, self.clock, poll=poll)


def build_core(root: Path, today: date | None = None, strict: bool = True,
               checked: CheckedCache | None = None) -> Core:
    """Load and check the content under ``root``, then build the engine with its features.
    Refuses invalid content unless ``strict`` is False (``--check`` lists the problems).

    With ``checked`` (the bot's start), files checked before on this code are not checked again,
    and the safety patterns compile in the background after start-up (``Core.warm_up``)."""
    day = today or date.today()
    loaded = load_content(root, today)
    content = loaded.content
    normaliser = Normaliser(Lexicon.from_sections(content.lexicon_sections))
    families = {flow: theme.id for theme in content.menu for flow in theme.flows}
    families = {flow.topic: families.get(flow.id, flow.topic) for flow in content.flows.values()}
    matcher = Matcher(list(content.flows.values()), normaliser, families=families,
                      out_of_scope=list(content.out_of_scope),
                      concepts=content.lexicon_sections.get("concepts"))
    places, places_problems = load_places(root)
    reader, reader_problems = load_reader(root)
    key = checked.key(root, day) if checked else ""
    known = checked.problems(key) if checked else None
    safety: Assessor
    warm_up: Callable[[], None] = _nothing
    if known is None:
        safety, problems = _build_safety(root, normaliser, day, content_phrases(content))
        problems += check_content(loaded, normaliser, root, _story_entries(reader))
        if reader is not None:
            problems += understanding_checks(content, reader.words)
        if checked:
            checked.keep(key, problems)
    else:
        ordinary = content_phrases(content)
        deferred = DeferredSafety(lambda: _build_safety(root, normaliser, day, ordinary)[0])
        safety, problems, warm_up = deferred, known, deferred.warm_up
    course, writing_problems = load_writing(root)
    problems = loaded.problems + problems + places_problems + reader_problems + writing_problems
    if strict and any(p.severity == "error" for p in problems):
        raise ContentInvalid(problems)
    daily = DailyFeature(ZoneFinder(places), normaliser)
    writing = WritingFeature(course, Views(course, Words(content).menu_button()))
    remembering = Remembering(reader) if reader else None
    engine = Engine(content, normaliser, matcher, safety, features=[daily, writing], reader=reader,
                    remembering=remembering)
    return Core(root, content, normaliser, matcher, safety, engine, places, writing, reader, problems, warm_up)


def _story_entries(reader: AboutReader | None) -> dict[str, list[str]]:
    """The story flow's nodes the engine opens itself (no button leads to them)."""
    story = reader.words.story if reader else None
    if story is None:
        return {}
    return {story.flow: [node for node, _ in story.nodes.values()]
            + ([story.twins_node[0]] if story.twins_node else [])}


def content_phrases(content: Content) -> tuple[str, ...]:
    """What the content answers (flow examples, out-of-scope messages): the learned safety layer
    learns from them what ordinary grief talk sounds like."""
    return (*(e.text for flow in content.flows.values() for e in flow.examples), *content.out_of_scope)


def _build_safety(root: Path, normaliser: Normaliser, today: date,
                  ordinary: tuple[str, ...] = ()) -> tuple[SafetyDetector, list[Problem]]:
    """The safety detector from ``root``'s safety.yaml and safety_examples.yaml (compiling its
    patterns and training the learned layer are most of a start-up), and their problems."""
    config, problems = load_safety(root / "content" / "safety.yaml", normaliser, today=today)
    learned, learned_problems = build_learned(root / "content" / "safety_examples.yaml", normaliser,
                                              today=today, ordinary=ordinary)
    return SafetyDetector(normaliser, config, learned), problems + learned_problems


def count_examples(core: Core) -> int:
    return sum(len(flow.examples) for flow in core.content.flows.values())


def feature_effects(core: Core, store: Store) -> dict[str, EffectHandler]:
    """How the features' effects (daily: subscribe, pause, ...; writing: the schedule, replies that
    depend on daily reflections) are applied, in this core's words."""
    daily = DailyActions(core.engine.words, DailyRepository(store), core.places)
    writing = WritingActions(core.writing.views, WritingSchedule(store), DailyRepository(store), daily.when)
    return {**daily.handlers(), **writing.handlers()}


def build_conversations(core: Core, store: Store, clock: Clock | None = None) -> Conversations:
    """Conversations over ``store``, with every feature's effects (daily: subscribe, pause, ...)."""
    return Conversations(core.engine, store, clock or SystemClock(), effects=feature_effects(core, store))


def build_app(settings: Settings, *, root: Path | None = None, core: Core | None = None,
              clock: Clock | None = None, db_path: str | Path | None = None) -> App:
    """Everything, from ``root`` (default: the settings' content folder); a test may pass a core."""
    core = core or build_core(root or settings.content_dir)
    store = Store(db_path or settings.db_path)
    clock = clock or SystemClock()
    return App(settings, core, store, clock, build_conversations(core, store, clock))
