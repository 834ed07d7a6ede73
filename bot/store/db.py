"""The SQLite store: created on first use (owner-only), WAL mode, migrated forward at start-up.

Only what the privacy notice lists is kept: chat id, conversation position and settings (a small
JSON document without any message text), country, timestamps. Event counts are per day and
carry no chat id.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.engine.types import UserState
from bot.store.migrations import LATEST, MIGRATIONS
from bot.store.paths import StorePathError, check_db_path, make_private
from bot.understanding.keep import Kept


class Store:
    """A thread-safe wrapper around one SQLite connection."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.created = self.path == ":memory:"  # for the start-up line: a new file, or an existing one
        if self.path != ":memory:":
            self.created = self._create_private(Path(self.path))
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.execute("PRAGMA secure_delete=ON")  # deleted rows are zeroed, not left in free pages
        except sqlite3.DatabaseError as exc:
            raise StorePathError(f"FEATHER_DB_PATH: {self.path} could not be opened as a database "
                                 f"({exc}): check the file, or restore a backup") from None
        self.migrate()
        if self.path != ":memory:":
            make_private(Path(self.path))  # the -wal and -shm files SQLite just made

    @staticmethod
    def _create_private(path: Path) -> bool:
        """Check the path (bot/store/paths.py), then create the file owner-only before SQLite
        opens it. Returns True when the file is new."""
        existing = check_db_path(path, LATEST)
        created = False
        if not existing.exists:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
            created = True
        make_private(path)
        return created

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work (BEGIN IMMEDIATE ... COMMIT, rolled back on error)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    @property
    def schema_version(self) -> int:
        return int(self.query("PRAGMA user_version")[0][0])

    def migrate(self) -> None:
        for version, script in MIGRATIONS:
            if version <= self.schema_version:
                continue
            with self._lock:
                self._db.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version={version};\nCOMMIT;")

    def probe_write(self) -> bool:
        """A real write that changes nothing (the schema version, set to itself): for the
        heartbeat, so a full disk or a read-only mount shows in --health and /healthz."""
        try:
            with self._lock:
                self._db.execute(f"PRAGMA user_version={self.schema_version}")
            return True
        except sqlite3.Error:
            return False

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ----------------------------------------------------------------- chats
    def load_state(self, chat_id: int) -> UserState:
        rows = self.query("SELECT state FROM chats WHERE chat_id = ?", (chat_id,))
        return UserState.from_dict(json.loads(rows[0]["state"])) if rows else UserState()

    def save_state(self, chat_id: int, state: UserState, now: datetime) -> None:
        stamp = now.isoformat(timespec="seconds")
        with self.transaction() as db:
            db.execute(
                """INSERT INTO chats (chat_id, state, country, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(chat_id) DO UPDATE SET state = excluded.state,
                       country = excluded.country, updated_at = excluded.updated_at""",
                (chat_id, json.dumps(state.to_dict(), sort_keys=True), state.country, stamp, stamp),
            )

    def forget(self, chat_id: int) -> None:
        """Delete every row about this chat, in every table that has a chat_id column, and leave
        no copy in the file: deleted content is zeroed (secure_delete) and the WAL, which still
        holds the pages as they were, is checkpointed and truncated to nothing."""
        with self.transaction() as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            for table in tables:
                columns = [c[1] for c in db.execute(f"PRAGMA table_info({table})")]
                if "chat_id" in columns:
                    db.execute(f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,))
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def my_data(self, chat_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every stored row about this chat, table by table."""
        result: dict[str, list[dict[str, Any]]] = {}
        tables = [r[0] for r in self.query("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            columns = [c[1] for c in self.query(f"PRAGMA table_info({table})")]
            if "chat_id" in columns:
                rows = self.query(f"SELECT * FROM {table} WHERE chat_id = ?", (chat_id,))
                if rows:
                    result[table] = [dict(row) for row in rows]
        return result

    # ----------------------------------------------------------------- kept with consent
    def load_kept(self, chat_id: int) -> Kept | None:
        """What this person asked Feather to remember, or None."""
        rows = self.query("SELECT role, kind, loss_month, name FROM kept_about WHERE chat_id = ?", (chat_id,))
        if not rows:
            return None
        row = rows[0]
        return Kept(row["role"], row["kind"], row["loss_month"], row["name"])

    def save_kept(self, chat_id: int, kept: Kept, now: datetime) -> None:
        stamp = now.isoformat(timespec="seconds")
        with self.transaction() as db:
            db.execute(
                """INSERT INTO kept_about (chat_id, role, kind, loss_month, name, kept_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(chat_id) DO UPDATE SET role = excluded.role, kind = excluded.kind,
                       loss_month = excluded.loss_month, name = excluded.name,
                       updated_at = excluded.updated_at""",
                (chat_id, kept.role, kept.kind, kept.month, kept.name, stamp, stamp),
            )

    def drop_kept(self, chat_id: int) -> None:
        """Remove what was kept about the loss (and leave no copy in the file, as /forget does)."""
        with self.transaction() as db:
            db.execute("DELETE FROM kept_about WHERE chat_id = ?", (chat_id,))
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # ----------------------------------------------------------------- counts
    def count_event(self, event: str, now: datetime) -> None:
        with self.transaction() as db:
            db.execute(
                """INSERT INTO event_counts (event, day, count) VALUES (?, ?, 1)
                   ON CONFLICT(event, day) DO UPDATE SET count = count + 1""",
                (event, now.date().isoformat()),
            )

    def event_total(self, event: str) -> int:
        rows = self.query("SELECT COALESCE(SUM(count), 0) FROM event_counts WHERE event = ?", (event,))
        return int(rows[0][0])
