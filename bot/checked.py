"""What the slow start-up checks found for exactly these files, remembered for the next start.

Checking the content and compiling the safety patterns takes most of a start. A restart on the
same content and code finds the same problems, so they are kept in a small file beside the
database, under a hash of every content file, every bot/ source file and today's date (a review
date can age into a warning). Any change, and the next start checks everything again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import date
from pathlib import Path

from bot import PROJECT_ROOT
from bot.content.problems import Problem
from bot.content.yamlsrc import Where

log = logging.getLogger(__name__)

FILE_NAME = "content-checked.json"


class CheckedCache:
    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE_NAME

    @staticmethod
    def key(root: Path, today: date) -> str:
        digest = hashlib.sha256(today.isoformat().encode())
        code = sorted((PROJECT_ROOT / "bot").rglob("*.py"))
        content = sorted(p for folder in ("dialogs", "content") for p in (root / folder).rglob("*") if p.is_file())
        for path in (*code, *content):
            digest.update(str(path).encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def problems(self, key: str) -> list[Problem] | None:
        """The problems found last time for ``key``, or None when these files were not checked."""
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
            if kept.get("key") != key:
                return None
            return [Problem(Where(str(file), int(line)), str(message), "warning" if severity == "warning" else "error")
                    for file, line, message, severity in kept["problems"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def keep(self, key: str, problems: list[Problem]) -> None:
        rows = [[p.where.file, p.where.line, p.message, p.severity] for p in problems]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".partial")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"key": key, "problems": rows}, out)
            partial.replace(self.path)
        except OSError as exc:  # only the next start's speed depends on it
            log.warning("could not keep the content check result (%s)", type(exc).__name__)
