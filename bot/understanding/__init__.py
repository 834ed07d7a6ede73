"""Reading what a message says about a loss (see about.py); words in content/understanding.yaml."""

from __future__ import annotations

from pathlib import Path

from bot.content.problems import Problem
from bot.understanding.about import About, AboutReader
from bot.understanding.vocabulary import Vocabulary, read_vocabulary

__all__ = ["About", "AboutReader", "Vocabulary", "load_reader", "read_vocabulary"]

WORDS_FILE = Path("content") / "understanding.yaml"


def load_reader(root: Path) -> tuple[AboutReader | None, list[Problem]]:
    """The reader for the content folder ``root``, or None and the problems (file:line)."""
    words, problems = read_vocabulary(root / WORDS_FILE, WORDS_FILE.as_posix())
    return (AboutReader(words) if words else None), problems
