"""Problems that only follow from another: when a file could not be read, every reference to
what it defines ("goes to 'grief_feelings', which does not exist", "topic ... has no flow",
"cites unknown source") is a consequence, often blamed on another file. Those are held back,
counted, and the reader is told to fix the unreadable file first."""

from __future__ import annotations

from bot.content.problems import Problem

UNREADABLE = ("not valid YAML", "file is missing", "no dialog files",
              "the file must be a mapping (key: value) at the top level")
"""A file that says one of these defined nothing: what refers to its contents can't be judged."""

REFERENCES = ("which does not exist", "has no flow", "lists unknown flow", "cites unknown source",
              "is never cited", "needs the message", "has unknown topic")
"""Problems about a reference from one place to another."""


def unreadable_files(problems: list[Problem]) -> list[str]:
    return sorted({p.where.file for p in problems if p.message.startswith(UNREADABLE)})


def without_follow_on(problems: list[Problem]) -> tuple[list[Problem], int]:
    """The problems worth reading, and how many follow-on ones were held back."""
    if not unreadable_files(problems):
        return problems, 0
    kept = [p for p in problems if not any(ref in p.message for ref in REFERENCES)]
    return kept, len(problems) - len(kept)


def follow_on_note(problems: list[Problem], hidden: int) -> str:
    files = ", ".join(unreadable_files(problems))
    return (f"{hidden} more problem(s) follow from what could not be read ({files}): "
            f"fix that first, then check again")
