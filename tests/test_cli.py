"""``run_bot.py``: --check, --match, --context, --help, and where settings come from."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from bot import PROJECT_ROOT, cli, config
from bot.config import SettingError, Settings
from tests.feather_testkit import (
    HEAD,
    clean_env,
    default_dialogs,
    flow_yaml,
    line_of,
    make_root,
    parse_once,
    run_bot,
)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_root(tmp_path_factory.mktemp("cli"), slim=True)


def main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str,
         stdin: str = "") -> tuple[int, str, str]:
    """``run_bot.py`` in this process (fast: the kit's caches apply), with the environment of
    :func:`clean_env`, ``stdin`` as input, and logging left as pytest set it."""
    for name in list(os.environ):
        monkeypatch.delenv(name)
    for name, value in clean_env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(cli, "setup_logging", lambda level="INFO": None)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    with parse_once():
        code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ---------------------------------------------------------------------------- --check


def test_check_exits_1_on_errors_and_prints_file_and_line(tmp_path: Path) -> None:
    broken = HEAD + flow_yaml("odd_flow", "weather_chat", nodes=(
        "      - id: start\n        text: Hi.\n        buttons:\n"
        "          - label: Lost\n            goto: nowhere_at_all\n"))
    not_yaml = "last_reviewed: 2026-11-25\nflows:\n\t- x\n"
    root = make_root(tmp_path, {**default_dialogs(), "broken.yaml": broken, "notyaml.yaml": not_yaml},
                     slim=True)
    result = run_bot("--check", "--content", str(root))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    odd, lost = line_of(broken, "- id: odd_flow"), line_of(broken, "label: Lost")
    assert f"dialogs/broken.yaml:{odd}: error: flow 'odd_flow' has unknown topic 'weather_chat'" in lines
    assert any(line.startswith(f"dialogs/broken.yaml:{lost}: error: button 'Lost' goes to 'nowhere_at_all'")
               for line in lines)
    assert any(line.startswith("dialogs/notyaml.yaml:3: error: not valid YAML") for line in lines)
    assert [line for line in lines if ": error: " in line and "dialogs/" not in line] == []
    summary = next(line for line in lines if "error(s)" in line)
    assert "3 error(s)" in summary


def test_check_exits_0_on_valid_content(root: Path) -> None:
    result = run_bot("--check", "--content", str(root))
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": error:" not in result.stdout
    assert "0 error(s)" in next(line for line in result.stdout.splitlines() if "error(s)" in line)


def test_the_bot_refuses_to_start_on_invalid_content(tmp_path: Path, monkeypatch, capsys) -> None:
    root = make_root(tmp_path, {"bad.yaml": HEAD + flow_yaml("odd_flow", "weather_chat")}, slim=True)
    code, out, err = main(monkeypatch, capsys, "--console", "--content", str(root),
                          "--db", str(tmp_path / "x.sqlite3"), stdin="/start\n")
    assert code == 1
    assert "Feather will not start" in err and "unknown topic 'weather_chat'" in err
    assert "Feather: " not in out
    assert not (tmp_path / "x.sqlite3").exists()


# ---------------------------------------------------------------------------- --match


def test_match_writes_one_json_object_per_line(root: Path, monkeypatch, capsys) -> None:
    lines = ["how long do the cells stay", "", "blorp fnarg wibble", "where do the cells go in the body",
             "I want to kill myself", "Ünïcode 💔 ok?"]
    code, out, err = main(monkeypatch, capsys, "--match", "--content", str(root),
                          stdin="\n".join(lines) + "\n")
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["text"] for r in records] == [line for line in lines if line]  # blank lines skipped
    for record in records:
        assert set(record) == {"text", "topic", "score", "safety", "about"}
        assert isinstance(record["score"], (int, float))
        assert record["about"] == {}  # nothing here says anything about a loss
    assert records[0]["topic"] == "mc_duration" and records[0]["safety"] is None
    assert records[1]["topic"] == "none"
    assert records[2]["topic"] == "mc_where"
    assert records[3]["safety"] == "crisis"
    assert "\\u" not in out  # non-ASCII written as is


def test_match_says_what_a_message_tells_of_the_loss(root: Path, monkeypatch, capsys) -> None:
    text = "We named her Grace. She was stillborn at 35 weeks three years ago today"
    code, out, err = main(monkeypatch, capsys, "--match", "--content", str(root), stdin=text + "\n")
    assert code == 0, err
    assert json.loads(out)["about"] == {"kind": "stillbirth", "weeks": 35, "since_days": 1095, "name": "Grace"}


def test_match_with_context(root: Path, monkeypatch, capsys) -> None:
    """Every line is read as a follow-up to the topic ("how long" alone has no topic: see
    tests/matching/test_matcher.py)."""
    code, out, err = main(monkeypatch, capsys, "--match", "--context", "mc_where", "--content", str(root),
                          stdin="how long\nwhere do the cells go in the body\n")
    assert code == 0, err
    assert [json.loads(line)["topic"] for line in out.splitlines()] == ["mc_duration", "mc_where"]


def test_match_with_an_unknown_context(root: Path, monkeypatch, capsys) -> None:
    code, out, err = main(monkeypatch, capsys, "--match", "--context", "no_such_topic",
                          "--content", str(root), stdin="hi\n")
    assert code == 2
    assert "no_such_topic" in err and out == ""


# ---------------------------------------------------------------------------- --help


def test_help_lists_every_mode() -> None:
    result = run_bot("--help")
    assert result.returncode == 0
    for option in ("--console", "--check", "--match", "--graph", "--context", "--content", "--db"):
        assert option in result.stdout
    assert "TELEGRAM_BOT_TOKEN" in result.stdout


def test_modes_are_exclusive() -> None:
    result = run_bot("--check", "--match")
    assert result.returncode == 2
    assert "not allowed with" in result.stderr


# ---------------------------------------------------------------------------- settings


def test_settings_read_dotenv_from_the_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[Path] = []

    def fake_read(path: Path) -> dict[str, str]:
        read.append(path)
        return {"FEATHER_LOG_LEVEL": "debug"}

    monkeypatch.setattr(config, "read_dotenv", fake_read)
    settings = Settings.from_env(env={})
    assert read == [PROJECT_ROOT / ".env"]
    assert settings.log_level == "DEBUG"


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text('# comment\nexport TELEGRAM_BOT_TOKEN="123:abc"\nFEATHER_DB_PATH=/from/dotenv\n'
                      "FEATHER_LOG_LEVEL='warning'\n", encoding="utf-8")
    from_file = Settings.from_env(env={}, dotenv=dotenv)
    assert from_file.token == "123:abc"
    assert from_file.db_path == "/from/dotenv"
    assert from_file.log_level == "WARNING"
    overridden = Settings.from_env(env={"TELEGRAM_BOT_TOKEN": "", "FEATHER_DB_PATH": "/from/env"}, dotenv=dotenv)
    assert overridden.token is None  # an empty value in the environment unsets the .env token
    assert overridden.db_path == "/from/env"


def test_the_token_is_never_in_the_repr(tmp_path: Path) -> None:
    settings = Settings.from_env(env={"TELEGRAM_BOT_TOKEN": "123456:SECRETSECRET"}, dotenv=tmp_path / "none")
    assert "SECRET" not in repr(settings)


@pytest.mark.parametrize("env, named", [
    ({"TELEGRAM_BOT_TOKEN": "not a token"}, "TELEGRAM_BOT_TOKEN"),
    ({"WEBHOOK_URL": "https://example.org/hook"}, "WEBHOOK_SECRET"),
    ({"WEBHOOK_PORT": "eighty"}, "WEBHOOK_PORT"),
    ({"FEATHER_LOG_LEVEL": "LOUD"}, "FEATHER_LOG_LEVEL"),
])
def test_bad_settings_are_named(tmp_path: Path, env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingError, match=named):
        Settings.from_env(env=env, dotenv=tmp_path / "none")


def test_a_bad_setting_stops_the_cli_with_its_name(tmp_path: Path) -> None:
    result = run_bot("--check", env=clean_env(FEATHER_LOG_LEVEL="LOUD"))
    assert result.returncode == 2
    assert "FEATHER_LOG_LEVEL" in result.stderr
