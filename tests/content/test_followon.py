"""Follow-on problems are held back while a file can't be read, and only those."""

from __future__ import annotations

from pathlib import Path

from bot.content.followon import follow_on_note, without_follow_on
from bot.content.problems import Problem
from bot.content.yamlsrc import Where


def problem(file: str, message: str, severity: str = "error") -> Problem:
    return Problem(Where(file, 3), message, severity)  # type: ignore[arg-type]


def test_references_to_what_the_unreadable_file_defines_are_held_back(tmp_path: Path) -> None:
    (tmp_path / "dialogs").mkdir()
    (tmp_path / "dialogs" / "grief.yaml").write_text("flows:\n  - id: grief_feelings\n - id: grief_partner\n")
    broken = problem("dialogs/grief.yaml", "not valid YAML: mapping values are not allowed here")
    real = [problem("dialogs/loss.yaml", "flow 'x' needs at least one node"),
            problem("dialogs/loss.yaml", "button 'Lost' goes to 'nowhere_at_all', which does not exist")]
    follow = [
        problem("dialogs/loss.yaml", "button 'How I'm feeling' goes to 'grief_feelings', which does not exist"),
        problem("dialogs/loss.yaml", "button 'More' goes to 'grief_partner/more', which does not exist"),
        problem("dialogs/about.yaml", "topic 'grief_partner' has no flow"),
        problem("content/menu.yaml", "theme 'theme_grief' lists unknown flow 'grief_feelings'"),
    ]
    kept, hidden = without_follow_on([broken, *follow, *real], tmp_path)
    assert kept == [broken, *real] and hidden == 4
    assert follow_on_note([broken, *follow, *real], hidden) == (
        "4 more problem(s) follow from what could not be read (dialogs/grief.yaml): "
        "fix that first, then check again")


def test_a_missing_file_holds_back_every_reference(tmp_path: Path) -> None:
    missing = problem("content/sources.yaml", "file is missing")
    cites = problem("dialogs/loss.yaml", "'loss_common/start' cites unknown source 'who_2023'")
    other = problem("dialogs/loss.yaml", "flow 'x' needs at least one node")
    assert without_follow_on([missing, cites, other], tmp_path) == ([missing, other], 1)


def test_nothing_is_held_back_when_every_file_was_read(tmp_path: Path) -> None:
    problems = [problem("dialogs/loss.yaml", "button 'A' goes to 'b', which does not exist")]
    assert without_follow_on(problems, tmp_path) == (problems, 0)
