"""Small content folders for the foundation's tests, written into ``tmp_path``.

``make_root`` copies the real ``content/`` folder (lexicon, sources, helplines, messages, ...) and
writes its own tiny ``dialogs/`` and ``content/menu.yaml``, so tests never depend on the dialog
texts colleagues are still writing. The default dialogs are valid: a few hand-written flows with
realistic examples, plus one filler flow (nonsense examples, one node) for every other topic, so
``--check`` passes on them. ``slim=True`` swaps the three big content files for small ones.

``build``/``load`` run the real ``build_core``/``load_content`` with two test-only caches (each
distinct file parsed once, the safety patterns compiled once), so dozens of builds stay fast.
``run_bot`` runs the real script in a subprocess with a clean environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from pathlib import Path
from unittest.mock import patch

import yaml

from bot import PROJECT_ROOT, app
from bot.app import Core, build_core
from bot.config import read_dotenv
from bot.content import loader, yamlsrc
from bot.content.loader import Loaded
from bot.content.model import TOPICS
from bot.content.problems import Problem
from bot.safety import SafetyDetector

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
RUN_BOT = PROJECT_ROOT / "run_bot.py"


@lru_cache(maxsize=1)
def _real_source_ids() -> tuple[str, ...]:
    fast = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load((PROJECT_ROOT / "content" / "sources.yaml").read_text(encoding="utf-8"), fast)
    return tuple(str(item["id"]) for item in data["sources"])


def real_source_ids() -> list[str]:
    """Ids in the real content/sources.yaml (read, not assumed: colleagues edit that file)."""
    return list(_real_source_ids())


def _examples(lines: Iterable[str]) -> str:
    return "".join(f"      - {line}\n" for line in lines)


# ------------------------------------------------------------------------------ hand-written flows

EXAMPLES: dict[str, list[str]] = {
    "mc_duration": [
        "how long do the babys cells stay in me",
        "do the cells stay forever",
        "is it true the cells can still be there years later",
        "how many years do fetal cells last in the mother",
        "will her cells stay with me for the rest of my life",
        "do the baby cells ever go away",
        "how long does microchimerism last",
        "can cells from a pregnancy still be found decades later",
        "are the cells still there after many years",
        "how long can fetal cells survive in my body",
        "do they disappear after a while or stay for good",
        "after twenty years would i still have his cells",
    ],
    "mc_where": [
        "where in the body do the cells go",
        "where do fetal cells end up in the mother",
        "which organs have the baby cells been found in",
        "are the cells in my brain",
        "can the cells be in my heart",
        "where exactly do the babys cells live inside me",
        "have the cells been found in the skin or liver",
        "do the cells travel to the bones",
        "where are the cells located",
        "do they settle in the thyroid",
        "can they be found in the lungs and kidneys",
        "which organs might carry her cells",
    ],
    "grief_feelings": [
        "i feel empty all the time since the loss",
        "is it normal to feel so angry",
        "i cant stop crying every day",
        "why do i feel numb",
        "i feel guilty and jealous of pregnant friends",
        "the sadness comes in waves",
        "some days i feel fine and then it hits me again",
        "is this grief ever going to get lighter",
        "i feel like im going mad with sadness",
        "nobody understands how heavy this feels",
        "my emotions are all over the place",
        "i feel so lonely and sad",
    ],
    "grief_partner": [
        "my husband doesnt seem sad about it",
        "how do i talk to my partner about the loss",
        "dh is grieving differently to me",
        "my boyfriend wont talk about the baby",
        "we keep arguing since the miscarriage",
        "my wife is shutting me out",
        "how can my partner and i support each other",
        "he went back to work like nothing happened",
        "is it normal for couples to grieve differently",
        "my partner wants to try again and i dont",
        "our relationship feels strained after the loss",
        "how do i help my husband grieve",
    ],
    "loss_fault": [
        "was it my fault",
        "did i cause the miscarriage",
        "could i have prevented it",
        "was it because i lifted something heavy",
        "did stress cause me to lose the baby",
        "is it my fault for drinking coffee",
        "did exercise cause my mc",
        "i keep blaming myself",
        "what did i do wrong",
        "was it something i ate",
        "could sex have caused the loss",
        "i feel like my body failed my baby",
    ],
    "greeting": [
        "hello",
        "hi",
        "hi there",
        "hey",
        "good morning",
        "good evening",
        "hiya",
        "hello feather",
        "hey feather",
        "hi feather how are you",
        "morning",
        "hello is anyone there",
    ],
}
"""Realistic examples for the hand-written flows (ids equal their topics)."""

TITLES = {
    "mc_duration": "How long the cells stay",
    "mc_where": "Where in the body",
    "grief_feelings": "Feelings after a loss",
    "grief_partner": "You and your partner",
    "loss_fault": "Was it my fault?",
    "greeting": "Hello",
}

DURATION_TEXTS = (
    "Duration answer, first wording: the <b>cells</b> can stay for many years.",
    "Duration answer, second wording: some cells remain for decades.",
    "Duration answer, third wording: nobody knows the exact time.",
)


def core_dialog(sources: list[str] | None = None) -> str:
    """``dialogs/core.yaml``: mc_duration with two nodes, sources and every kind of goto, and
    five one-node flows."""
    first, second = (sources or real_source_ids())[:2]
    text = "last_reviewed: 2026-11-25\nflows:\n"
    text += (
        "  - id: mc_duration\n"
        "    topic: mc_duration\n"
        f"    title: {TITLES['mc_duration']}\n"
        "    examples:\n" + _examples(EXAMPLES["mc_duration"]) +
        "    nodes:\n"
        "      - id: start\n"
        "        text:\n" + "".join(f'          - "{t}"\n' for t in DURATION_TEXTS) +
        f"        sources: [{first}]\n"
        "        buttons:\n"
        "          - label: Tell me more\n"
        "            goto: more\n"
        "          - label: Where in the body?\n"
        "            goto: mc_where\n"
        "      - id: more\n"
        "        text: Duration deeper answer.\n"
        f"        sources: [{first}, {second}]\n"
        "        buttons:\n"
        "          - label: Where exactly?\n"
        "            goto: mc_where/start\n"
        "          - label: Helplines\n"
        "            goto: support\n"
        "          - label: My country\n"
        "            goto: country\n"
        "          - label: Back to the start\n"
        "            goto: mc_duration/start\n"
    )
    for topic in ("mc_where", "grief_feelings", "grief_partner", "loss_fault", "greeting"):
        text += (
            f"  - id: {topic}\n"
            f"    topic: {topic}\n"
            f"    title: {TITLES[topic]}\n"
            "    examples:\n" + _examples(EXAMPLES[topic]) +
            "    nodes:\n"
            "      - id: start\n"
            f"        text: Answer about {topic}.\n"
            "        buttons:\n"
            "          - label: Back to the menu\n"
            "            goto: menu\n"
        )
    return text


# ------------------------------------------------------------------------------ one flow as YAML

HEAD = "last_reviewed: 2026-11-25\nflows:\n"
"""The start of a dialog file; flows from :func:`flow_yaml` follow."""

START_NODE = (
    "      - id: start\n"
    "        text: Hello.\n"
    "        buttons:\n"
    "          - label: Menu\n"
    "            goto: menu\n"
)

_TWELVE = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
           "juliet", "kilo", "lima")


def flow_yaml(flow_id: str = "hello_flow", topic: str = "greeting", *, title: str = "Hello there",
              extra: str = "", nodes: str | None = None, examples: list[str] | None = None) -> str:
    """One flow (indented for a ``flows:`` list) with 12 examples made from its id, so flows with
    different ids never look alike to the matcher. ``extra`` lines go after the title."""
    if examples is None:
        examples = [f"{flow_id.replace('_', ' ')} {word}" for word in _TWELVE]
    return (
        f"  - id: {flow_id}\n"
        f"    topic: {topic}\n"
        f"    title: {title}\n"
        f"{extra}"
        "    examples:\n" + _examples(examples) +
        "    nodes:\n" + (START_NODE if nodes is None else nodes)
    )


# ------------------------------------------------------------------------------ filler flows

_FILLER_WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "harbor", "islet",
                 "jumbo", "kayak", "lemon")


def filler_token(index: int) -> str:
    """A made-up word per filler topic ("zqbb", "zqbc", ...): no real message contains it.
    Consonants only, so the stemmer leaves each one whole and distinct."""
    letters = "bcdfghjkmnpqrtvwx"
    return "zq" + letters[index // len(letters)] + letters[index % len(letters)]


def filler_dialog(topics: Iterable[str]) -> str:
    """One valid flow per topic, with 12 nonsense examples nobody will type."""
    text = "last_reviewed: 2026-11-25\nflows:\n"
    for index, topic in enumerate(topics):
        token = filler_token(index)
        text += (
            f"  - id: {topic}\n"
            f"    topic: {topic}\n"
            f"    title: Filler {index}\n"
            "    examples:\n" + _examples(f"{token} {word}" for word in _FILLER_WORDS) +
            "    nodes:\n"
            "      - id: start\n"
            f"        text: Filler answer {index}.\n"
            "        buttons:\n"
            "          - label: Menu please\n"
            "            goto: menu\n"
        )
    return text


def default_dialogs() -> dict[str, str]:
    others = [t for t in TOPICS if t not in EXAMPLES]
    return {"core.yaml": core_dialog(), "filler.yaml": filler_dialog(others)}


MENU = """\
last_reviewed: 2026-11-25
themes:
  - id: theme_mc
    label: Your baby's cells
    flows: [mc_duration, mc_where, mc_what]
  - id: theme_loss
    label: After a loss
    flows: [loss_fault, loss_common]
  - id: theme_grief
    label: Grief and feelings
    flows: [grief_feelings, grief_partner]
