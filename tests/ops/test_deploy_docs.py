"""docs/deploy.md and docs/content-format.md stay in step with the code and the content folder."""

from __future__ import annotations

import re
from pathlib import Path

from bot import PROJECT_ROOT, config
from bot.config import DOCUMENTED, Settings, settings_table

DEPLOY = PROJECT_ROOT / "docs" / "deploy.md"
START = "<!-- settings-table:"
END = "<!-- end settings-table -->"


def table_in_docs() -> str:
    text = DEPLOY.read_text(encoding="utf-8")
    block = text[text.index(START):text.index(END)]
    return block.split("\n", 1)[1]


def test_the_settings_table_is_the_one_generated_from_bot_config() -> None:
    assert table_in_docs() == settings_table(), (
        "docs/deploy.md's settings table is out of date: paste `python -m bot.config` between the markers")


def test_every_setting_read_is_documented_and_every_documented_one_is_read() -> None:
    source = Path(config.__file__).read_text(encoding="utf-8")
    read = set(re.findall(r'(?:get|number)\("([A-Z][A-Z_]+)"', source))
    assert read == {d.name for d in DOCUMENTED}


def test_documented_defaults_match_the_code() -> None:
    fields = {"TELEGRAM_API_URL": "api_url", "WEBHOOK_LISTEN": "webhook_listen",
              "WEBHOOK_PORT": "webhook_port", "FEATHER_LOG_LEVEL": "log_level",
              "FEATHER_REPLY_PAUSE": "reply_pause", "FEATHER_DAILY_RATE": "daily_rate"}
    defaults = Settings()
    documented = {d.name: d.default for d in DOCUMENTED}
    for name, attribute in fields.items():
        value = getattr(defaults, attribute)
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        assert documented[name] == f"`{shown}`", name
    assert Path(defaults.db_path) == PROJECT_ROOT / "data" / "feather.sqlite3"
    assert documented["FEATHER_DB_PATH"].startswith("`data/feather.sqlite3`")


def test_env_example_names_every_setting() -> None:
    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    missing = [d.name for d in DOCUMENTED if not re.search(rf"^#? ?{d.name}=", example, re.M)]
    assert missing == []


def test_the_unit_is_hardened_as_the_issue_asks() -> None:
    text = DEPLOY.read_text(encoding="utf-8")
    unit = text[text.index("/etc/systemd/system/feather.service"):text.index("## 3. Logs")]
    for line in ("User=feather", "UMask=0077", "ProtectSystem=strict", "NoNewPrivileges=yes",
                 "ReadWritePaths=/var/lib/feather", "ExecReload=/bin/kill -HUP $MAINPID"):
        assert line in unit, line


def test_content_format_covers_every_content_file() -> None:
    text = (PROJECT_ROOT / "docs" / "content-format.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in (PROJECT_ROOT / "content").glob("*.yaml"))
    assert len(files) >= 11
    missing = [name for name in files if f"`content/{name}`" not in text]
    assert missing == [], f"docs/content-format.md says nothing about {missing}"
