#!/usr/bin/env python3
"""Feather's one entry point. `python run_bot.py --help` lists every mode."""

import sys

try:
    import rapidfuzz  # noqa: F401  (Feather's packages: present only in its environment)
    import telegram  # noqa: F401
    import yaml  # noqa: F401
except ImportError as exc:
    sys.exit(f"Feather's packages are not installed for this Python ({sys.executable}: no module "
             f"'{getattr(exc, 'name', None) or exc}'). Run `python3 scripts/dev.py run` (it sets up "
             f".venv), or start it with .venv/bin/python run_bot.py.")

from bot.config import SettingError  # noqa: E402

TOOLS = ("--backup", "--restore", "--health", "--reload")


def tools(argv: list[str]) -> int:
    """The operator's tools (bot/ops.py): only FEATHER_DB_PATH or --db is read."""
    import argparse

    from bot.config import Settings
    from bot.ops import run_backup, run_health, run_reload, run_restore

    parser = argparse.ArgumentParser(prog="run_bot.py")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--backup", metavar="PATH")
    group.add_argument("--restore", metavar="PATH")
    group.add_argument("--health", action="store_true")
    group.add_argument("--reload", action="store_true")
    parser.add_argument("--db", metavar="PATH")
    args = parser.parse_args(argv)
    db_path = args.db or Settings.from_env(telegram=False).db_path
    if args.backup:
        code, line = run_backup(db_path, args.backup)
    elif args.restore:
        code, line = run_restore(db_path, args.restore)
    elif args.health:
        code, line = run_health(db_path)
    else:
        code, line = run_reload(db_path)
    print(line, file=sys.stdout if code == 0 else sys.stderr)
    return code


def entry(argv: list[str]) -> int:
    """Any setting problem is one line on stderr (exit 2); Ctrl-C is a quiet exit 130."""
    try:
        if any(arg.split("=")[0] in TOOLS for arg in argv):
            return tools(argv)
        from bot.cli import main

        return main(argv)
    except SettingError as exc:
        print(f"Setting problem: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `run_bot.py --check | head`: the reader has all it wanted
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(entry(sys.argv[1:]))
