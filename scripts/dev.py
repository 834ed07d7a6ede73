#!/usr/bin/env python3
"""Set up and run Feather with nothing but Python 3.11+: `python3 scripts/dev.py run|test|lint|check|bench`.

Creates `.venv` on first use and (re)installs the project whenever pyproject.toml changes, so the
same two commands work on a fresh clone, on a developer's machine and in CI.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
EXTRAS = {"run": "", "check": "", "test": "[test]", "lint": "[test]", "bench": "[test,bench]"}


def ensure_environment(extras: str) -> None:
    """Create the virtual environment and install the project when missing or out of date."""
    if sys.version_info < (3, 11):
        sys.exit(f"Feather needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed{extras or '[base]'}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print(f"Installing Feather{extras} into .venv ...", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-e", f"{ROOT}{extras}"], check=True)
    stamp.write_text(wanted)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    if command not in EXTRAS:
        print(__doc__)
        return 2
    ensure_environment(EXTRAS[command])
    rest = argv[1:]
    if command == "lint":
        ruff = subprocess.call([str(PYTHON), "-m", "ruff", "check", *rest, "."], cwd=ROOT)
        mypy = subprocess.call([str(PYTHON), "-m", "mypy"], cwd=ROOT)
        return ruff or mypy
    if command == "test":
        args = [str(PYTHON), "-m", "pytest", *rest]
    elif command == "bench":
        args = [str(PYTHON), str(ROOT / "benchmarks" / "run.py"), *rest]
    elif command == "check":
        args = [str(PYTHON), str(ROOT / "run_bot.py"), "--check", *rest]
    else:
        args = [str(PYTHON), str(ROOT / "run_bot.py"), *rest]
    return subprocess.call(args, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
