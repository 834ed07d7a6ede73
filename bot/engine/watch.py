"""The watch: after a crisis reply, a check-in or a medical reply, a conversation stays on watch.

Why: a crisis rarely fits in one message. "You misunderstood me" can be followed by "no, you
understood, and the tablets are next to me"; a check-in answered "no" by "it's in my hand now".
On watch, any weak risk signal the detector noted (means, timing, goodbyes, a decision, a method
question, a check-in phrase) gets the crisis support again, shortly and without scolding, before
anything else; a calm message gets its ordinary answer. After a medical reply, refusing care
("I'll sleep it off") gets the urgency again, kindly.

Least data: a level, a time and a count in the conversation state, nothing of what was said.
The watch lasts for the next ``MESSAGES`` messages AND at least ``HOURS`` hours (it ends when
both have passed), expires by itself, shows in /mydata, goes with /forget. "I'm safe", "you
misunderstood me" and a check-in "no" lower the level; they never end it. docs/safety.md.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.engine.types import UserState
from bot.safety.detector import SafetyResult

MESSAGES = 10
"""Messages the watch lasts at least (counted on texts, not button presses)."""
HOURS = 24
"""Hours the watch lasts at least."""
CRISIS, CHECKIN, MEDICAL = "crisis", "checkin", "medical"
_RANK = {MEDICAL: 0, CHECKIN: 1, CRISIS: 2}
REASSURE = "reassure"
"""The detector's signal for "I'm safe" / "you misunderstood me" typed as text."""
REFUSAL = "refusal"


def expire(state: UserState, now: datetime) -> None:
    """End the watch when both its messages and its hours have passed."""
    if state.watch is None:
        return
    until = _parse(state.watch_until)
    if state.watch_left <= 0 and (until is None or now >= until):
        clear(state)


def clear(state: UserState) -> None:
    state.watch, state.watch_until, state.watch_left = None, None, 0


def start(state: UserState, level: str, now: datetime) -> None:
    """Put the conversation on watch at ``level`` (never lower than it is), for a fresh
    ``MESSAGES`` messages and ``HOURS`` hours."""
    current = state.watch
    if current is None or _RANK[level] >= _RANK[current]:
        state.watch = level
    state.watch_until = (now + timedelta(hours=HOURS)).isoformat(timespec="seconds")
    state.watch_left = MESSAGES


def lower(state: UserState) -> None:
    """"I'm safe", "you misunderstood me", a check-in "no": the level drops, the watch stays."""
    if state.watch == CRISIS:
        state.watch = CHECKIN


def tick(state: UserState) -> None:
    """One more message on watch."""
    if state.watch is not None and state.watch_left > 0:
        state.watch_left -= 1


def listening(state: UserState) -> bool:
    """Whether weak signals should take this conversation back to the crisis support."""
    return state.watch in (CRISIS, CHECKIN)


def risky(result: SafetyResult) -> bool:
    """A message that on watch goes back to the crisis support: a check-in phrase, or any weak
    signal other than reassurance (refusing help counts: "I'm not calling anyone")."""
    return result.level == "checkin" or bool(result.signals - {REASSURE})


def reassured(result: SafetyResult) -> bool:
    """Typed "I'm safe" / "you misunderstood me", with nothing risky in the same message."""
    return REASSURE in result.signals and not risky(result)


def refused_care(state: UserState, result: SafetyResult) -> bool:
    return state.watch == MEDICAL and REFUSAL in result.signals


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
