"""The SQLite store: private file, WAL, migrations, state round trip, forget, my data, counts."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.engine.types import UserState
from bot.store import Store
from bot.store.migrations import MIGRATIONS

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    return tmp_path / "data" / "feather.sqlite3"


@pytest.fixture
def store(db_path: Path):
    store = Store(db_path)
    yield store
    store.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_creates_the_file_readable_by_its_owner_only(store: Store, db_path: Path) -> None:
    assert db_path.exists()
    assert mode(db_path) == 0o600


def test_the_wal_file_is_private_too(store: Store, db_path: Path) -> None:
    store.save_state(1, UserState(country="GB"), NOW)
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.exists()
    assert mode(wal) & 0o077 == 0


def test_an_existing_database_of_feathers_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    Store(path).close()
    os.chmod(path, 0o644)  # e.g. copied back from a backup by hand
    store = Store(path)
    assert mode(path) == 0o600
    assert store.created is False
    store.close()


def test_wal_mode(store: Store) -> None:
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"


def test_schema_version_is_the_last_migration(store: Store, db_path: Path) -> None:
    latest = max(version for version, _ in MIGRATIONS)
    assert store.schema_version == latest
    store.close()
    again = Store(db_path)  # opening again migrates nothing and keeps the data
    assert again.schema_version == latest
    again.close()


def test_migrations_are_numbered_in_order() -> None:
    versions = [version for version, _ in MIGRATIONS]
    assert versions == list(range(1, len(versions) + 1))


def test_state_round_trip(store: Store) -> None:
    state = UserState(flow="mc_duration", node="more", last_topic="mc_duration", pending="country",
                      pending_data={"step": "2"}, country="NZ", turn=41)
    store.save_state(7, state, NOW)
    assert store.load_state(7) == state
    state.turn = 42
    store.save_state(7, state, NOW + timedelta(minutes=1))
    assert store.load_state(7).turn == 42
    assert len(store.query("SELECT * FROM chats")) == 1


def test_unknown_chat_gets_a_fresh_state(store: Store) -> None:
    assert store.load_state(12345) == UserState()


def test_state_survives_reopening(db_path: Path) -> None:
    first = Store(db_path)
    first.save_state(3, UserState(country="IE"), NOW)
    first.close()
    second = Store(db_path)
    assert second.load_state(3).country == "IE"
    second.close()


def test_state_from_an_older_or_newer_version_loads(store: Store) -> None:
    store.query("INSERT INTO chats VALUES (9, ?, NULL, ?, ?)",
                ('{"flow": "mc_where", "removed_field": 1}', NOW.isoformat(), NOW.isoformat()))
    assert store.load_state(9) == UserState(flow="mc_where")


def test_created_at_stays_updated_at_moves(store: Store) -> None:
    store.save_state(5, UserState(), NOW)
    store.save_state(5, UserState(), NOW + timedelta(days=1))
    row = store.query("SELECT created_at, updated_at FROM chats WHERE chat_id = 5")[0]
    assert row["created_at"] == NOW.isoformat(timespec="seconds")
    assert row["updated_at"] == (NOW + timedelta(days=1)).isoformat(timespec="seconds")


def test_forget_deletes_every_row_of_the_chat_and_only_that_chat(store: Store) -> None:
    # A table added by a later feature is covered too, as long as it has a chat_id column.
    store.query("CREATE TABLE notes_for_test (chat_id INTEGER, what TEXT)")
    for chat in (1, 2):
        store.save_state(chat, UserState(country="GB"), NOW)
        store.query("INSERT INTO notes_for_test VALUES (?, 'x')", (chat,))
        store.query("INSERT INTO notes_for_test VALUES (?, 'y')", (chat,))
    store.count_event("crisis_response_sent", NOW)
    store.forget(1)
    assert store.my_data(1) == {}
    assert store.load_state(1) == UserState()
    assert set(store.my_data(2)) == {"chats", "notes_for_test"}
    assert len(store.my_data(2)["notes_for_test"]) == 2
    assert store.event_total("crisis_response_sent") == 1


def test_my_data_lists_every_row_about_the_chat(store: Store) -> None:
    store.save_state(4, UserState(country="AU", last_topic="grief_feelings"), NOW)
    store.save_state(5, UserState(country="GB"), NOW)
    data = store.my_data(4)
    assert list(data) == ["chats"]
    (row,) = data["chats"]
    assert row["chat_id"] == 4 and row["country"] == "AU"
    assert "grief_feelings" in row["state"]
    assert store.my_data(6) == {}


def test_event_counts_carry_no_chat_id(store: Store) -> None:
    columns = {row[1] for row in store.query("PRAGMA table_info(event_counts)")}
    assert columns == {"event", "day", "count"}
    store.count_event("not_sure", NOW)
    store.count_event("not_sure", NOW)
    store.count_event("not_sure", NOW + timedelta(days=1))
    assert store.event_total("not_sure") == 3
    assert store.event_total("never_happened") == 0
    rows = [tuple(r) for r in store.query("SELECT event, day, count FROM event_counts ORDER BY day")]
    assert rows == [("not_sure", "2026-11-25", 2), ("not_sure", "2026-11-26", 1)]


def test_transaction_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as db:
        db.execute("INSERT INTO event_counts VALUES ('x', '2026-11-25', 1)")
        raise RuntimeError("boom")
    assert store.event_total("x") == 0


def test_in_memory_store(tmp_path: Path) -> None:
    store = Store(":memory:")
    store.save_state(1, UserState(turn=2), NOW)
    assert store.load_state(1).turn == 2
    store.close()
    assert not list(tmp_path.iterdir())


def test_the_file_is_a_plain_sqlite_database(store: Store, db_path: Path) -> None:
    store.save_state(1, UserState(), NOW)
    other = sqlite3.connect(db_path)
    assert other.execute("SELECT COUNT(*) FROM chats").fetchone()[0] == 1
    other.close()
