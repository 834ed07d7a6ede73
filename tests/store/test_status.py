"""The status file behind --health and --reload: healthy, stale, dead, failing store or API."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.status import (
    STALE_AFTER_SECONDS,
    Status,
    health,
    read_status,
    remove_status,
    signal_running,
    status_path,
    write_status,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def running(pid: int | None = None) -> Status:
    stamp = NOW.isoformat(timespec="seconds")
    return Status(pid=pid or os.getpid(), version="0.1.0", mode="polling", started=stamp, heartbeat=stamp)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_no_status_file_is_unhealthy(tmp_path: Path) -> None:
    ok, line = health(tmp_path / "f.sqlite3", NOW)
    assert not ok and "no Feather is running" in line


def test_a_fresh_heartbeat_and_a_good_api_call_is_healthy(tmp_path: Path) -> None:
    db = tmp_path / "f.sqlite3"
    write_status(db, running().api(NOW, True))
    assert stat.S_IMODE(status_path(db).stat().st_mode) == 0o600
    ok, line = health(db, NOW + timedelta(seconds=20))
    assert ok and line.startswith("healthy: Feather 0.1.0, polling")
    assert not any(p.name.endswith(".partial") for p in tmp_path.iterdir())


def test_each_way_to_be_unhealthy_is_named(tmp_path: Path) -> None:
    db = tmp_path / "f.sqlite3"
    cases = {
        "is not running": (running(dead_pid()), NOW),
        "no heartbeat for": (running(), NOW + timedelta(seconds=STALE_AFTER_SECONDS + 1)),
        "cannot be written": (running().beat(NOW, store_ok=False), NOW),
        "last Bot API call failed (NetworkError)": (running().api(NOW, False, "NetworkError"), NOW),
    }
    for fragment, (status, now) in cases.items():
        write_status(db, status)
        ok, line = health(db, now)
        assert not ok and line.startswith("unhealthy: ") and fragment in line, line


def test_a_clean_stop_removes_only_its_own_status(tmp_path: Path) -> None:
    db = tmp_path / "f.sqlite3"
    write_status(db, running(12345))
    remove_status(db, os.getpid())
    assert read_status(db) is not None
    remove_status(db, 12345)
    assert read_status(db) is None


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc to tell Feather by its command line")
def test_reload_signals_only_a_running_feather(tmp_path: Path) -> None:
    db = tmp_path / "f.sqlite3"
    ok, line = signal_running(db)
    assert not ok and "no Feather is running" in line
    write_status(db, running(dead_pid()))
    assert signal_running(db)[0] is False
    other = subprocess.Popen([sys.executable, "-c", "import signal; signal.pause()"])
    try:
        write_status(db, running(other.pid))  # alive, but not run_bot.py
        ok, line = signal_running(db, signal.SIGTERM)
        assert not ok and "is not Feather" in line
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_the_store_probe_is_a_real_write_that_changes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "f.sqlite3")
    version = store.schema_version
    assert store.probe_write() is True
    assert store.schema_version == version
    store.close()
