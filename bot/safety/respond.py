"""What Feather says when the safety check fires, and when someone asks for help.

Crisis: immediate, warm and short. Acknowledge; they deserve support right now; then at once who
to call: the emergency number and the crisis lines (call and text) of their country from
``content/resources.yaml``. When the country is not known Feather never makes them answer a
question first: the universal advice (local emergency number, 112 in the EU, findahelpline.com)
comes straight away, with the country buttons under it. A message in Spanish, Portuguese,
French, German or Russian is first answered with a short line in that language. The buttons:
more support options, "I'm safe right now", "You misunderstood me", back to talking.

Medical: "please get medical help now", where to go in their country (emergency number, NHS 111,
Healthline and the like from ``resources.yaml``) and which signs mean go now. Never a diagnosis.

No emoji in any of these; every word is in ``content/messages.yaml``. The events
"crisis_response_sent" / "medical_response_sent" are counted by ``bot/conversations.py``; the
text someone wrote is never logged or stored.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from bot.content.model import Country
from bot.engine import callbacks
from bot.engine.features import Turn
from bot.engine.support import country_for, crisis_lines, emergency_line, service_line
from bot.engine.types import Button, OutMessage, Reply
from bot.safety.detector import SafetyResult

if TYPE_CHECKING:
    from bot.engine.engine import Engine

TRANSLATED = ("es", "pt", "fr", "de", "ru")
"""Languages with a short crisis line of their own (``crisis_lang_<code>``)."""


def _safety_buttons(engine: "Engine") -> tuple[Button, ...]:
    return (
        Button(engine.text("label_more_support"), callbacks.encode("x", "support")),
        Button(engine.text("label_im_safe"), callbacks.encode("safe", "ok")),
        Button(engine.text("label_misread"), callbacks.encode("safe", "misread")),
        Button(engine.text("label_back_to_talking"), callbacks.encode("m")),
    )


def _after_safe_buttons(engine: "Engine") -> tuple[Button, ...]:
    return (
        Button(engine.text("label_more_support"), callbacks.encode("x", "support")),
        Button(engine.text("label_back_to_talking"), callbacks.encode("m")),
    )


def _crisis_block(engine: "Engine", turn: Turn, country: Country) -> str:
    """Emergency number first, then the country's crisis lines (call and text)."""
    if country.emergency:
        call = engine.text("crisis_call", turn, emergency=country.emergency)
    else:
        call = engine.text("crisis_call_local", turn)
    lines = [call.strip()]
    crisis = crisis_lines(country)
    if crisis:
        lines += ["", engine.text("crisis_lines_heading", turn), *crisis]
    return "\n".join(lines)


def crisis_messages(engine: "Engine", turn: Turn, language: str | None = None) -> list[OutMessage]:
    """The crisis reply, three short messages (four with a line in their language first): the
    acknowledgement; who to call now; "I'm still here" with the safety buttons. Without a
    country the second is the universal advice, with the country buttons under it."""
    messages: list[OutMessage] = []
    if language in TRANSLATED and f"crisis_lang_{language}" in engine.content.messages:
        messages.append(OutMessage(engine.text(f"crisis_lang_{language}", turn).strip()))
    messages.append(OutMessage(engine.text("crisis_intro", turn).strip()))
    country = country_for(engine.content, turn.state.country)
    if country is None:
        messages.append(OutMessage(engine.text("crisis_no_country", turn).strip(), engine.country_buttons()))
    else:
        messages.append(OutMessage(_crisis_block(engine, turn, country)))
    messages.append(OutMessage(engine.text("crisis_outro", turn).strip(), _safety_buttons(engine)))
    return messages


def medical_messages(engine: "Engine", turn: Turn) -> list[OutMessage]:
    """Get medical help now; where, in their country; the signs that mean go now."""
    intro = engine.text("medical_intro", turn).strip()
    country = country_for(engine.content, turn.state.country)
    messages: list[OutMessage] = []
    if country is None:
        advice = engine.text("medical_no_country", turn).strip()
        messages.append(OutMessage(f"{intro}\n\n{advice}", engine.country_buttons()))
    else:
        parts = [intro, ""]
        if country.emergency:  # "Anywhere else" has no number of its own: its advice says what to do
            parts += [engine.text("medical_where", turn, country=country.name), emergency_line(country)]
        parts += [escape(line) for line in country.urgent_medical.splitlines() if line.strip()]
        parts += [service_line(s) for s in country.services if s.medical]
        messages.append(OutMessage("\n".join(parts)))
    buttons = (
        Button(engine.text("label_misread"), callbacks.encode("safe", "medmisread")),
        Button(engine.text("label_back_to_talking"), callbacks.encode("m")),
    )
    messages.append(OutMessage(engine.text("medical_signs", turn).strip(), buttons))
    return messages


def safety_reply(engine: "Engine", turn: Turn, result: SafetyResult) -> Reply:
    if result.level == "crisis":
        return turn.reply(*crisis_messages(engine, turn, result.language), events=["crisis_response_sent"])
    if result.level == "medical":
        return turn.reply(*medical_messages(engine, turn), events=["medical_response_sent"])
    return checkin_reply(engine, turn)


def help_reply(engine: "Engine", turn: Turn, with_commands: bool) -> Reply:
    """/help, "help", "sos", "urgent": who can help right now, at any time, then (for /help)
    the commands. Never a question first."""
    country = country_for(engine.content, turn.state.country)
    if country is None:
        advice = engine.text("crisis_no_country", turn).strip()
        messages = [OutMessage(f"{engine.text('crisis_help_intro', turn)}\n\n{advice}", engine.country_buttons())]
    else:
        messages = engine.support_messages(turn, crisis_only=False)
    if with_commands:
        messages.append(OutMessage(engine.text("help", turn), engine.menu_buttons()))
    return turn.reply(*messages, events=["help_shown"])


def checkin_reply(engine: "Engine", turn: Turn) -> Reply:
    buttons = (
        Button(engine.text("label_checkin_yes"), callbacks.encode("safe", "crisis")),
        Button(engine.text("label_checkin_no"), callbacks.encode("safe", "talk")),
    )
    return turn.reply(OutMessage(engine.text("checkin", turn).strip(), buttons), events=["checkin_sent"])


def safe_reply(engine: "Engine", turn: Turn, arg: str) -> Reply:
    """The safety buttons: "yes, I'm having those thoughts" opens the crisis support; "I'm safe",
    "you misunderstood me" and "I just needed to say it" are acknowledged kindly, with the
    support lines one tap away."""
    if arg == "crisis":
        return turn.reply(*crisis_messages(engine, turn), events=["crisis_response_sent"])
    if arg == "medmisread":
        buttons = (Button(engine.text("label_back_to_talking"), callbacks.encode("m")),)
        return turn.reply(OutMessage(engine.text("medical_misread", turn).strip(), buttons), events=["safe_ack"])
    key = {"misread": "safe_misread", "talk": "checkin_ok"}.get(arg, "safe_ack")
    return turn.reply(OutMessage(engine.text(key, turn).strip(), _after_safe_buttons(engine)), events=["safe_ack"])
