"""Each person's own order of reflections, with no repeat until every one has been sent.

Why and how: docs/daily.md, under "bot/daily/order.py"."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


def new_seed() -> str:
    return secrets.token_hex(8)


def place(seed: str, cycle: int, reflection_id: str) -> bytes:
    """Where a reflection comes in this person's cycle: ``sha256(seed/cycle/id)``."""
    return hashlib.sha256(f"{seed}/{cycle}/{reflection_id}".encode()).digest()


def _placer(seed: str, cycle: int) -> Callable[[str], bytes]:
    """``place`` for one seed and cycle, hashing the shared prefix once (the dispatcher's hot path)."""
    prefix = hashlib.sha256(f"{seed}/{cycle}/".encode())

    def key(reflection_id: str) -> bytes:
        h = prefix.copy()
        h.update(reflection_id.encode())
        return h.digest()

    return key


def ordered(seed: str, cycle: int, ids: Iterable[str]) -> list[str]:
    """A cycle's full order (for tests and the terminal preview)."""
    return sorted(ids, key=_placer(seed, cycle))


@dataclass(frozen=True)
class Pick:
    """The reflection to send, and the subscriber's order state once it is sent."""

    reflection_id: str
    cycle: int
    sent: tuple[str, ...]


def pick_next(seed: str, cycle: int, sent: Sequence[str], available: Sequence[str],
              last: str | None = None) -> Pick | None:
    """The next reflection in this person's order; None only when there are no reflections at all."""
    if not available:
        return None
    already = set(sent)
    remaining = [rid for rid in available if rid not in already]
    if not remaining:
        cycle += 1
        sent = ()
        remaining = [rid for rid in available if rid != last] or list(available)
    chosen = min(remaining, key=_placer(seed, cycle))
    return Pick(chosen, cycle, (*sent, chosen))


def encode_sent(sent: Sequence[str]) -> str:
    return " ".join(sent)


def decode_sent(text: str | None) -> tuple[str, ...]:
    return tuple((text or "").split())
