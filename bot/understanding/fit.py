"""Which text of a node fits the person: variants by role and by time since the loss, and {name}.

A node's texts are its base; a variant adds texts for some roles and/or stages (see
docs/content-format.md). The most specific matching variant wins; within it, a text using
``{name}`` is used only when a name is known, and ``--check`` makes sure every such text has a
sibling without ``{name}`` for when none is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

NAME = "{name}"


@dataclass(frozen=True)
class Person:
    """What a reply may take into account: from this message, or kept with consent."""

    role: str | None = None
    stage: str | None = None
    name: str | None = None


def variant_fits(roles: Sequence[str], stages: Sequence[str], person: Person) -> bool:
    """Empty conditions fit anyone; a condition needs the person's value to be among them."""
    return (not roles or person.role in roles) and (not stages or person.stage in stages)


def pick(texts: Sequence[str], person: Person, turn: int) -> str | None:
    """One text, rotating by ``turn``: with {name} filled in when a name is known and such a
    text exists, else one without {name}."""
    named = [t for t in texts if NAME in t]
    plain = [t for t in texts if NAME not in t]
    pool = named if person.name and named else plain
    if not pool:
        return None
    text = pool[turn % len(pool)]
    return text.replace(NAME, person.name) if person.name else text


def needs_plain_sibling(texts: Sequence[str]) -> bool:
    """True when some text uses {name} but none can be said without a name."""
    return any(NAME in t for t in texts) and all(NAME in t for t in texts)
