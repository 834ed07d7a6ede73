"""What Feather says when the safety check fires, and when someone asks for help.

Every word is in ``content/messages.yaml``; docs/safety-replies.md says why each reply is shaped
as it is. The text someone wrote is never logged or stored.
"""

from __future__ import annotations

from html import escape

from bot.content.model import Country
from bot.engine import callbacks
from bot.engine.support import country_for, crisis_lines, emergency_line, service_line, support_messages
from bot.engine.turn import Turn
from bot.engine.types import Button, OutMessage, Reply
from bot.engine.words import Words
from bot.safety.detector import SafetyResult

TRANSLATED = ("es", "pt", "fr", "de", "ru")
"""Languages with a short crisis line of their own (``crisis_lang_<code>``)."""


def _button(words: Words, key: str, verb: str, arg: str = "") -> Button:
    return Button(words.text(key), callbacks.encode(verb, arg))


def _safety_buttons(words: Words) -> tuple[Button, ...]:
    return (
        _button(words, "label_more_support", callbacks.SPECIAL, "support"),
        _button(words, "label_im_safe", callbacks.SAFE, "ok"),
        _button(words, "label_misread", callbacks.SAFE, "misread"),
        _button(words, "label_back_to_talking", callbacks.MENU),
    )


def _after_safe_buttons(words: Words) -> tuple[Button, ...]:
    return (
        _button(words, "label_more_support", callbacks.SPECIAL, "support"),
        _button(words, "label_back_to_talking", callbacks.MENU),
    )


def _crisis_block(turn: Turn, country: Country) -> str:
    """Emergency number first, then the country's crisis lines (call and text)."""
    if country.emergency:
        call = turn.text("crisis_call", emergency=country.emergency)
    else:
        call = turn.text("crisis_call_local")
    lines = [call.strip()]
    crisis = crisis_lines(turn.words, country)
    if crisis:
        lines += ["", turn.text("crisis_lines_heading"), *crisis]
    return "\n".join(lines)


def crisis_messages(turn: Turn, language: str | None = None) -> list[OutMessage]:
    """The acknowledgement (after a line in their language, if we have one); who to call now
    (without a country: the universal advice over the country buttons); "I'm still here"."""
    words = turn.words
    messages: list[OutMessage] = []
    if language in TRANSLATED and words.has(f"crisis_lang_{language}"):
        messages.append(OutMessage(turn.text(f"crisis_lang_{language}").strip()))
    messages.append(OutMessage(turn.text("crisis_intro").strip()))
    country = country_for(words.content, turn.state.country)
    if country is None:
        messages.append(OutMessage(turn.text("crisis_no_country").strip(), words.country_buttons()))
    else:
        messages.append(OutMessage(_crisis_block(turn, country)))
    messages.append(OutMessage(turn.text("crisis_outro").strip(), _safety_buttons(words)))
    return messages


def medical_messages(turn: Turn) -> list[OutMessage]:
    """Get medical help now; where, in their country; the signs that mean go now."""
    words = turn.words
    intro = turn.text("medical_intro").strip()
    country = country_for(words.content, turn.state.country)
    messages: list[OutMessage] = []
    if country is None:
        advice = turn.text("medical_no_country").strip()
        messages.append(OutMessage(f"{intro}\n\n{advice}", words.country_buttons()))
    else:
        parts = [intro, ""]
        if country.emergency:  # "Anywhere else" has no number of its own: its advice says what to do
            parts += [turn.text("medical_where", country=country.name), emergency_line(turn, country)]
        parts += [escape(line) for line in country.urgent_medical.splitlines() if line.strip()]
        parts += [service_line(words, s) for s in country.services if s.medical]
        messages.append(OutMessage("\n".join(parts)))
    buttons = (
        _button(words, "label_misread", callbacks.SAFE, "medmisread"),
        _button(words, "label_back_to_talking", callbacks.MENU),
    )
    messages.append(OutMessage(turn.text("medical_signs").strip(), buttons))
    return messages


def safety_reply(turn: Turn, result: SafetyResult) -> Reply:
    if result.level == "crisis":
        return turn.reply(*crisis_messages(turn, result.language), events=["crisis_response_sent"])
    if result.level == "medical":
        return turn.reply(*medical_messages(turn), events=["medical_response_sent"])
    return checkin_reply(turn)


def help_reply(turn: Turn, with_commands: bool = False) -> Reply:
    """/help, "help", "sos": who can help right now, then (for /help) the commands. Never a
    question first."""
    words = turn.words
    country = country_for(words.content, turn.state.country)
    if country is None:
        advice = turn.text("crisis_no_country").strip()
        messages = [OutMessage(f"{turn.text('crisis_help_intro')}\n\n{advice}", words.country_buttons())]
    else:
        messages = support_messages(turn, crisis_only=False)
    if with_commands:
        messages.append(OutMessage(turn.text("help"), words.menu_buttons()))
    return turn.reply(*messages, events=["help_shown"])


def checkin_reply(turn: Turn) -> Reply:
    buttons = (
        _button(turn.words, "label_checkin_yes", callbacks.SAFE, "crisis"),
        _button(turn.words, "label_checkin_no", callbacks.SAFE, "talk"),
    )
    return turn.reply(OutMessage(turn.text("checkin").strip(), buttons), events=["checkin_sent"])


_SAFE_ACK = {"misread": "safe_misread", "talk": "checkin_ok"}


def safe_reply(turn: Turn, arg: str) -> Reply:
    """The safety buttons: "yes, I'm having those thoughts" opens the crisis support; "I'm safe",
    "you misunderstood me" and "I just needed to say it" are acknowledged kindly."""
    if arg == "crisis":
        return turn.reply(*crisis_messages(turn), events=["crisis_response_sent"])
    if arg == "medmisread":
        buttons = (_button(turn.words, "label_back_to_talking", callbacks.MENU),)
        return turn.reply(OutMessage(turn.text("medical_misread").strip(), buttons), events=["safe_ack"])
    key = _SAFE_ACK.get(arg, "safe_ack")
    return turn.reply(OutMessage(turn.text(key).strip(), _after_safe_buttons(turn.words)), events=["safe_ack"])
