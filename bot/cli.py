"""Command line: run the bot, the terminal chat, or one of the content tools."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bot import PROJECT_ROOT, ops
from bot.app import Core, build_app, build_core
from bot.checked import CheckedCache
from bot.config import SettingError, Settings, check_content_dir
from bot.content.followon import follow_on_note, without_follow_on
from bot.content.graph import write_dialog_map
from bot.content.problems import ContentInvalid
from bot.content.style import readability_summary
from bot.frontends.console import ConsoleChat
from bot.logging_setup import setup_logging
from bot.store.migrations import LATEST
from bot.store.paths import check_db_path

log = logging.getLogger("feather")

DESCRIPTION = """Feather, a gentle Telegram companion after pregnancy loss.

Modes:
  (no option)        start the bot: Telegram when TELEGRAM_BOT_TOKEN is set (polling, or webhook
                     when WEBHOOK_URL is set); otherwise the terminal chat in a terminal
  --console          the terminal chat (buttons become numbered choices)
  --check            validate all content; every problem with file and line; exit 1 on errors
  --match            read messages (one per line) on stdin, write one JSON object per line
                     (topic, score, safety, and "about": what the message says of the loss)
  --graph            write docs/dialog-map.md, a Mermaid map of every flow and button
  --backup PATH      copy the database (safe while the bot runs) to a new file, or a dated file
                     in the folder PATH
  --restore PATH     check a backup and put it in place of the database (stop the bot first)
  --health           exit 0 if the instance running on this database is healthy, else 1
  --reload           ask the instance running on this database to re-read its content (SIGHUP)

Settings come from the environment or .env; see .env.example and docs/deploy.md."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="run_bot.py", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument("--console", action="store_true", help="chat in the terminal")
    modes.add_argument("--check", action="store_true", help="validate content and exit")
    modes.add_argument("--match", action="store_true", help="classify stdin lines as JSON lines")
    modes.add_argument("--graph", action="store_true", help="write docs/dialog-map.md")
    modes.add_argument("--backup", metavar="PATH", help="back up the database to PATH")
    modes.add_argument("--restore", metavar="PATH", help="restore the database from the backup PATH")
    modes.add_argument("--health", action="store_true", help="is the running instance healthy? (exit 0/1)")
    modes.add_argument("--reload", action="store_true", help="make the running instance re-read its content")
    parser.add_argument("--context", metavar="TOPIC", help="with --match: read lines as follow-ups to TOPIC")
    parser.add_argument("--content", metavar="DIR", type=Path, help="folder with dialogs/ and content/")
    parser.add_argument("--db", metavar="PATH", help="SQLite file (default FEATHER_DB_PATH)")
    return parser.parse_args(argv)


def run_check(root: Path) -> int:
    core = build_core(root, strict=False)
    errors = [p for p in core.problems if p.severity == "error"]
    shown, held_back = without_follow_on(core.problems, root)
    for problem in shown:
        print(problem)
    if held_back:
        print(follow_on_note(core.problems, held_back))
    flows = len(core.content.flows)
    examples = sum(len(f.examples) for f in core.content.flows.values())
    print(f"{flows} flows, {examples} examples, {len(core.content.sources)} sources, "
          f"{len(core.content.reflections)} reflections, {core.writing.course.total} writing prompts: "
          f"{len(errors)} error(s), "
          f"{len(core.problems) - len(errors)} warning(s)")
    print(readability_summary(core.content))
    return 1 if errors else 0


def run_tool(args: argparse.Namespace) -> int:
    """--backup, --restore, --health, --reload: only FEATHER_DB_PATH (or --db) is read."""
    db_path = args.db or Settings.from_env(telegram=False).db_path
    if args.backup:
        code, line = ops.run_backup(db_path, args.backup)
    elif args.restore:
        code, line = ops.run_restore(db_path, args.restore)
    elif args.health:
        code, line = ops.run_health(db_path)
    else:
        code, line = ops.run_reload(db_path)
    print(line, file=sys.stdout if code == 0 else sys.stderr)
    return code


def content_problem(exc: ContentInvalid, root: Path) -> str:
    """Why Feather will not start on this content: the errors, follow-on ones held back."""
    shown, held_back = without_follow_on(exc.problems, root)
    errors = [str(p) for p in shown if p.severity == "error"]
    if held_back:
        errors.append(follow_on_note(exc.problems, held_back))
    return "Feather will not start: the content has errors.\n" + "\n".join(errors)


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
        level = safety.level  # crisis, medical, checkin (the gentle question) or None
        about = core.reader.read(text).as_dict() if core.reader else {}
        print(json.dumps({"text": text, "topic": topic or "none", "score": match.score, "safety": level,
                          "about": about}, ensure_ascii=False), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Every setting or content-folder problem is one line (exit 2); see run_bot.py for Ctrl-C."""
    args = parse_args(argv)
    try:
        if args.backup or args.restore or args.health or args.reload:
            return run_tool(args)
        tool = args.check or args.match or args.graph
        settings = Settings.from_env(telegram=not (tool or args.console))
        setup_logging(settings.log_level)
        root = args.content or settings.content_dir
        check_content_dir(root, "--content" if args.content else "FEATHER_CONTENT_DIR")
        if args.check:
            return run_check(root)
        db_path = args.db or settings.db_path
        if not tool:
            check_db_path(Path(db_path), LATEST, "--db" if args.db else "FEATHER_DB_PATH")  # before the slow part
    except SettingError as exc:
        print(f"Setting problem: {exc}", file=sys.stderr)
        return 2
    running = not (args.match or args.graph)
    try:
        core = build_core(root, checked=CheckedCache(Path(db_path).parent) if running else None)
    except ContentInvalid as exc:
        print(content_problem(exc, root), file=sys.stderr)
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
