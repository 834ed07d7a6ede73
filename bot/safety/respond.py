"""What Feather says when the safety check fires, and when someone asks for help."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine import callbacks
from bot.engine.features import Turn
from bot.engine.support import country_for, emergency_line
from bot.engine.types import Button, OutMessage, Reply
from bot.safety.detector import SafetyResult

if TYPE_CHECKING:
    from bot.engine.engine import Engine


def _safety_buttons(engine: "Engine") -> tuple[Button, ...]:
    return (
        Button(engine.text("label_more_support"), callbacks.encode("x", "support")),
        Button(engine.text("label_im_safe"), callbacks.encode("safe", "ok")),
        Button(engine.text("label_misread"), callbacks.encode("safe", "misread")),
        Button(engine.text("label_back_to_talking"), callbacks.encode("m")),
    )


def crisis_messages(engine: "Engine", turn: Turn) -> list[OutMessage]:
    """Acknowledge, then who to call now: the country's lines, or universal advice at once."""
    messages = [OutMessage(engine.text("crisis_intro", turn))]
    country = country_for(engine.content, turn.state.country)
    if country is None:
        messages.append(OutMessage(engine.text("crisis_no_country", turn), engine.country_buttons()))
    else:
        messages.extend(engine.support_messages(turn, crisis_only=True))
    messages.append(OutMessage(engine.text("crisis_outro", turn), _safety_buttons(engine)))
    return messages


def medical_messages(engine: "Engine", turn: Turn) -> list[OutMessage]:
    country = country_for(engine.content, turn.state.country)
    messages = [OutMessage(engine.text("medical_intro", turn))]
    if country is None:
        messages.append(OutMessage(engine.text("medical_no_country", turn), engine.country_buttons()))
    else:
        messages.append(OutMessage(f"{emergency_line(country)}\n\n{country.urgent_medical}"))
    signs_buttons = (Button(engine.text("label_back_to_talking"), callbacks.encode("m")),)
    messages.append(OutMessage(engine.text("medical_signs", turn), signs_buttons))
    return messages


def safety_reply(engine: "Engine", turn: Turn, result: SafetyResult) -> Reply:
    if result.level == "crisis":
        return turn.reply(*crisis_messages(engine, turn), events=["crisis_response_sent"])
    return turn.reply(*medical_messages(engine, turn), events=["medical_response_sent"])


def help_reply(engine: "Engine", turn: Turn, with_commands: bool) -> Reply:
    messages = crisis_messages(engine, turn)[1:-1] or []
    if turn.state.country:
        messages = engine.support_messages(turn, crisis_only=False)
    if with_commands:
        messages.append(OutMessage(engine.text("help", turn), engine.menu_buttons()))
    return turn.reply(*messages, events=["help_shown"])


def checkin_reply(engine: "Engine", turn: Turn) -> Reply:
    buttons = (
        Button(engine.text("label_checkin_yes"), callbacks.encode("safe", "crisis")),
        Button(engine.text("label_checkin_no"), callbacks.encode("safe", "ok")),
    )
    return turn.reply(OutMessage(engine.text("checkin", turn), buttons), events=["checkin_sent"])


def safe_reply(engine: "Engine", turn: Turn, arg: str) -> Reply:
    if arg == "crisis":
        return turn.reply(*crisis_messages(engine, turn), events=["crisis_response_sent"])
    key = "safe_misread" if arg == "misread" else "safe_ack"
    buttons = (
        Button(engine.text("label_more_support"), callbacks.encode("x", "support")),
        Button(engine.text("label_back_to_talking"), callbacks.encode("m")),
    )
    return turn.reply(OutMessage(engine.text(key, turn), buttons), events=["safe_ack"])
