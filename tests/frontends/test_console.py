"""The terminal chat: replies with numbered choices, a number presses a button. In-process with
a fake clock, and once for real through ``run_bot.py --console`` with stdin not a terminal."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from bot.app import Core, build_conversations
from bot.frontends.console import ConsoleChat
from bot.frontends.plain import to_plain
from bot.store import Store
from tests.feather_testkit import (
    DURATION_TEXTS,
    NOW,
    TITLES,
    build,
    clean_env,
    make_root,
    real_content_errors,
    real_core,
    run_bot,
)
from tests.support.clocks import FixedClock


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_root(tmp_path_factory.mktemp("console"), slim=True)


@pytest.fixture(scope="module")
def core(root: Path) -> Core:
    return build(root)


@pytest.fixture
def chat(core: Core, tmp_path: Path):
    store = Store(tmp_path / "console.sqlite3")
    out = io.StringIO()
    yield ConsoleChat(build_conversations(core, store, FixedClock(NOW)), out=out), out
    store.close()


def test_replies_with_numbered_choices(chat, core: Core) -> None:
    console, out = chat
    console.send("/start")
    text = out.getvalue()
    assert text.startswith("\nFeather: ")
    for number, theme in enumerate(core.content.menu, 1):
        assert f"  [{number}] {theme.label}\n" in text
    assert [b.data for b in console.choices] == [f"t:{t.id}" for t in core.content.menu]


def test_a_number_presses_that_button(chat) -> None:
    console, out = chat
    console.send("/start")
    console.send("1")  # the first theme
    after = out.getvalue().split("[3]", 1)[1]
    assert f"[1] {TITLES['mc_duration']}" in after
    console.send("1")  # its first flow
    assert any(to_plain(t) in out.getvalue() for t in DURATION_TEXTS)


def test_a_number_without_such_a_choice_is_a_message(chat, core: Core) -> None:
    console, out = chat
    console.send("/start")
    console.send("99")
    assert "[99]" not in out.getvalue()
    assert console.choices  # it was answered (not sure, with the menu)


def test_html_becomes_plain_text(chat) -> None:
    console, out = chat
    console.send("how long do the cells stay")
    text = out.getvalue()
    assert "<b>" not in text
    assert any(to_plain(t) in text for t in DURATION_TEXTS)


def test_blank_lines_are_ignored(chat) -> None:
    console, out = chat
    console.send("   ")
    assert out.getvalue() == ""


def test_run_reads_one_message_per_line_until_the_end(chat) -> None:
    console, out = chat
    console.run(io.StringIO("/start\n1\n/quit\nhow long do the cells stay\n"))
    text = out.getvalue()
    assert "Feather terminal chat" not in text  # no prompt or banner when not interactive
    assert "You:" not in text
    assert f"[1] {TITLES['mc_duration']}" in text
    assert not any(to_plain(t) in text for t in DURATION_TEXTS)  # stopped at /quit


def test_plain_text_of_links_and_entities() -> None:
    assert to_plain('<b>Hi</b> &amp; <a href="https://example.org/x">see here</a>') == (
        "Hi & see here (https://example.org/x)")
    assert to_plain('<a href="https://example.org">example.org</a>') == "example.org"


# ---------------------------------------------------------------------------- run_bot.py


def test_scripted_console_conversation(root: Path, tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite3"
    result = run_bot("--console", "--content", str(root), "--db", str(db),
                     stdin="/start\n1\nhow long do the cells stay\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("Feather: ") == 3
    assert "[1] Your baby's cells" in out and "[3] Grief and feelings" in out
    assert f"[1] {TITLES['mc_duration']}" in out
    assert any(to_plain(t) in out for t in DURATION_TEXTS)
    assert "You:" not in out
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600


def test_no_token_and_no_terminal_exits_with_a_message(root: Path, tmp_path: Path) -> None:
    env = clean_env()
    assert not env.get("TELEGRAM_BOT_TOKEN")
    result = run_bot("--content", str(root), "--db", str(tmp_path / "x.sqlite3"), env=env)
    assert result.returncode != 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "--console" in result.stderr
    assert result.stdout == ""


def test_console_on_the_real_content(tmp_path: Path) -> None:
    """The real dialogs through the terminal chat; skipped while the real content has errors
    (the bot refuses to start on them; --check lists them)."""
    problems = real_content_errors()
    if problems:
        pytest.skip(f"the real content has {len(problems)} error(s), e.g. {problems[0]}")
    store = Store(tmp_path / "real.sqlite3")
    out = io.StringIO()
    console = ConsoleChat(build_conversations(real_core(), store, FixedClock(NOW)), out=out)
    console.run(io.StringIO("/start\n1\n1\n"))
    store.close()
    assert out.getvalue().count("Feather: ") >= 3
    assert "  [1] " in out.getvalue()