"""


def slim_files() -> dict[str, str]:
    """Small stand-ins for the three big content files (sources, helplines, reflections).

    Parsing the real ones takes about 0.3 s per load; the loader and check tests load dozens of
    roots, so they use these and stay fast. The sources keep the real first two ids, so
    :func:`core_dialog` cites the same ids either way."""
    first, second = real_source_ids()[:2]
    sources = (
        "last_reviewed: 2026-11-25\nsources:\n"
        f"  - id: {first}\n    authors: Author A\n    year: 2001\n    title: First study\n"
        "    published_in: Journal 1(1):1-2\n    doi: 10.1000/one\n"
        f"  - id: {second}\n    authors: Author B\n    title: Second page\n"
        "    url: https://example.org/two\n"
    )
    return {"sources.yaml": sources, "resources.yaml": SLIM_RESOURCES, "reflections.yaml": SLIM_REFLECTIONS}


SLIM_RESOURCES = """\
last_reviewed: 2026-11-25
countries:
  - code: GB
    name: United Kingdom
    aliases: [uk, britain]
    timezone: Europe/London
    emergency: "999"
    urgent_medical: Call NHS 111.
    services:
      - id: samaritans_gb
        name: Samaritans
        offers: Listening, any time.
        crisis: true
        phone: "116 123"
        mark: V1
        source: website
        verified_on: 2026-11
      - id: charity_gb
        name: A Charity
        offers: Support after loss.
        crisis: false
        website: https://example.org
        mark: V1
        source: website
        verified_on: 2026-11
  - code: XX
    name: Anywhere else
    aliases: [other]
    timezone: UTC
    urgent_medical: Call your local emergency number.
    services:
      - id: finder_xx
        name: Finder
        offers: A directory of helplines.
        crisis: true
        website: https://example.org/find
        mark: V1
        source: website
        verified_on: 2026-11
