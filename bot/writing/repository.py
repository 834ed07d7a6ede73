"""SQLite for the writing course's one scheduled thing: which prompt is due for whom, and when.

The course position itself lives in the conversation state; this table exists only so the one
sending loop can find due prompts by an index. A row is there only while a prompt is scheduled,
and ``claim_due`` deletes the rows it hands out in the same transaction: each prompt is sent at
most once. Nothing anyone writes is ever here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.daily.schedule import from_db, to_db
from bot.store import Store


@dataclass(frozen=True)
class DuePrompt:
    chat_id: int
    step: int
    """The prompt's place in the course (0 = the first); the table keeps it as people count."""
    due: datetime


class WritingSchedule:
    def __init__(self, store: Store) -> None:
        self.store = store

    def set(self, chat_id: int, step: int, due: datetime, now: datetime) -> None:
        with self.store.transaction() as db:
            db.execute(
                """INSERT INTO writing_schedule (chat_id, prompt, due_utc, created_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT(chat_id) DO UPDATE SET prompt = excluded.prompt, due_utc = excluded.due_utc,
                       created_at = excluded.created_at""",
                (chat_id, step + 1, to_db(due), to_db(now)),
            )

    def clear(self, chat_id: int) -> bool:
        with self.store.transaction() as db:
            return db.execute("DELETE FROM writing_schedule WHERE chat_id = ?", (chat_id,)).rowcount > 0

    def get(self, chat_id: int) -> DuePrompt | None:
        rows = self.store.query("SELECT chat_id, prompt, due_utc FROM writing_schedule WHERE chat_id = ?", (chat_id,))
        return DuePrompt(rows[0][0], rows[0][1] - 1, from_db(rows[0][2])) if rows else None

    def next_due(self) -> datetime | None:
        rows = self.store.query("SELECT MIN(due_utc) FROM writing_schedule")
        return from_db(rows[0][0]) if rows and rows[0][0] else None

    def claim_due(self, now: datetime, limit: int, chat_id: int | None = None) -> list[DuePrompt]:
        """Up to ``limit`` due prompts (one chat's, with ``chat_id``), removed in the same
        transaction: each is handed out at most once."""
        only = "" if chat_id is None else " AND chat_id = ?"
        with self.store.transaction() as db:
            rows = db.execute(
                f"SELECT chat_id, prompt, due_utc FROM writing_schedule WHERE due_utc <= ?{only} "
                "ORDER BY due_utc LIMIT ?",
                (to_db(now), *(() if chat_id is None else (chat_id,)), limit),
            ).fetchall()
            db.executemany("DELETE FROM writing_schedule WHERE chat_id = ?", [(row[0],) for row in rows])
        return [DuePrompt(row[0], row[1] - 1, from_db(row[2])) for row in rows]
