"""The operator's tools: --backup, --restore, --health, --reload. Each needs only
FEATHER_DB_PATH (or --db), never the Telegram settings or the content, and answers in one line
with an exit code: 0 done, 1 refused or unhealthy."""

from __future__ import annotations

import signal
from datetime import UTC, datetime
from pathlib import Path

from bot.store import StorePathError, backup, restore
from bot.store.status import health, signal_running


def run_backup(db_path: str, dest: str) -> tuple[int, str]:
    try:
        copied = backup(db_path, dest)
    except StorePathError as exc:
        return 1, f"Backup refused: {exc}"
    return 0, (f"Backed up {db_path} to {copied.path} (schema {copied.schema_version}, "
               f"{copied.chats} chats)")


def run_restore(db_path: str, source: str) -> tuple[int, str]:
    try:
        restored = restore(source, db_path)
    except StorePathError as exc:
        return 1, f"Restore refused: {exc}"
    return 0, (f"Restored {Path(source)} into {db_path} (schema {restored.schema_version}, "
               f"{restored.chats} chats); start Feather to use it")


def run_health(db_path: str, now: datetime | None = None) -> tuple[int, str]:
    ok, line = health(db_path, now or datetime.now(UTC))
    return (0 if ok else 1), line


def run_reload(db_path: str) -> tuple[int, str]:
    ok, line = signal_running(db_path, signal.SIGHUP)
    return (0 if ok else 1), line[0].upper() + line[1:]


def version() -> str:
    """The installed version (pyproject.toml's), or 'unknown' outside an install."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("feather-bot")
    except PackageNotFoundError:
        return "unknown"


def startup_line(*, mode: str, content_root: Path, flows: int, examples: int, reflections: int,
                 db_path: str, created: bool, schema: int, subscribers: int, daily_rate: float,
                 feather_version: str | None = None) -> str:
    """The one INFO line that says what is running, for the operator's first look at the log."""
    rate = (f"daily rate {daily_rate:g}/s" if daily_rate > 0
            else "daily reflections off here (FEATHER_DAILY_RATE=0)")
    return (f"Feather {feather_version or version()} started: {mode}; content {content_root} "
            f"({flows} flows, {examples} examples, {reflections} reflections); database {db_path} "
            f"{'created' if created else 'opened'} (schema {schema}); {subscribers} daily "
            f"subscriber{'' if subscribers == 1 else 's'}; {rate}")
