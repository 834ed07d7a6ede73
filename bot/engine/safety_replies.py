"""What Feather says when the safety check fires, and when someone asks for help.

Every word is in ``content/messages.yaml``; docs/safety-replies.md says why each reply is shaped
as it is. The text someone wrote is never logged or stored.
"""

from __future__ import annotations

from html import escape

from bot.content.model import Country
from bot.engine import callbacks, watch
from bot.engine.support import country_for, crisis_lines, emergency_line, service_line, support_messages
from bot.engine.turn import Turn
from bot.engine.types import Button, OutMessage, Reply
from bot.engine.words import Words
from bot.safety.detector import SafetyResult

PENDING_COUNTRY = "country"
"""The pending question "which country?" (the engine reads a typed country for it)."""
TRANSLATED = ("es", "pt", "fr", "de", "ru", "pl", "it")
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


def _who_to_call(turn: Turn) -> OutMessage:
    """The emergency number and crisis lines of their country; before a country is known, every
    country's emergency number and findahelpline.com, then the country buttons (a typed country
    is understood too, and remembered)."""
    words = turn.words
    country = country_for(words.content, turn.state.country)
    if country is None:
        if not turn.state.pending:
            turn.state.pending = PENDING_COUNTRY
        return OutMessage(turn.text("crisis_no_country").strip(), words.country_buttons())
    return OutMessage(_crisis_block(turn, country))


def _language_line(turn: Turn, language: str | None, prefix: str = "crisis_lang") -> list[OutMessage]:
    """The short line in their language, when the message was in one we have a line for
    (``supporter_now_lang`` for someone else in danger now)."""
    if language in TRANSLATED and turn.words.has(f"{prefix}_{language}"):
        return [OutMessage(turn.text(f"{prefix}_{language}").strip())]
    return []


def crisis_messages(turn: Turn, language: str | None = None) -> list[OutMessage]:
    """The acknowledgement (after a line in their language, if we have one); who to call now;
    "I'm still here" with the safety buttons."""
    words = turn.words
    messages = _language_line(turn, language)
    messages.append(OutMessage(turn.text("crisis_intro").strip()))
    messages.append(_who_to_call(turn))
    messages.append(OutMessage(turn.text("crisis_outro").strip(), _safety_buttons(words)))
    return messages


def _where_to_go(turn: Turn) -> OutMessage:
    """Where to get urgent medical help in their country (without a country: the emergency
    numbers, and the country buttons)."""
    words = turn.words
    country = country_for(words.content, turn.state.country)
    buttons = (
        _button(words, "label_misread", callbacks.SAFE, "medmisread"),
        _button(words, "label_back_to_talking", callbacks.MENU),
    )
    if country is None:
        if not turn.state.pending:
            turn.state.pending = PENDING_COUNTRY
        return OutMessage(turn.text("medical_no_country").strip(), words.country_buttons() + buttons[:1])
    parts: list[str] = []
    if country.emergency:  # "Anywhere else" has no number of its own: its advice says what to do
        parts += [turn.text("medical_where", country=country.name), emergency_line(turn, country)]
    parts += [escape(line) for line in country.urgent_medical.splitlines() if line.strip()]
    parts += [service_line(words, s) for s in country.services if s.medical]
    return OutMessage("\n".join(parts), buttons)


def medical_messages(turn: Turn) -> list[OutMessage]:
    """The signs that need a doctor, midwife or nurse today (the reasons first), then where to
    go in their country. "Now" is said once, after the reasons."""
    return [OutMessage(turn.text("medical_signs").strip()), _where_to_go(turn)]


def medical_again_messages(turn: Turn) -> list[OutMessage]:
    """After a medical reply, "I don't want to go, I'll sleep it off": the urgency again, kindly."""
    return [OutMessage(turn.text("medical_again").strip()), _where_to_go(turn)]


def crisis_again_messages(turn: Turn, language: str | None = None) -> list[OutMessage]:
    """On watch, a weak signal: shortly, without scolding, "you mentioned earlier...", then who
    to call, with the safety buttons (after the line in their language, if we have one)."""
    words = turn.words
    return [*_language_line(turn, language), OutMessage(turn.text("watch_again").strip()), _who_to_call(turn),
            OutMessage(turn.text("watch_again_outro").strip(), _safety_buttons(words))]


def supporter_now_messages(turn: Turn, language: str | None = None) -> list[OutMessage]:
    """Someone else in danger now, told by the person worried about them: call the emergency
    number for them first (every country's before a country is known), then what helps while
    help is on its way, and the lines. Not the writer's own crisis: no "are you safe?". Told in
    another language, a short line in it comes first."""
    return [*_language_line(turn, language, "supporter_now_lang"),
            OutMessage(turn.text("supporter_now").strip()), *_lines_to_pass_on(turn),
            OutMessage(turn.text("supporter_now_meanwhile").strip())]


def supporter_messages(turn: Turn) -> list[OutMessage]:
    """Someone worried about another person: what helps (ask directly, stay, remove means, help
    them reach a line), and the lines to pass on."""
    return [OutMessage(turn.text("supporter_guidance").strip()), *_lines_to_pass_on(turn)]