"""

SLIM_REFLECTIONS = """\
last_reviewed: 2026-11-25
reflections:
  - id: r001
    text: A gentle thought.
    prompt: How are you today?
  - id: r002
    text: Another gentle thought.
special:
  due_date: A due date.
  loss_anniversary: An anniversary.
  wave_of_light: The wave of light.
"""


def filler_understanding() -> str:
    """The real content/understanding.yaml, its story nodes and role routes pointing at the
    first node of their flows (the filler flows have only that one)."""
    text = (PROJECT_ROOT / "content" / "understanding.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^(    (?:recent|later|long_ago|unknown)|  twins_node): \w+$", r"\1: start", text, flags=re.M)
    return re.sub(r"\b(grief_partner|grief_supporting)/\w+", r"\1", text)


def make_root(
    base: Path,
    dialogs: dict[str, str] | None = None,
    content: dict[str, str] | None = None,
    name: str = "feather",
    slim: bool = False,
) -> Path:
    """A content root under ``base``: the real content/ folder, our menu, and ``dialogs``
    (default: :func:`default_dialogs`). ``content`` overrides files in content/ by name;
    ``slim`` swaps the three big files for :func:`slim_files` (fast loads)."""
    root = base / name
    shutil.copytree(PROJECT_ROOT / "content", root / "content")
    (root / "content" / "menu.yaml").write_text(MENU, encoding="utf-8")
    for file_name, text in {**(slim_files() if slim else {}), **(content or {})}.items():
        (root / "content" / file_name).write_text(text, encoding="utf-8")
    if "understanding.yaml" not in (content or {}):
        (root / "content" / "understanding.yaml").write_text(filler_understanding(), encoding="utf-8")
    (root / "dialogs").mkdir()
    for file_name, text in (default_dialogs() if dialogs is None else dialogs).items():
        (root / "dialogs" / file_name).write_text(text, encoding="utf-8")
    return root


_PARSED: dict[tuple[bytes, str], object] = {}


def _cached_load_yaml(path: Path, display_name: str | None = None) -> object:
    """``load_yaml`` memoised on (bytes, name): the same real content files are parsed once per
    test run instead of once per test. Results are only read by the loader, never changed."""
    key = (path.read_bytes(), display_name or str(path))
    if key not in _PARSED:
        try:
            _PARSED[key] = yamlsrc.load_yaml(path, display_name)
        except yamlsrc.YamlError as exc:
            _PARSED[key] = exc
    result = _PARSED[key]
    if isinstance(result, yamlsrc.YamlError):
        raise result
    return result


_SAFETY: dict[tuple[object, ...], tuple[object, list[Problem]]] = {}


def _cached_load_safety(path: Path, normaliser: object, *args: object, **kwargs: object):
    """``bot.safety.config.load_safety`` memoised on the bytes of safety.yaml and lexicon.yaml
    (the normaliser's only input): compiling its patterns takes seconds, and these tests build
    dozens of cores from the same two files. The config is immutable data."""
    lexicon = path.parent / "lexicon.yaml"
    key = (path.read_bytes() if path.exists() else None,
           lexicon.read_bytes() if lexicon.exists() else None, args, tuple(sorted(kwargs.items())))
    if key not in _SAFETY:
        _SAFETY[key] = _REAL_LOAD_SAFETY(path, normaliser, *args, **kwargs)
    config, problems = _SAFETY[key]
    return config, list(problems)


_REAL_LOAD_SAFETY = getattr(app, "load_safety", None)


@contextmanager
def parse_once() -> Iterator[None]:
    """While inside, the loader parses each distinct file only once (see _cached_load_yaml), and
    the safety patterns are compiled once per distinct safety.yaml (see _cached_load_safety)."""
    with ExitStack() as stack:
        stack.enter_context(patch.object(loader, "load_yaml", _cached_load_yaml))
        if _REAL_LOAD_SAFETY is not None:
            stack.enter_context(patch.object(app, "load_safety", _cached_load_safety))
        yield


def load(root: Path, today: date = TODAY) -> Loaded:
    with parse_once():
        return loader.load_content(root, today)


def build(root: Path, today: date = TODAY) -> Core:
    with parse_once():
        return build_core(root, today=today, strict=False)


@lru_cache(maxsize=1)
def real_core() -> Core:
    """The real dialogs and content as they are now, errors allowed (colleagues are still
    writing); built once per test run."""
    with parse_once():
        return build_core(PROJECT_ROOT, strict=False)


@cache
def patterns_only() -> SafetyDetector:
    """The real safety patterns without the learned layer: for tests of what the patterns decide
    (a guard, a concept's calm reading). What the whole detector does on calm messages is measured
    in aggregate (tests/safety/test_learned.py), since a learned score can tip any one message."""
    core = real_core()
    detector = core.safety
    assert isinstance(detector, SafetyDetector)
    return SafetyDetector(core.normaliser, detector.config)


def real_content_errors() -> list[Problem]:
    """Errors in the real content: tests that need it whole skip while there are any."""
    return errors(real_core().problems)


# ------------------------------------------------------------------------------ assertions


def line_of(text: str, marker: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line of ``text`` containing ``marker``."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(hits) >= nth, f"marker {marker!r} not found {nth} time(s)"
    return hits[nth - 1]


def find(problems: list[Problem], file: str, line: int, fragment: str,
         severity: str = "error") -> Problem:
    """The problem at exactly ``file:line`` whose message contains ``fragment``; fails clearly."""
    for problem in problems:
        if (problem.where.file == file and problem.where.line == line
                and fragment in problem.message and problem.severity == severity):
            return problem
    listing = "\n".join(map(str, problems))
    raise AssertionError(f"no {severity} at {file}:{line} containing {fragment!r}; got:\n{listing}")


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


# ------------------------------------------------------------------------------ subprocesses


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for ``run_bot.py``: no token, no webhook, no Feather settings, whatever the
    developer's shell or ``.env`` holds. Settings read ``PROJECT_ROOT/.env`` under the
    environment, and an empty value in the environment counts as unset, so every name the
    ``.env`` sets is passed empty: the file is then ignored without being touched."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "WEBHOOK_", "FEATHER_"))}
    env.update(dict.fromkeys(read_dotenv(PROJECT_ROOT / ".env"), ""))
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def run_bot(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN_BOT), *args],
        input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True, text=True, encoding="utf-8", env=env or clean_env(),
        cwd=PROJECT_ROOT, timeout=timeout,
    )
