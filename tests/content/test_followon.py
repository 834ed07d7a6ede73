"""Follow-on problems are held back while a file can't be read, and only then."""

from __future__ import annotations

from bot.content.followon import follow_on_note, without_follow_on
from bot.content.problems import Problem
from bot.content.yamlsrc import Where


def problem(file: str, message: str, severity: str = "error") -> Problem:
    return Problem(Where(file, 3), message, severity)  # type: ignore[arg-type]


def test_references_are_held_back_while_a_file_is_unreadable() -> None:
    broken = problem("dialogs/grief.yaml", "not valid YAML: mapping values are not allowed here")
    real = problem("dialogs/loss.yaml", "flow 'x' needs at least one node")
    follow = [
        problem("dialogs/loss.yaml", "button 'Other feelings' goes to 'grief_feelings', which does not exist"),
        problem("dialogs/about.yaml", "topic 'grief_feelings' has no flow"),
        problem("content/menu.yaml", "theme 'theme_grief' lists unknown flow 'grief_feelings'"),
        problem("content/sources.yaml", "source 'farren_2016' is never cited", "warning"),
    ]
    kept, hidden = without_follow_on([broken, *follow, real])
    assert kept == [broken, real] and hidden == 4
    assert follow_on_note([broken, *follow, real], hidden) == (
        "4 more problem(s) follow from what could not be read (dialogs/grief.yaml): "
        "fix that first, then check again")


def test_nothing_is_held_back_when_every_file_was_read() -> None:
    problems = [problem("dialogs/loss.yaml", "button 'A' goes to 'b', which does not exist")]
    assert without_follow_on(problems) == (problems, 0)