def _lines_to_pass_on(turn: Turn) -> list[OutMessage]:
    """Their country's lines; before a country is known, every emergency number and
    findahelpline.com, then the country buttons."""
    if country_for(turn.words.content, turn.state.country) is None:
        return [OutMessage(turn.text("lines_no_country").strip(), turn.words.country_buttons())]
    return support_messages(turn, crisis_only=True)


def subject_messages(turn: Turn) -> list[OutMessage]:
    """Suicide as a subject: what is known (facts.md B2, F2-F4), and the lines."""
    return [OutMessage(turn.text("subject_facts").strip()), *_lines_to_pass_on(turn)]


def past_message(turn: Turn) -> OutMessage:
    """A crisis clearly over: warmth, the support one tap away, before the help they asked for.
    Not an alarm, and not a question they must answer first."""
    buttons = (_button(turn.words, "label_more_support", callbacks.SPECIAL, "support"),)
    return OutMessage(turn.text("checkin_past").strip(), buttons)


def safety_reply(turn: Turn, result: SafetyResult) -> Reply:
    """The crisis, medical or check-in reply; the conversation goes on watch (not when the one in
    danger is someone else: the writer gets what to do for them)."""
    now = turn.incoming.now
    if result.level == "crisis" and result.concern == "other_now":  # the writer is not the one at risk
        return turn.reply(*supporter_now_messages(turn, result.language),
                          events=["crisis_response_sent", "supporter_urgent_sent"])
    if result.level == "crisis":
        if watch.listening(turn.state):  # already on watch: the short reply that remembers
            return _crisis_again(turn, result.language)
        watch.start(turn.state, watch.CRISIS, now)
        return turn.reply(*crisis_messages(turn, result.language), events=["crisis_response_sent"])
    if result.level == "medical":
        watch.start(turn.state, watch.MEDICAL, now)
        return turn.reply(*medical_messages(turn), events=["medical_response_sent"])
    return checkin_reply(turn)


def _crisis_again(turn: Turn, language: str | None) -> Reply:
    """Back to the crisis support on watch: the short reply, a fresh watch, no pending question."""
    turn.forget_pending()
    watch.start(turn.state, watch.CRISIS, turn.incoming.now)
    return turn.reply(*crisis_again_messages(turn, language),
                      events=["crisis_response_sent", "watch_crisis_again"])


def watch_reply(turn: Turn, result: SafetyResult) -> Reply | None:
    """On watch, before anything else: a weak signal takes the conversation back to the crisis
    support; refusing care after a medical reply gets the urgency again; a typed "I'm safe" or
    "you misunderstood me" lowers the level. None: an ordinary message, answered as usual."""
    state, now = turn.state, turn.incoming.now
    if watch.listening(state) and watch.risky(result):
        return _crisis_again(turn, result.language)
    if watch.refused_care(state, result):
        turn.forget_pending()
        watch.start(state, watch.MEDICAL, now)
        return turn.reply(*medical_again_messages(turn), events=["medical_response_sent", "watch_medical_again"])
    if watch.listening(state) and watch.reassured(result):
        watch.lower(state)
        watch.tick(state)
        key = "safe_misread" if "misunderstood" in (turn.incoming.text or "").lower() else "safe_ack"
        return turn.reply(OutMessage(turn.text(key).strip(), _after_safe_buttons(turn.words)), events=["safe_ack"])
    watch.tick(state)
    return None


def concern_reply(turn: Turn, result: SafetyResult) -> Reply | None:
    """Someone else's risk, or suicide as a subject: guidance or facts, and the lines."""
    if result.concern == "other_person":
        return turn.reply(*supporter_messages(turn), events=["supporter_guidance_sent"])
    if result.concern == "subject":
        return turn.reply(*subject_messages(turn), events=["subject_facts_sent"])
    return None


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
    """The gentle question; the conversation goes on watch (at the lower level)."""
    watch.start(turn.state, watch.CHECKIN, turn.incoming.now)
    buttons = (
        _button(turn.words, "label_checkin_yes", callbacks.SAFE, "crisis"),
        _button(turn.words, "label_checkin_no", callbacks.SAFE, "talk"),
    )
    return turn.reply(OutMessage(turn.text("checkin").strip(), buttons), events=["checkin_sent"])


_SAFE_ACK = {"misread": "safe_misread", "talk": "checkin_ok"}


def safe_reply(turn: Turn, arg: str) -> Reply:
    """The safety buttons: "yes, I'm having those thoughts" opens the crisis support; "I'm safe",
    "you misunderstood me" and "I just needed to say it" are acknowledged kindly and lower the
    watch (they never end it)."""
    if arg == "crisis":
        watch.start(turn.state, watch.CRISIS, turn.incoming.now)
        return turn.reply(*crisis_messages(turn), events=["crisis_response_sent"])
    if arg == "medmisread":
        if turn.state.watch == watch.MEDICAL:
            watch.clear(turn.state)
        buttons = (_button(turn.words, "label_back_to_talking", callbacks.MENU),)
        return turn.reply(OutMessage(turn.text("medical_misread").strip(), buttons), events=["safe_ack"])
    watch.lower(turn.state)
    key = _SAFE_ACK.get(arg, "safe_ack")
    return turn.reply(OutMessage(turn.text(key).strip(), _after_safe_buttons(turn.words)), events=["safe_ack"])
