"""Backup with SQLite's online backup API while another connection writes; restore with checks."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.engine.types import UserState
from bot.store import Store, StorePathError, backup, check_backup, restore
from bot.store.migrations import LATEST

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def write_pairs(path: Path, stop: threading.Event, written: list[int]) -> None:
    """Each transaction adds a chat and counts it: in any consistent copy the two numbers agree."""
    store = Store(path)
    chat = 0
    while not stop.is_set():
        chat += 1
        with store.transaction() as db:
            db.execute("INSERT INTO chats VALUES (?, '{}', NULL, ?, ?)", (chat, "t", "t"))
            db.execute("""INSERT INTO event_counts VALUES ('written', '2026-11-25', 1)
                          ON CONFLICT(event, day) DO UPDATE SET count = count + 1""")
        written.append(chat)
    store.close()


def test_a_backup_taken_while_the_bot_writes_is_one_consistent_snapshot(tmp_path: Path) -> None:
    live = tmp_path / "feather.sqlite3"
    Store(live).close()
    stop, written = threading.Event(), []
    writer = threading.Thread(target=write_pairs, args=(live, stop, written))
    writer.start()
    try:
        for _ in range(10_000):  # bounded: until the writer is well under way
            if len(written) >= 200:
                break
            threading.Event().wait(0.001)
        copies = [backup(live, tmp_path / f"copy{i}.sqlite3") for i in range(3)]
        during = len(written)
    finally:
        stop.set()
        writer.join()
    assert during >= 200 and len(written) > 0
    for copied in copies:
        db = sqlite3.connect(copied.path)
        chats = db.execute("SELECT COUNT(*) FROM chats").fetchone()[0]
        counted = db.execute("SELECT COALESCE(SUM(count), 0) FROM event_counts").fetchone()[0]
        assert chats == counted == copied.chats > 0
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file, no -wal
        assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST == copied.schema_version
        db.close()
        assert mode(copied.path) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_a_folder_gets_a_dated_file_and_nothing_is_overwritten(tmp_path: Path) -> None:
    live = tmp_path / "feather.sqlite3"
    Store(live).close()
    folder = tmp_path / "backups"
    folder.mkdir()
    first = backup(live, folder, now=NOW)
    assert first.path == folder / "feather-20261125T120000Z.sqlite3"
    later = backup(live, folder, now=NOW + timedelta(days=1))
    assert sorted(p.name for p in folder.iterdir()) == [first.path.name, later.path.name]
    before = first.path.read_bytes()
    with pytest.raises(StorePathError, match="already exists"):
        backup(live, folder, now=NOW)
    assert first.path.read_bytes() == before


def test_nothing_to_back_up_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(StorePathError, match="FEATHER_DB_PATH: there is no database at"):
        backup(tmp_path / "missing.sqlite3", tmp_path / "b.sqlite3")
    assert list(tmp_path.iterdir()) == []


def test_restore_brings_back_the_data_and_the_store_opens_it(tmp_path: Path) -> None:
    live = tmp_path / "feather.sqlite3"
    store = Store(live)
    store.save_state(7, UserState(country="NZ"), NOW)
    store.close()
    saved = backup(live, tmp_path / "b.sqlite3")
    store = Store(live)
    store.forget(7)
    store.save_state(8, UserState(country="GB"), NOW)
    store.close()
    restored = restore(saved.path, live)
    assert (restored.chats, restored.schema_version) == (1, LATEST)
    store = Store(live)
    assert store.load_state(7).country == "NZ"
    assert store.my_data(8) == {}
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"
    store.close()
    assert mode(live) == 0o600


def test_restore_to_a_new_path_creates_it_owner_only(tmp_path: Path) -> None:
    live = tmp_path / "feather.sqlite3"
    store = Store(live)
    store.save_state(3, UserState(country="IE"), NOW)
    store.close()
    saved = backup(live, tmp_path / "b.sqlite3")
    os.chmod(saved.path, 0o644)  # e.g. copied from another machine
    fresh = tmp_path / "fresh.sqlite3"
    restore(saved.path, fresh)
    assert mode(fresh) == 0o600 and mode(saved.path) == 0o644  # the backup itself is left alone
    store = Store(fresh)
    assert store.load_state(3).country == "IE"
    store.close()


def test_restore_refuses_what_is_not_a_backup_of_feathers(tmp_path: Path) -> None:
    live = tmp_path / "feather.sqlite3"
    Store(live).close()
    before = live.read_bytes()
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n")
    other = tmp_path / "other.sqlite3"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE recipes (name TEXT)")
    db.close()
    newer = tmp_path / "newer.sqlite3"
    Store(newer).close()
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version={LATEST + 1}")
    db.close()
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    cases = {
        tmp_path / "missing.sqlite3": "there is no file at",
        text: "is not an SQLite database",
        other: "is an SQLite database but not Feather's",
        newer: f"schema version {LATEST + 1}, newer than this Feather knows",
        empty: "is an empty file",
    }
    for path, message in cases.items():
        with pytest.raises(StorePathError, match=message) as caught:
            restore(path, live)
        assert str(caught.value).startswith("--restore: ")
        assert "\n" not in str(caught.value)
    assert live.read_bytes() == before


def test_check_backup_reports_what_it_holds(tmp_path: Path) -> None:
    live = tmp_path / "feather.sqlite3"
    store = Store(live)
    for chat in (1, 2, 3):
        store.save_state(chat, UserState(), NOW)
    store.close()
    checked = check_backup(backup(live, tmp_path / "b.sqlite3").path)
    assert (checked.chats, checked.schema_version) == (3, LATEST)
