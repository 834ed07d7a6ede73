"""Command line: run the bot, the terminal chat, or one of the content tools."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bot import PROJECT_ROOT
from bot.app import Core, build_app, build_core
from bot.checked import CheckedCache
from bot.config import SettingError, Settings
from bot.content.graph import write_dialog_map
from bot.content.problems import ContentInvalid
from bot.content.style import readability_summary
from bot.frontends.console import ConsoleChat
from bot.logging_setup import setup_logging

log = logging.getLogger("feather")

DESCRIPTION = """Feather, a gentle Telegram companion after pregnancy loss.

Modes:
  (no option)        start the bot: Telegram when TELEGRAM_BOT_TOKEN is set (polling, or webhook
                     when WEBHOOK_URL is set); otherwise the terminal chat in a terminal
  --console          the terminal chat (buttons become numbered choices)
  --check            validate all content; every problem with file and line; exit 1 on errors
  --match            read messages (one per line) on stdin, write one JSON object per line
  --graph            write docs/dialog-map.md, a Mermaid map of every flow and button

Settings come from the environment or .env; see .env.example."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="run_bot.py", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument("--console", action="store_true", help="chat in the terminal")
    modes.add_argument("--check", action="store_true", help="validate content and exit")
    modes.add_argument("--match", action="store_true", help="classify stdin lines as JSON lines")
    modes.add_argument("--graph", action="store_true", help="write docs/dialog-map.md")
    parser.add_argument("--context", metavar="TOPIC", help="with --match: read lines as follow-ups to TOPIC")
    parser.add_argument("--content", metavar="DIR", type=Path, help="folder with dialogs/ and content/")
    parser.add_argument("--db", metavar="PATH", help="SQLite file (default FEATHER_DB_PATH)")
    return parser.parse_args(argv)


def run_check(root: Path) -> int:
    core = build_core(root, strict=False)
    errors = [p for p in core.problems if p.severity == "error"]
    for problem in core.problems:
        print(problem)
    flows = len(core.content.flows)
    examples = sum(len(f.examples) for f in core.content.flows.values())
    print(f"{flows} flows, {examples} examples, {len(core.content.sources)} sources, "
          f"{len(core.content.reflections)} reflections, {core.writing.course.total} writing prompts: "
          f"{len(errors)} error(s), "
          f"{len(core.problems) - len(errors)} warning(s)")
    print(readability_summary(core.content))
    return 1 if errors else 0


def run_match(core: Core, context: str | None) -> int:
    for line in sys.stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        safety = core.safety.assess(text)
        match = core.matcher.match(text, context)
        topic = match.topic
        if safety.level == "medical":
            topic = "loss_medical_urgent"
        level = safety.level if safety.level in ("crisis", "medical") else None
        print(json.dumps({"text": text, "topic": topic or "none", "score": match.score, "safety": level},
                         ensure_ascii=False), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingError as exc:
        print(f"Setting problem: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level)
    root = args.content or settings.content_dir
    if args.check:
        return run_check(root)
    db_path = args.db or settings.db_path
    running = not (args.match or args.graph)
    try:
        core = build_core(root, checked=CheckedCache(Path(db_path).parent) if running else None)
    except ContentInvalid as exc:
        print(f"Feather will not start: the content has errors.\n{exc}", file=sys.stderr)
        return 1
    if args.match:
        if args.context and args.context not in {f.topic for f in core.content.flows.values()}:
            print(f"--context: unknown topic '{args.context}'", file=sys.stderr)
            return 2
        return run_match(core, args.context)
    if args.graph:
        path = write_dialog_map(core.content, PROJECT_ROOT / "docs" / "dialog-map.md")
        print(f"wrote {path}")
        return 0
    if args.console or not settings.token:
        if not args.console and not sys.stdin.isatty():
            print("TELEGRAM_BOT_TOKEN is not set: set it (see .env.example) to run the Telegram bot, "
                  "or use --console for the terminal chat.", file=sys.stderr)
            return 2
        app = build_app(settings, core=core, db_path=db_path)
        core.warm_up()
        if sys.stdin.isatty():
            print("No TELEGRAM_BOT_TOKEN set: starting the terminal chat instead.")
        ConsoleChat(app.conversations).run()
        return 0
    from bot.frontends.telegram.runner import run_telegram  # PTB loads only when Telegram runs

    return run_telegram(build_app(settings, core=core, db_path=db_path))
