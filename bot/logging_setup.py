"""Logging that records events, never content, and never the token.

httpx logs every request URL (which holds the bot token) at INFO, and python-telegram-bot logs
updates and the token at DEBUG: both are held at WARNING whatever level Feather runs at.
"""

from __future__ import annotations

import logging

QUIET = ("httpx", "httpcore", "telegram", "telegram.ext", "apscheduler", "hpack", "tornado.access")


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
