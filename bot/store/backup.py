"""Backup and restore with SQLite's online backup API: no ``sqlite3`` program needed, and safe
while the bot writes (the copy is one consistent snapshot, taken inside one read transaction).

A backup is a single self-contained file (rollback journal, not WAL), owner-only. It holds what
the database held at that moment, including chats that later asked /forget: docs/deploy.md says
how long to keep backups and how to rotate them.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.store.migrations import LATEST
from bot.store.paths import (
    StorePathError,
    check_db_path,
    check_folder,
    check_schema,
    inspect,
    make_private,
    read_only,
)


@dataclass(frozen=True)
class Copied:
    """What was copied: where to, the schema version and the number of chats (for one log line)."""

    path: Path
    schema_version: int
    chats: int


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA busy_timeout=5000")
    return db


def _summary(db: sqlite3.Connection, path: Path) -> Copied:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    chats = int(db.execute("SELECT COUNT(*) FROM chats").fetchone()[0])
    return Copied(path, version, chats)


def backup_name(now: datetime | None = None) -> str:
    """``feather-20261125T120000Z.sqlite3``: sorts by time, so rotation can keep the newest N."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"feather-{stamp}.sqlite3"


def backup(db_path: str | Path, dest: str | Path, now: datetime | None = None) -> Copied:
    """Copy the live database to ``dest`` (a new file, or a folder to put a dated file in).

    Refuses to overwrite anything: a backup never replaces an older one by accident."""
    source = Path(db_path)
    found = inspect(source) if source.is_file() and source.stat().st_size else None
    if found is None:
        raise StorePathError(f"FEATHER_DB_PATH: there is no database at {source} to back up: "
                             f"check the setting (or --db)")
    check_schema(source, found, LATEST)
    target = Path(dest)
    if target.is_dir():
        target = target / backup_name(now)
    if target.exists() or target.is_symlink():
        raise StorePathError(f"--backup: {target} already exists: choose a new name or a folder "
                             f"(a dated file name is made inside a folder)")
    check_folder(target, "--backup")
    partial = target.with_name(target.name + ".partial")
    fd = os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        src, out = read_only(source), _connect(partial)  # reading adds no file beside the database
        try:
            src.backup(out)  # all pages in one step: one snapshot, whatever the bot writes meanwhile
            out.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
            ok = out.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise StorePathError(f"--backup: the copy failed its integrity check ({ok}): "
                                     f"the database may be damaged; keep older backups")
            copied = _summary(out, target)
        finally:
            src.close()
            out.close()
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    return copied


def check_backup(path: str | Path) -> Copied:
    """A backup is fit to restore: an SQLite file of Feather's, not newer than this code, intact."""
    source = Path(path)
    if not source.is_file():
        raise StorePathError(f"--restore: there is no file at {source}")
    if source.stat().st_size == 0:
        raise StorePathError(f"--restore: {source} is an empty file, not a backup of Feather's")
    found = inspect(source, "--restore")
    if not found.tables:
        raise StorePathError(f"--restore: {source} is an empty database, not a backup of Feather's")
    check_schema(source, found, LATEST, "--restore")
    db = read_only(source)
    try:
        ok = db.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise StorePathError(f"--restore: {source} failed its integrity check ({ok}): "
                                 f"use an older backup")
        return _summary(db, source)
    finally:
        db.close()


def restore(backup_path: str | Path, db_path: str | Path) -> Copied:
    """Replace the database's content with the backup's, through SQLite (so it stays one
    consistent database, owned by the user Feather runs as, owner-only). Stop the bot first:
    a running bot keeps what it holds in memory. An older schema is migrated at the next start."""
    check_backup(backup_path)
    target = Path(db_path)
    existing = check_db_path(target, LATEST)
    if not existing.exists:
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    src = read_only(Path(backup_path))
    out = _connect(target)
    try:
        src.backup(out)
        out.execute("PRAGMA journal_mode=WAL")  # as the bot keeps it
        restored = _summary(out, target)
    finally:
        src.close()
        out.close()
    make_private(target)
    return restored
