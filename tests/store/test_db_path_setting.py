"""A wrong FEATHER_DB_PATH, tried as an operator would: ``run_bot.py`` as a process, scratch paths
under tmp_path only. Each mistake is one line naming the setting and the fix, no traceback, and
nothing outside Feather's own database files changes mode or appears."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.store import Store
from bot.store.migrations import LATEST
from tests.feather_testkit import RUN_BOT, clean_env

NOBODY = 65534


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every path under ``folder`` (and the folder) with its mode, owner and size."""
    paths = [folder, *folder.rglob("*")]
    return {str(p.relative_to(folder)): (p.lstat().st_mode, p.lstat().st_uid, p.lstat().st_size)
            for p in paths}


def start(db_path: Path, *, drop_dac: bool = False) -> subprocess.CompletedProcess[str]:
    """The terminal chat with stdin closed: it opens the store first thing after the content."""
    command = [sys.executable, str(RUN_BOT), "--console"]
    if drop_dac:  # root without the capability to ignore file modes: permissions apply again
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    return subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=clean_env(FEATHER_DB_PATH=str(db_path)), cwd=PROJECT_ROOT, timeout=60)


def refused(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    (line,) = lines
    assert line.startswith("Setting problem: FEATHER_DB_PATH"), line
    for fragment in fragments:
        assert fragment in line, line
    return line


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A folder with a neighbour file and a sub-folder, everything in it group/world-readable: a
    careless chmod anywhere would show."""
    root = tmp_path / "scratch"
    (root / "inner").mkdir(parents=True)
    (root / "neighbour.txt").write_text("someone else's file\n")
    for path in (root, root / "inner", root / "neighbour.txt"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return root


def test_a_folder_is_refused_and_keeps_its_mode(scratch: Path) -> None:
    before = snapshot(scratch)
    line = refused(start(scratch), "points to a folder", str(scratch / "feather.sqlite3"))
    assert "set it to a file inside it" in line
    assert snapshot(scratch) == before


def test_a_missing_folder_is_not_created_outside_the_default_path(scratch: Path) -> None:
    before = snapshot(scratch)
    refused(start(scratch / "not" / "there" / "feather.sqlite3"), "does not exist", "create it")
    assert snapshot(scratch) == before


def test_a_file_that_is_not_sqlite_is_left_alone(scratch: Path) -> None:
    before = snapshot(scratch)
    refused(start(scratch / "neighbour.txt"), "is not an SQLite database")
    assert snapshot(scratch) == before
    assert (scratch / "neighbour.txt").read_text() == "someone else's file\n"


def test_another_programs_database_gets_no_tables_of_ours(scratch: Path) -> None:
    other = scratch / "recipes.sqlite3"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE recipes (name TEXT)")
    db.close()
    os.chmod(other, 0o644)
    before = snapshot(scratch)
    refused(start(other), "is an SQLite database but not Feather's")
    assert snapshot(scratch) == before


def test_a_database_from_a_newer_feather_is_refused(scratch: Path) -> None:
    newer = scratch / "feather.sqlite3"
    Store(newer).close()
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version={LATEST + 1}")
    db.close()
    before = snapshot(scratch)
    refused(start(newer), f"schema version {LATEST + 1}", "restore a backup")
    assert snapshot(scratch) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_a_file_owned_by_another_user_is_refused(scratch: Path) -> None:
    restored = scratch / "feather.sqlite3"
    Store(restored).close()
    os.chown(restored, NOBODY, NOBODY)
    before = snapshot(scratch)
    refused(start(restored), f"belongs to another user (uid {NOBODY})", "chown")
    assert snapshot(scratch) == before


def can_drop_dac() -> bool:
    if os.geteuid() != 0:
        return True  # an ordinary user: folder modes apply anyway
    if shutil.which("setpriv") is None:
        return False
    probe = subprocess.run(["setpriv", "--bounding-set=-dac_override", "--", "true"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not can_drop_dac(), reason="running as root without setpriv: folder modes do not apply")
def test_a_folder_feather_cannot_write_is_refused(scratch: Path) -> None:
    locked = scratch / "locked"
    locked.mkdir(mode=0o500)
    os.chmod(locked, 0o500)
    before = snapshot(scratch)
    try:
        refused(start(locked / "feather.sqlite3", drop_dac=os.geteuid() == 0), "cannot write to the folder")
        assert snapshot(scratch) == before
    finally:
        os.chmod(locked, 0o700)


def test_a_good_path_gets_a_private_database_and_nothing_else_changes(scratch: Path) -> None:
    before = snapshot(scratch)
    result = subprocess.run([sys.executable, str(RUN_BOT), "--console"], input="/start\n",
                            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60,
                            env=clean_env(FEATHER_DB_PATH=str(scratch / "inner" / "feather.sqlite3")))
    assert result.returncode == 0, result.stderr
    after = snapshot(scratch)
    new = {name for name in after if name not in before}
    assert "inner/feather.sqlite3" in new
    assert all(name.startswith("inner/") for name in new)  # Feather's files, in its data folder only
    assert {name: after[name] for name in before} == before
    for name in new:
        assert stat.S_IMODE(after[name][0]) == 0o600, name
