"""Settings: the tools read only what they need; the content folder is checked in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SettingError, Settings, check_content_dir


def from_env(tmp_path: Path, telegram: bool = True, **env: str) -> Settings:
    return Settings.from_env(env=env, dotenv=tmp_path / "no.env", telegram=telegram)


def test_the_tools_do_not_read_the_telegram_settings(tmp_path: Path) -> None:
    bad = {"TELEGRAM_BOT_TOKEN": "not a token", "WEBHOOK_URL": "http://plain", "WEBHOOK_PORT": "x"}
    with pytest.raises(SettingError, match="TELEGRAM_BOT_TOKEN"):
        from_env(tmp_path, **bad)
    tools = from_env(tmp_path, telegram=False, FEATHER_DB_PATH=str(tmp_path / "f.sqlite3"), **bad)
    assert tools.db_path == str(tmp_path / "f.sqlite3") and tools.token is None
    with pytest.raises(SettingError, match="FEATHER_DAILY_RATE must be a number"):
        from_env(tmp_path, telegram=False, FEATHER_DAILY_RATE="fast")


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_a_rate_must_be_a_finite_number_not_below_zero(tmp_path: Path, value: str) -> None:
    with pytest.raises(SettingError, match="^FEATHER_DAILY_RATE must"):
        from_env(tmp_path, FEATHER_DAILY_RATE=value)


def test_the_content_folder_is_checked_in_one_line(tmp_path: Path) -> None:
    cases = {}
    cases[tmp_path / "nowhere"] = "does not exist"
    (tmp_path / "file").write_text("x")
    cases[tmp_path / "file"] = "is not a folder"
    (tmp_path / "empty").mkdir()
    cases[tmp_path / "empty"] = "has no dialogs/ and no content/ folder"
    (tmp_path / "half" / "dialogs").mkdir(parents=True)
    (tmp_path / "half" / "content").mkdir()
    cases[tmp_path / "half"] = "holds no .yaml files"
    for root, fragment in cases.items():
        with pytest.raises(SettingError) as caught:
            check_content_dir(root)
        message = str(caught.value)
        assert message.startswith("FEATHER_CONTENT_DIR: ") and fragment in message and "\n" not in message
        assert str(root) in message
    with pytest.raises(SettingError, match="^--content: "):
        check_content_dir(tmp_path / "nowhere", "--content")
    (tmp_path / "half" / "dialogs" / "a.yaml").write_text("flows: []\n")
    check_content_dir(tmp_path / "half")  # the rest is --check's job
