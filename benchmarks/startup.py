"""Feather's start-up to the first poll, and where its time goes: imports and each step of ``build_core``.

``run`` starts the real bot (benchmarks/bots.py) against the fake Bot API with ``subscribers`` in
the store: first on content it has not checked yet (a new folder, so ``build_core`` checks the
content and compiles the safety patterns before polling), then restarts on the same files (the
checks are remembered, bot/checked.py, and the patterns compile after the first poll).

Measured inside the real bot processes of the end-to-end benchmark (benchmarks/bots.py), each a
fresh interpreter, so nothing is warm: not the imports, not the ``re`` module's cache of compiled
patterns. The steps are timed by wrapping the names ``bot.app.build_core`` calls (the code that
runs is the shipped code, and the wrappers cost microseconds); the figures are written to the
JSON file named by ``FEATHER_BENCH_TIMINGS`` as soon as ``build_core`` returns.

The time to the first poll and memory are measured from outside, by benchmarks/e2e.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

STEPS = {
    "load_content": "load and parse the YAML (dialogs/, content/)",
    "Matcher": "build the matcher (index, naive Bayes)",
    "load_safety": "read content/safety.yaml, compile and file its patterns",
    "build_learned": "read the safety examples and train the learned safety layer",
    "SafetyDetector": "the safety detector",
    "Engine": "the engine",
    "check_content": "content checks (links, near-duplicate examples, ...)",
    "load_places": "read and check content/cities.yaml (daily time zones)",
}


def instrument(app: ModuleType, out: Path, extra: dict[str, float]) -> Callable[..., Any]:
    """Time each step of ``app.build_core`` (and the whole); write them to ``out`` when it returns.
    Returns the timed ``build_core`` for modules that imported the name (``bot.cli``)."""
    spent: dict[str, float] = dict(extra)

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            begun = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - begun
        return wrapper

    for name in STEPS:
        setattr(app, name, timed(f"step_{name}", getattr(app, name)))
    build_core = app.build_core

    def build_core_timed(*args: Any, **kwargs: Any) -> Any:
        begun = time.perf_counter()
        core = build_core(*args, **kwargs)
        spent["build_core"] = time.perf_counter() - begun
        out.write_text(json.dumps(spent))
        return core

    app.build_core = build_core_timed
    return build_core_timed


def run(subscribers: int = 100_000, repeats: int = 3) -> dict:
    """Seconds from spawning the process to its first getUpdates: ``first`` (files not checked
    before, one per repeat) and ``restart`` (the same files again), with the timings inside, and
    the minimal echo bot's (benchmarks/bots.py) right after, as the machine's floor at the time."""
    import shutil
    import tempfile

    from benchmarks.common import log
    from benchmarks.e2e import BotProcess, make_store
    from tests.support.fake_bot_api import FakeBotApi

    results: dict = {"subscribers": subscribers, "first": [], "restart": [], "echo": [],
                     "timings_first": [], "timings_restart": []}
    base = Path(tempfile.mkdtemp(prefix="feather-startup-"))
    try:
        template = make_store(base / "template.sqlite3", subscribers)
        with FakeBotApi() as api:
            for index in range(repeats):
                folder = base / f"run{index}"
                folder.mkdir()
                for kind in ("first", "restart"):
                    log(f"start-up, {subscribers:,} subscribers: {kind} start, repeat {index + 1}/{repeats}")
                    bot = BotProcess("feather", api, folder, lifted=False, db_template=template).start()
                    bot.stop()
                    results[kind].append(bot.startup)
                    results[f"timings_{kind}"].append(bot.timings)
                echo = BotProcess("echo", api, folder, lifted=False).start()  # the machine's floor, now
                echo.stop()
                results["echo"].append(echo.startup)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return results
