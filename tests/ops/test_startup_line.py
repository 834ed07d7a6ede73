"""The start-up line: everything an operator checks first, in one line."""

from __future__ import annotations

from pathlib import Path

from bot.ops import startup_line, version


def test_the_line_names_version_mode_content_database_subscribers_and_rate() -> None:
    line = startup_line(mode="polling as @feather_bot", content_root=Path("/srv/feather"), flows=30,
                        examples=1204, reflections=60, db_path="/var/lib/feather/f.sqlite3",
                        created=False, schema=2, subscribers=1, daily_rate=25.0, feather_version="0.1.0")
    assert line == ("Feather 0.1.0 started: polling as @feather_bot; content /srv/feather (30 flows, "
                    "1204 examples, 60 reflections); database /var/lib/feather/f.sqlite3 opened "
                    "(schema 2); 1 daily subscriber; daily rate 25/s")
    standby = startup_line(mode="webhook", content_root=Path("/c"), flows=1, examples=12, reflections=5,
                           db_path="/d", created=True, schema=2, subscribers=0, daily_rate=0,
                           feather_version="0.1.0")
    assert "database /d created (schema 2); 0 daily subscribers" in standby
    assert standby.endswith("daily reflections off here (FEATHER_DAILY_RATE=0)")


def test_the_version_is_the_installed_one() -> None:
    import tomllib

    from bot import PROJECT_ROOT

    declared = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version() == declared
