"""Problems that only follow from another: when a file could not be read, every reference to
what it defines ("goes to 'grief_feelings', which does not exist", "topic ... has no flow",
"cites unknown source") is a consequence, often blamed on another file. A reference problem is
held back when what it names appears in the text of a file that could not be read (or such a
file is missing altogether); the rest are shown, with a note to fix the unreadable file first."""

from __future__ import annotations

import re
from pathlib import Path

from bot.content.problems import Problem

UNREADABLE = ("not valid YAML", "file is missing", "no dialog files",
              "the file must be a mapping (key: value) at the top level")
"""A file that says one of these defined nothing: what refers to its contents can't be judged."""

REFERENCES = ("which does not exist", "has no flow", "lists unknown flow", "cites unknown source",
              "is never cited", "needs the message")
"""Problems about a reference from one place to another."""


def unreadable_files(problems: list[Problem]) -> list[str]:
    return sorted({p.where.file for p in problems if p.message.startswith(UNREADABLE)})


def _texts(root: Path, files: list[str]) -> list[str] | None:
    """The raw text of each unreadable file; None when one is missing (anything may be in it)."""
    texts = []
    for name in files:
        path = root / name
        if not path.is_file():
            return None
        texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return texts


def without_follow_on(problems: list[Problem], root: Path) -> tuple[list[Problem], int]:
    """The problems worth reading, and how many follow-on ones were held back."""
    files = unreadable_files(problems)
    if not files:
        return problems, 0
    texts = _texts(root, files)

    def follows(problem: Problem) -> bool:
        if not any(ref in problem.message for ref in REFERENCES):
            return False
        if texts is None:
            return True
        target = re.search(r"'([^']*)'[^']*$", problem.message)  # what is referred to comes last
        if target is None:
            return False
        name = target.group(1).split("/")[0]
        return any(re.search(rf"\b{re.escape(name)}\b", text) for text in texts)

    kept = [p for p in problems if not follows(p)]
    return kept, len(problems) - len(kept)


def follow_on_note(problems: list[Problem], hidden: int) -> str:
    files = ", ".join(unreadable_files(problems))
    return (f"{hidden} more problem(s) follow from what could not be read ({files}): "
            f"fix that first, then check again")
