#!/usr/bin/env python3
"""Feather's one entry point. `python run_bot.py --help` lists every mode."""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main())
