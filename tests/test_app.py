"""The composition root reads everything from the one content folder it is given."""

from __future__ import annotations

from pathlib import Path

from bot.app import build_app
from bot.config import Settings
from bot.engine.types import Incoming, UserState
from tests.feather_testkit import NOW, build, make_root


def test_the_daily_time_zones_come_from_the_given_folder(tmp_path: Path) -> None:
    root = make_root(tmp_path, slim=True)
    cities = root / "content" / "cities.yaml"
    listed = cities.read_text(encoding="utf-8").replace("cities:\n", "cities:\n  Zqxville: Pacific/Chatham\n", 1)
    cities.write_text(listed, encoding="utf-8")
    engine = build(root).engine
    state = UserState(pending="daily_zone", pending_data={"time": "0800"})
    reply = engine.handle(state, Incoming(NOW, text="zqxville"))
    assert [(e.kind, e.data["zone"]) for e in reply.effects] == [("daily_zone", "Pacific/Chatham")]


def test_the_style_rules_come_from_the_given_folder(tmp_path: Path) -> None:
    root = make_root(tmp_path, slim=True)
    (root / "content" / "style_rules.yaml").write_text("rules: [unclosed\n", encoding="utf-8")
    problems = build(root).problems
    assert any(p.where.file == "content/style_rules.yaml" and p.severity == "error" for p in problems)


def test_build_app_wires_one_store_and_conversations_over_the_core(tmp_path: Path) -> None:
    root = make_root(tmp_path, slim=True)
    core = build(root)
    settings = Settings.from_env(env={"FEATHER_DB_PATH": str(tmp_path / "f.sqlite3")}, dotenv=tmp_path / "no.env")
    app = build_app(settings, core=core)
    try:
        assert app.conversations.engine is core.engine and app.conversations.store is app.store
        messages = app.conversations.handle_text(5, "/daily")
        assert messages and app.store.load_state(5).pending == "daily_time"
    finally:
        app.store.close()


def test_a_restart_on_checked_files_skips_the_checks_and_compiles_safety_later(tmp_path: Path, monkeypatch) -> None:
    from bot import app
    from bot.checked import CheckedCache
    from bot.safety.deferred import DeferredSafety

    root = make_root(tmp_path, slim=True)
    cache = CheckedCache(tmp_path / "data")
    first = app.build_core(root, strict=False, checked=cache)
    assert not isinstance(first.safety, DeferredSafety) and cache.path.exists()

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("checked again")

    monkeypatch.setattr(app, "check_content", must_not_run)
    again = app.build_core(root, strict=False, checked=cache)
    assert isinstance(again.safety, DeferredSafety)
    assert [str(p) for p in again.problems] == [str(p) for p in first.problems]
    assert again.safety.assess("i want to kill myself").level == "crisis"  # built on first need

    (root / "dialogs" / "core.yaml").write_text((root / "dialogs" / "core.yaml").read_text() + "\n", encoding="utf-8")
    monkeypatch.undo()
    changed = app.build_core(root, strict=False, checked=cache)
    assert not isinstance(changed.safety, DeferredSafety)  # any change: everything checked again


def test_remembered_errors_still_refuse_a_start(tmp_path: Path) -> None:
    import pytest

    from bot.app import build_core
    from bot.checked import CheckedCache
    from bot.content.problems import ContentInvalid

    root = make_root(tmp_path, slim=True)
    (root / "content" / "style_rules.yaml").write_text("rules: [unclosed\n", encoding="utf-8")
    cache = CheckedCache(tmp_path / "data")
    for _ in range(2):  # checked, then remembered
        with pytest.raises(ContentInvalid, match="style_rules.yaml"):
            build_core(root, checked=cache)
