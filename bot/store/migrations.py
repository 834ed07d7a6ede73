"""Forward-only schema migrations, run in order at start-up. Append; never edit a shipped one."""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE chats (
            chat_id     INTEGER PRIMARY KEY,
            state       TEXT NOT NULL,
            country     TEXT,
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        );
        CREATE TABLE event_counts (
            event       TEXT NOT NULL,
            day         TEXT NOT NULL,
            count       INTEGER NOT NULL,
            PRIMARY KEY (event, day)
        );
        """,
    ),
]
