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


def entry(argv: list[str]) -> int:
    """Any setting problem is one line on stderr (exit 2); Ctrl-C is a quiet exit 130."""
    try:
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
