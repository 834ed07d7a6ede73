"""A problem found in the content: where it is, how serious, and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.content.yamlsrc import Where

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    where: Where
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"


class ContentInvalid(Exception):
    """Raised when content has errors; the bot refuses to start on it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} content error(s):\n" + "\n".join(map(str, errors)))
