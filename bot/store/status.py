"""The running instance's status, in a small owner-only file beside the database.

The bot rewrites it on every heartbeat (each one a real write to the database, so a full disk or
a read-only mount shows) and after each Bot API call's outcome changes. ``run_bot.py --health``
reads it (exit 0/1 for a watchdog or a container probe) and ``run_bot.py --reload`` finds the
process to send SIGHUP to. It holds no token, no secret and nothing about people.
"""

from __future__ import annotations

import json
import os
import signal
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

HEARTBEAT_SECONDS = 15.0
STALE_AFTER_SECONDS = 4 * HEARTBEAT_SECONDS


@dataclass(frozen=True)
class Status:
    pid: int
    version: str
    mode: str  # "polling" or "webhook"
    started: str
    heartbeat: str
    store_ok: bool = True
    api_ok: bool | None = None  # None until the first Bot API call
    api_error: str | None = None  # the exception type of the last failed call, never its text
    api_at: str | None = None

    def beat(self, now: datetime, store_ok: bool) -> Status:
        return replace(self, heartbeat=now.isoformat(timespec="seconds"), store_ok=store_ok)

    def api(self, now: datetime, ok: bool, error: str | None = None) -> Status:
        return replace(self, api_ok=ok, api_error=None if ok else error,
                       api_at=now.isoformat(timespec="seconds"))


def status_path(db_path: str | Path) -> Path:
    path = Path(db_path)
    return path.with_name(path.name + ".status")


def write_status(db_path: str | Path, status: Status) -> None:
    """Atomic replace: a reader never sees half a file."""
    target = status_path(db_path)
    partial = target.with_name(target.name + ".partial")
    fd = os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(status), handle)
    os.replace(partial, target)


def read_status(db_path: str | Path) -> Status | None:
    try:
        data = json.loads(status_path(db_path).read_text(encoding="utf-8"))
        return Status(**data)
    except (OSError, ValueError, TypeError):
        return None


def remove_status(db_path: str | Path, pid: int) -> None:
    """At a clean stop, so --health says "not running" rather than "stuck"."""
    found = read_status(db_path)
    if found is not None and found.pid == pid:
        status_path(db_path).unlink(missing_ok=True)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    return True


def health(db_path: str | Path, now: datetime) -> tuple[bool, str]:
    """(healthy, one line saying why) for ``run_bot.py --health``."""
    status = read_status(db_path)
    if status is None:
        return False, f"unhealthy: no Feather is running on {db_path} (no status file)"
    if not alive(status.pid):
        return False, f"unhealthy: Feather (pid {status.pid}) is not running"
    age = (now - datetime.fromisoformat(status.heartbeat)).total_seconds()
    if age > STALE_AFTER_SECONDS:
        return False, f"unhealthy: no heartbeat for {age:.0f} s (pid {status.pid} may be stuck)"
    if not status.store_ok:
        return False, f"unhealthy: the database {db_path} cannot be written"
    if status.api_ok is False:
        return False, f"unhealthy: the last Bot API call failed ({status.api_error}) at {status.api_at}"
    api = "no Bot API call yet" if status.api_ok is None else f"last Bot API call ok at {status.api_at}"
    return True, f"healthy: Feather {status.version}, {status.mode}, pid {status.pid}, {api}"


def signal_running(db_path: str | Path, sig: int = signal.SIGHUP) -> tuple[bool, str]:
    """Send ``sig`` to the instance running on this database (for ``run_bot.py --reload``)."""
    status = read_status(db_path)
    if status is None or not alive(status.pid):
        return False, f"no Feather is running on {db_path}"
    cmdline = Path(f"/proc/{status.pid}/cmdline")
    if cmdline.exists() and b"run_bot.py" not in cmdline.read_bytes():
        return False, f"pid {status.pid} from {status_path(db_path)} is not Feather: not signalled"
    try:
        os.kill(status.pid, sig)
    except PermissionError:
        return False, f"not allowed to signal Feather (pid {status.pid}): run as its user or root"
    return True, f"asked Feather (pid {status.pid}) to reload its content"
