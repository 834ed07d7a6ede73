"""Checks on FEATHER_DB_PATH before SQLite touches it.

A wrong path must never change anything that is not Feather's own database: no chmod on a folder,
no file created in a folder nobody meant for it, no migration written into another program's
database. Each refusal is one line that names the setting and the fix.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from bot.config import DEFAULT_DB_PATH, SettingError

SQLITE_HEADER = b"SQLite format 3\x00"
SUFFIXES = ("", "-wal", "-shm", "-journal")  # the files SQLite keeps for one database
SETTING = "FEATHER_DB_PATH"


class StorePathError(SettingError):
    """FEATHER_DB_PATH (or --db, --backup, --restore) points somewhere Feather must not use."""


@dataclass(frozen=True)
class Existing:
    """What is already at the path: nothing, an empty file, or a database of some schema."""

    exists: bool
    schema_version: int = 0
    tables: frozenset[str] = frozenset()


def is_default(path: Path) -> bool:
    return path.absolute() == Path(DEFAULT_DB_PATH).absolute()


def check_folder(path: Path, setting: str = SETTING) -> None:
    """The folder of ``path`` exists (created only for the default path) and Feather may write it."""
    if path.is_dir():
        raise StorePathError(f"{setting} points to a folder ({path}), not a file: "
                             f"set it to a file inside it, e.g. {path / 'feather.sqlite3'}")
    folder = path.parent
    if not folder.exists():
        if not is_default(path):
            raise StorePathError(f"{setting}: the folder {folder} does not exist: create it "
                                 f"(owned by the user Feather runs as, mode 700) or fix the path")
        folder.mkdir(mode=0o700, parents=True)  # only data/ in the checkout, made private
    if not folder.is_dir():
        raise StorePathError(f"{setting}: {folder} is not a folder: fix the path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StorePathError(f"{setting}: Feather (uid {os.geteuid()}) cannot write to the folder "
                             f"{folder}: give that user the folder (chown) or choose another path")


def check_file(path: Path, setting: str = SETTING) -> Existing:
    """An existing file must be ours, readable and writable, and an SQLite database (or empty)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return Existing(exists=False)
    if not stat.S_ISREG(info.st_mode):
        raise StorePathError(f"{setting}: {path} is not a regular file: point it at a database file")
    if info.st_uid != os.geteuid():
        raise StorePathError(f"{setting}: {path} belongs to another user (uid {info.st_uid}), Feather "
                             f"runs as uid {os.geteuid()}: chown it to that user (a restored "
                             f"backup keeps its old owner) or run Feather as its owner")
    if not os.access(path, os.R_OK | os.W_OK):
        raise StorePathError(f"{setting}: Feather cannot read and write {path}: chmod 600 it")
    if info.st_size == 0:
        return Existing(exists=True)
    return inspect(path, setting)


def read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change or add any file: without a -wal beside it the file is
    complete and is read as immutable (no -shm made); with one, read-only uses the existing pair."""
    wal = path.with_name(path.name + "-wal")
    flag = "mode=ro" if wal.exists() else "immutable=1"
    return sqlite3.connect(f"{path.absolute().as_uri()}?{flag}", uri=True)


def _fix(setting: str) -> str:
    if setting == SETTING:
        return "point it at Feather's database or at a new file name"
    return "use a file made by run_bot.py --backup"


def inspect(path: Path, setting: str = SETTING) -> Existing:
    """Schema version and tables of an SQLite file, opened read-only; refuses anything else."""
    with open(path, "rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise StorePathError(f"{setting}: {path} is not an SQLite database: {_fix(setting)}")
    try:
        db = read_only(path)
        try:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            tables = frozenset(r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'"))
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise StorePathError(f"{setting}: {path} could not be read as a database ({exc}): "
                             f"{_fix(setting)}") from None
    return Existing(exists=True, schema_version=version, tables=tables)


def check_schema(path: Path, existing: Existing, latest: int, setting: str = SETTING) -> None:
    """Refuse another program's database, and one written by a newer Feather."""
    if not existing.exists or (existing.schema_version == 0 and not existing.tables):
        return
    if existing.schema_version == 0 or "chats" not in existing.tables:
        raise StorePathError(f"{setting}: {path} is an SQLite database but not Feather's: "
                             f"{_fix(setting)}")
    if existing.schema_version > latest:
        raise StorePathError(f"{setting}: {path} has schema version {existing.schema_version}, "
                             f"newer than this Feather knows ({latest}): run the newer Feather, "
                             f"or restore a backup taken before the upgrade")


def check_db_path(path: Path, latest: int, setting: str = SETTING) -> Existing:
    """Everything above, in order; returns what was found so the caller knows new from opened."""
    check_folder(path, setting)
    existing = check_file(path, setting)
    check_schema(path, existing, latest, setting)
    for suffix in SUFFIXES[1:]:  # a WAL left by another user would fail later, less clearly
        side = path.with_name(path.name + suffix)
        if side.exists() and side.stat().st_uid != os.geteuid():
            raise StorePathError(f"{setting}: {side} belongs to another user (uid {side.stat().st_uid}): "
                                 f"chown it with the database, or remove it if no Feather is running")
    return existing


def make_private(path: Path) -> None:
    """Owner-only modes for Feather's own database files (never the folder, never other files)."""
    for suffix in SUFFIXES:
        side = path.with_name(path.name + suffix)
        if side.is_file() and not side.is_symlink() and stat.S_IMODE(side.stat().st_mode) & 0o077:
            os.chmod(side, 0o600)
