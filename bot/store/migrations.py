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
    (
        2,
        """
        -- Daily reflections (bot/daily). One row per subscriber; the dispatcher finds due rows by
        -- next_send_utc (indexed; NULL while paused until the person says). claimed_date is the
        -- local date of the last reflection handed to the sender, written in the same transaction
        -- that advances next_send_utc, before sending: at most one reflection per local day.
        -- due_date / loss_date ('MMDD') are kept only when the person chose to share them.
        CREATE TABLE daily_subscriptions (
            chat_id          INTEGER PRIMARY KEY,
            local_time       TEXT NOT NULL,
            timezone         TEXT NOT NULL,
            next_send_utc    TEXT,
            paused_until     TEXT,
            claimed_date     TEXT,
            last_reflection  TEXT,
            retry_count      INTEGER NOT NULL DEFAULT 0,
            seed             TEXT NOT NULL,
            cycle            INTEGER NOT NULL DEFAULT 1,
            sent_ids         TEXT NOT NULL DEFAULT '',
            due_date         TEXT,
            loss_date        TEXT,
            created_at       TEXT NOT NULL,
            updated_at       TEXT NOT NULL
        );
        CREATE INDEX daily_subscriptions_next_send ON daily_subscriptions (next_send_utc);
        """,
    ),
    (
        3,
        """
        -- What a person asked Feather to remember about their loss (bot/engine/remembering.py):
        -- only after they pressed "Yes", only these four values, each optional. loss_month is
        -- approximate ('YYYY-MM'); name is the baby's name as they gave it. /forget deletes it.
        CREATE TABLE kept_about (
            chat_id     INTEGER PRIMARY KEY,
            role        TEXT,
            kind        TEXT,
            loss_month  TEXT,
            name        TEXT,
            kept_at     TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        );
        """,
    ),
    (
        4,
        """
        -- Writing course (bot/writing): a row only while someone's next prompt is scheduled, so the
        -- sending loop finds it by due_utc (indexed); deleted when claimed. prompt is its number as
        -- people count (1 = the first of content/writing.yaml). Never anything anyone wrote.
        CREATE TABLE writing_schedule (
            chat_id     INTEGER PRIMARY KEY,
            prompt      INTEGER NOT NULL,
            due_utc     TEXT NOT NULL,
            created_at  TEXT NOT NULL
        );
        CREATE INDEX writing_schedule_due ON writing_schedule (due_utc);
        """,
    ),
]

LATEST = max(version for version, _ in MIGRATIONS)
