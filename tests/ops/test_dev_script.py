"""``scripts/dev.py`` as a new operator meets it: a broken .venv is one line saying what to do,
and Ctrl-C ends it quietly with exit 130. Each test runs a copy of the script in a scratch
project under tmp_path with a stand-in .venv, so the real one is never touched."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot import PROJECT_ROOT

PYPROJECT = '[project]\nname = "scratch"\nversion = "0"\n'


def scratch_project(tmp_path: Path, python_script: str, *, installed: bool) -> Path:
    """A project folder with scripts/dev.py, a pyproject.toml and .venv/bin/python = a shell script."""
    root = tmp_path / "project"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "scripts" / "dev.py", root / "scripts" / "dev.py")
    (root / "pyproject.toml").write_text(PYPROJECT)
    python = root / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n" + python_script)
    python.chmod(0o755)
    if installed:
        (root / ".venv" / ".installed[base]").write_text(hashlib.sha256(PYPROJECT.encode()).hexdigest())
    return root


def dev(root: Path, *args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(root / "scripts" / "dev.py"), *args], capture_output=True,
                          text=True, cwd=root, timeout=30, stdin=subprocess.DEVNULL, **kwargs)


@pytest.mark.skipif(os.name == "nt", reason="the stand-in .venv is a shell script")
def test_a_venv_without_pip_is_one_line(tmp_path: Path) -> None:
    root = scratch_project(tmp_path, 'echo "No module named pip" >&2; exit 1\n', installed=False)
    result = dev(root, "run")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "The .venv has no pip (was it made without it?): remove it (rm -rf .venv) and run this command again"]


@pytest.mark.skipif(os.name == "nt", reason="the stand-in .venv is a shell script")
def test_a_venv_whose_python_cannot_run_is_one_line(tmp_path: Path) -> None:
    root = scratch_project(tmp_path, "", installed=False)
    (root / ".venv" / "bin" / "python").write_text("#!/nowhere/python-that-was-removed\n")
    result = dev(root, "run")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("The .venv is broken:") and line.endswith("run this command again")


@pytest.mark.skipif(os.name == "nt", reason="process groups and SIGINT are POSIX")
def test_ctrl_c_ends_quietly_with_130(tmp_path: Path) -> None:
    waits = ("import signal, sys\n"
             "try:\n    print('ready', flush=True)\n    signal.pause()\nexcept KeyboardInterrupt:\n"
             "    sys.exit(130)\n")
    root = scratch_project(tmp_path, f'exec "{sys.executable}" "$@"\n', installed=True)
    (root / "run_bot.py").write_text(waits)
    process = subprocess.Popen([sys.executable, str(root / "scripts" / "dev.py"), "run"], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"  # both are up and waiting
        os.killpg(process.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130
    assert err == ""
