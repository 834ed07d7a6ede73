"""``run_bot.py --backup`` while another process writes, ``--restore`` with its checks, then
Feather starts on the restored database: all as processes, on scratch paths under tmp_path."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from bot import PROJECT_ROOT
from bot.store import Store
from bot.store.migrations import LATEST
from tests.feather_testkit import RUN_BOT, clean_env

# The writer stands in for the running bot: each transaction adds a chat and counts it, so any
# consistent copy has as many chats as the count says. It says "ready" after 300 writes and
# keeps writing until its stdin closes.
WRITER = """
import sys, threading
from bot.store import Store
store = Store(sys.argv[1])
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
chat = 0
while not done.is_set():
    chat += 1
    with store.transaction() as db:
        db.execute("INSERT INTO chats VALUES (?, '{}', 'NZ', 't', 't')", (chat,))
        db.execute("INSERT INTO event_counts VALUES ('written', 'd', 1) "
                   "ON CONFLICT(event, day) DO UPDATE SET count = count + 1")
    if chat == 300:
        print("ready", flush=True)
print(chat, flush=True)
store.close()
"""


def tool(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = clean_env(FEATHER_DB_PATH=str(db), TELEGRAM_BOT_TOKEN="not a token at all")  # not read
    return subprocess.run([sys.executable, str(RUN_BOT), *args], capture_output=True, text=True,
                          env=env, cwd=PROJECT_ROOT, timeout=60, stdin=subprocess.DEVNULL)


def consistent(path: Path) -> int:
    db = sqlite3.connect(path)
    chats = db.execute("SELECT COUNT(*) FROM chats").fetchone()[0]
    counted = db.execute("SELECT COALESCE(SUM(count), 0) FROM event_counts").fetchone()[0]
    db.close()
    assert chats == counted
    return chats


def test_backup_while_writing_then_restore_then_feather_starts_on_it(tmp_path: Path) -> None:
    live_dir, backups = tmp_path / "live", tmp_path / "backups"
    live_dir.mkdir()
    backups.mkdir()
    live = live_dir / "feather.sqlite3"
    Store(live).close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(live)], cwd=PROJECT_ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert writer.stdout is not None and writer.stdin is not None
        assert writer.stdout.readline().strip() == "ready"
        taken = [tool("--backup", str(backups / f"b{i}.sqlite3"), db=live) for i in range(2)]
        writer.stdin.close()
        total = int(writer.stdout.readline())
    finally:
        writer.wait(timeout=30)
    for result in taken:
        assert result.returncode == 0, result.stderr
        assert result.stderr == "" and len(result.stdout.splitlines()) == 1
        assert result.stdout.startswith(f"Backed up {live} to {backups}")
    copies = [consistent(backups / f"b{i}.sqlite3") for i in range(2)]
    assert 300 <= copies[0] <= copies[1] <= total  # taken while the writer was still writing

    restored = tmp_path / "restored" / "feather.sqlite3"
    restored.parent.mkdir()
    result = tool("--restore", str(backups / "b1.sqlite3"), db=restored)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (f"Restored {backups / 'b1.sqlite3'} into {restored} "
                                     f"(schema {LATEST}, {copies[1]} chats); start Feather to use it")
    started = subprocess.run([sys.executable, str(RUN_BOT), "--console"], input="/start\n",
                             capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60,
                             env=clean_env(FEATHER_DB_PATH=str(restored)))
    assert started.returncode == 0, started.stderr
    assert "Feather: " in started.stdout
    store = Store(restored)
    assert store.query("SELECT country FROM chats WHERE chat_id = 300")[0][0] == "NZ"
    assert len(store.query("SELECT chat_id FROM chats")) == copies[1]  # chat 1 was already there
    store.close()


def test_restore_refuses_a_file_that_is_not_a_backup_in_one_line(tmp_path: Path) -> None:
    live = tmp_path / "feather.sqlite3"
    Store(live).close()
    before = live.read_bytes()
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n")
    result = tool("--restore", str(notes), db=live)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == (f"Restore refused: --restore: {notes} is not an SQLite database: "
                                     f"use a file made by run_bot.py --backup")
    assert live.read_bytes() == before


def test_backup_with_nothing_to_copy_is_one_line(tmp_path: Path) -> None:
    result = tool("--backup", str(tmp_path / "b.sqlite3"), db=tmp_path / "none.sqlite3")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Backup refused: FEATHER_DB_PATH: there is no database at")
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
