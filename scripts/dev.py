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


class SetupFailed(Exception):
    """The environment could not be made; the message says what to do, in one line."""


FRESH = "remove it (rm -rf .venv) and run this command again"


def ensure_environment(extras: str) -> None:
    """Create the virtual environment and install the project when missing or out of date."""
    if sys.version_info < (3, 11):
        raise SetupFailed(f"Feather needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (subprocess.CalledProcessError, OSError):
            raise SetupFailed("Could not create .venv: this Python cannot make virtual environments "
                              "with pip (Debian/Ubuntu: sudo apt install python3-venv); then "
                              + FRESH) from None
    stamp = VENV / f".installed{extras or '[base]'}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print(f"Installing Feather{extras} into .venv ...", flush=True)
    try:
        has_pip = subprocess.run([str(PYTHON), "-m", "pip", "--version"], capture_output=True).returncode == 0
    except OSError:
        raise SetupFailed(f"The .venv is broken: {PYTHON} cannot run (was the Python it was made "
                          f"with removed or upgraded?): {FRESH}") from None
    if not has_pip:
        raise SetupFailed(f"The .venv has no pip (was it made without it?): {FRESH}")
    install = subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                              "-e", f"{ROOT}{extras}"])
    if install.returncode != 0:
        raise SetupFailed("Installing Feather into .venv failed (pip's message is above): check the "
                          "network or your package index, then run this command again")
    stamp.write_text(wanted)


def run(args: list[str]) -> int:
    """Run a child in the foreground. Ctrl-C reaches it too (same process group): wait for it to
    finish cleanly and exit 130 without a traceback of our own."""
    child = subprocess.Popen(args, cwd=ROOT)
    interrupts = 0
    while True:
        try:
            code = child.wait()
        except KeyboardInterrupt:  # the child got the same Ctrl-C; let it stop on its own terms
            interrupts += 1
            if interrupts > 1:
                child.terminate()  # a second Ctrl-C: don't wait any longer
            continue
        if code < 0:
            return 128 - code  # ended by a signal: the shell's convention
        return code


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    if command not in EXTRAS:
        print(__doc__)
        return 2
    try:
        ensure_environment(EXTRAS[command])
    except SetupFailed as exc:
        print(exc, file=sys.stderr)
        return 1
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
    return run(args)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:  # Ctrl-C while setting up
        sys.exit(130)
