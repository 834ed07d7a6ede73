"""Every setting and content-folder mistake, tried as a process: one line that names the setting
(or the folder), no traceback; --check runs whatever the Telegram settings say; Ctrl-C in the
terminal chat is a quiet 130; outside the venv, a line saying how to start it."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from tests.feather_testkit import RUN_BOT, clean_env, make_root


def run(*args: str, stdin: str | None = None, python: tuple[str, ...] = (sys.executable,),
        **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*python, str(RUN_BOT), *args], capture_output=True, text=True, cwd=PROJECT_ROOT,
                          env=clean_env(**env), timeout=60, input=stdin,
                          stdin=None if stdin is not None else subprocess.DEVNULL)


def one_line(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(("env", "starts"), [
    ({"FEATHER_DAILY_RATE": "fast"}, "Setting problem: FEATHER_DAILY_RATE must be a number"),
    ({"FEATHER_LOG_LEVEL": "LOUD"}, "Setting problem: FEATHER_LOG_LEVEL must be one of"),
    ({"TELEGRAM_BOT_TOKEN": "not a token"}, "Setting problem: TELEGRAM_BOT_TOKEN does not look like a bot token"),
    ({"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "http://plain.example"}, "Setting problem: WEBHOOK_URL must start"),
    ({"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "https://x.example/h"}, "Setting problem: WEBHOOK_SECRET is"),
    ({"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_PORT": "99999"}, "Setting problem: WEBHOOK_PORT must be between"),
])
def test_a_bad_setting_is_one_line(env: dict[str, str], starts: str) -> None:
    assert one_line(run(**env)).startswith(starts)


def test_a_missing_or_empty_content_folder_names_the_folder_and_the_setting(tmp_path: Path) -> None:
    missing = one_line(run("--check", FEATHER_CONTENT_DIR=str(tmp_path / "nowhere")))
    assert missing.startswith(f"Setting problem: FEATHER_CONTENT_DIR: the folder {tmp_path / 'nowhere'} does not exist")
    (tmp_path / "empty").mkdir()
    empty = one_line(run(FEATHER_CONTENT_DIR=str(tmp_path / "empty")))
    assert empty.startswith(f"Setting problem: FEATHER_CONTENT_DIR: {tmp_path / 'empty'} has no dialogs/")
    flag = one_line(run("--check", "--content", str(tmp_path / "empty")))
    assert flag.startswith("Setting problem: --content: ")


def test_check_runs_whatever_the_telegram_settings_say(tmp_path: Path) -> None:
    root = make_root(tmp_path, slim=True)
    result = run("--check", "--content", str(root), TELEGRAM_BOT_TOKEN="not a token",
                 WEBHOOK_URL="http://plain.example", WEBHOOK_PORT="x")
    assert result.returncode == 0, result.stderr
    assert "0 error(s)" in result.stdout and result.stderr == ""


def test_a_file_that_fails_to_parse_hides_what_follows_from_it(tmp_path: Path) -> None:
    root = make_root(tmp_path, slim=True)
    broken = next(p for p in sorted((root / "dialogs").glob("*.yaml")))
    lines = broken.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("      - id:"))
    lines[at] = lines[at][2:]  # one indentation slip
    broken.write_text("".join(lines), encoding="utf-8")
    result = run("--check", "--content", str(root))
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith(f"dialogs/{broken.name}:") and "not valid YAML" in errors[0]
    note = next(line for line in result.stdout.splitlines() if "follow from what could not be read" in line)
    assert f"(dialogs/{broken.name})" in note


def test_ctrl_c_in_the_terminal_chat_is_quiet(tmp_path: Path) -> None:
    root = make_root(tmp_path, slim=True)
    process = subprocess.Popen([sys.executable, str(RUN_BOT), "--console", "--content", str(root)], cwd=PROJECT_ROOT,
                               env=clean_env(FEATHER_DB_PATH=str(tmp_path / "f.sqlite3")), text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("/start\n")
        process.stdin.flush()
        while "Feather:" not in process.stdout.readline():  # up, answered, waiting for the next line
            pass
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130 and err == ""


def test_outside_the_venv_says_how_to_start_it() -> None:
    result = run(python=(sys.executable, "-S"))  # without site-packages: none of Feather's packages
    line = one_line(result, code=1)
    assert line.startswith("Feather's packages are not installed for this Python")
    assert "python3 scripts/dev.py run" in line
