"""What Feather does when the safety check fires: first, whatever else is going on; the right
numbers for the person's country; universal advice when the country is not known; help at any
time; counted, never logged with the text; and ``run_bot.py --match`` reporting it."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from bot.app import Core
from bot.conversations import Conversations
from bot.engine.engine import Engine
from bot.engine.turn import Turn
from bot.engine.types import Effect, Incoming, OutMessage, Reply, UserState
from bot.store import Store
from tests.feather_testkit import NOW, make_root, run_bot

CRISIS = "honestly i just want to end it all, i can't do this"
MEDICAL = "i'm soaking through a pad every 30 mins and feel dizzy"
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u2B50\u2B55\u231A-\u23FF]")


def said(messages: list[OutMessage]) -> str:
    return "\n".join(m.text for m in messages)


def labels(message: OutMessage) -> list[str]:
    return [b.label for b in message.buttons]


def datas(messages: list[OutMessage]) -> set[str]:
    return {b.data for m in messages for b in m.buttons}


class Swallow:
    """A feature whose pending question takes any text at all as its answer."""

    commands: tuple[str, ...] = ()
    verbs = frozenset({"zz"})
    pending = frozenset({"zz_question"})

    def on_command(self, turn: Turn, command: str, args: str) -> Reply:
        return turn.reply(OutMessage("command"))

    def on_button(self, turn: Turn, verb: str, arg: str) -> Reply:
        return turn.reply(OutMessage("button"))

    def on_pending(self, turn: Turn, text: str) -> Reply:
        turn.state.pending = None
        return turn.reply(OutMessage("SWALLOWED"))

    def intercept(self, turn: Turn, text: str) -> Reply | None:
        return None

    def on_risk(self, turn: Turn) -> list[Effect]:
        return []


# ---------------------------------------------------------------------------- first, always
@pytest.mark.parametrize("pending", ["country", "zz_question", "daily_time", "daily_zone"])
def test_a_crisis_in_the_middle_of_a_question_is_answered_first(core: Core, pending: str) -> None:
    features = [core.engine.features[0], Swallow()]
    engine = Engine(core.content, core.normaliser, core.matcher, core.safety, features=features)
    reply = engine.handle(UserState(pending=pending, pending_data={"x": "y"}), Incoming(NOW, text=CRISIS))
    assert reply.events == ["crisis_response_sent"]
    assert "SWALLOWED" not in said(reply.messages)
    assert engine.words.text("crisis_intro").strip() in reply.messages[0].text
    assert "findahelpline.com" in said(reply.messages)
    # whatever was pending is dropped; without a country the crisis reply asks for one (issue 11)
    assert reply.state.pending == "country"


def test_urgent_symptoms_in_the_middle_of_a_question_get_the_medical_reply_first(core: Core) -> None:
    engine = core.engine
    saved = engine.features
    engine.features = [Swallow()]
    try:
        reply = engine.handle(UserState(pending="zz_question", country="GB"), Incoming(NOW, text=MEDICAL))
    finally:
        engine.features = saved
    assert reply.events == ["medical_response_sent"]
    text = said(reply.messages)
    assert "get medical help now" in text and "999" in text and "NHS 111" in text
    assert "SWALLOWED" not in text


def test_a_crisis_command_is_not_needed(core: Core) -> None:
    """A crisis typed as if it were a command still gets the crisis reply."""
    reply = core.engine.handle(UserState(), Incoming(NOW, text="/menu i want to kill myself"))
    assert reply.events == ["crisis_response_sent"]


# ---------------------------------------------------------------------------- through Conversations
def test_with_a_country_the_crisis_reply_shows_its_numbers(conversations: Conversations, store: Store) -> None:
    conversations.handle_button(1, "c:GB")
    messages = conversations.handle_text(1, CRISIS)
    text = said(messages)
    for number in ("999", "Samaritans", "116 123", "SHOUT", "85258"):
        assert number in text
    assert text.index("999") < text.index("116 123")  # the emergency number leads
    assert "text SHOUT to 85258" in text and "call 116 123" in text
    assert labels(messages[-1]) == ["More support options", "I'm safe right now",
                                    "You misunderstood me", "Back to talking"]
    assert store.event_total("crisis_response_sent") == 1


@pytest.mark.parametrize(("code", "numbers"), [
    ("IE", ["112 or 999", "116 123", "1800 247 247", "50808"]),
    ("US", ["911", "988", "741741"]),
    ("CA", ["911", "988"]),
    ("AU", ["000", "13 11 14"]),
    ("NZ", ["111", "1737", "0800 543 354"]),
    ("XX", ["112", "findahelpline.com", "befrienders.org"]),
])
def test_each_country_gets_its_own_crisis_lines(conversations: Conversations, code: str,
                                                 numbers: list[str]) -> None:
    conversations.handle_button(7, f"c:{code}")
    text = said(conversations.handle_text(7, "i want to die"))
    for number in numbers:
        assert number in text, (code, number)


def test_without_a_country_the_advice_comes_first_and_the_question_after(
        conversations: Conversations, store: Store) -> None:
    messages = conversations.handle_text(2, CRISIS)
    assert len(messages) == 3 and not messages[0].buttons  # acknowledgement, advice, safety buttons
    advice = messages[1]
    assert "findahelpline.com" in advice.text and "emergency number" in advice.text and "112" in advice.text
    assert {b.data for b in advice.buttons} >= {"c:GB", "c:US", "c:XX"}
    assert labels(messages[-1])[:2] == ["More support options", "I'm safe right now"]
    # after the advice, the question: which country (typed or a button); "i can't" is not Canada
    assert store.load_state(2).pending == "country"
    conversations.handle_text(2, "i can't")
    assert store.load_state(2).country is None
    after = said(conversations.handle_button(2, "c:GB"))
    assert "116 123" in after and "999" in after
    assert store.load_state(2).country == "GB"


def test_im_safe_and_you_misunderstood_are_acknowledged_with_support_one_tap_away(
        conversations: Conversations) -> None:
    conversations.handle_text(3, CRISIS)
    for button in ("safe:ok", "safe:misread"):
        reply = conversations.handle_button(3, button)
        assert len(reply) == 1
        assert "x:support" in datas(reply)
        assert "one tap away" in reply[0].text
    support = said(conversations.handle_button(3, "x:support"))
    assert "findahelpline.com" in support


def test_the_check_in_asks_gently_and_yes_opens_the_crisis_support(conversations: Conversations,
                                                                    store: Store) -> None:
    reply = conversations.handle_text(4, "this grief is killing me")
    assert len(reply) == 1 and "thoughts of harming yourself" in reply[0].text
    assert datas(reply) == {"safe:crisis", "safe:talk"}
    assert store.event_total("checkin_sent") == 1
    yes = conversations.handle_button(4, "safe:crisis")
    assert "findahelpline.com" in said(yes)
    assert store.event_total("crisis_response_sent") == 1
    conversations.handle_text(5, "i can't go on like this")
    no = conversations.handle_button(5, "safe:talk")
    assert "x:support" in datas(no)


def test_medical_reply_says_get_help_now_and_where(conversations: Conversations, store: Store) -> None:
    unknown = conversations.handle_text(6, MEDICAL)
    assert "get medical help now" in said(unknown)
    assert "emergency" in said(unknown) and "c:GB" in datas(unknown)
    # the signs (the reasons) come first, then where to go; "now" once, after the reasons
    assert "a pad soaked in an hour or less" in unknown[0].text
    assert unknown[0].text.count("now") == 1
    assert "Where to go" in unknown[1].text
    conversations.handle_button(6, "c:NZ")
    nz = said(conversations.handle_text(6, MEDICAL))
    assert "Healthline" in nz and "0800 611 116" in nz and "111" in nz
    conversations.handle_button(6, "c:GB")
    gb = said(conversations.handle_text(6, MEDICAL))
    assert "NHS 111" in gb and "999" in gb and "A&amp;E" in gb
    assert "I can't tell you what is happening" in gb  # never a diagnosis
    assert store.event_total("medical_response_sent") == 3
    misread = conversations.handle_button(6, "safe:medmisread")
    assert "medical help straight away" in said(misread)


def test_crisis_in_spanish_gets_a_line_in_spanish_first(conversations: Conversations) -> None:
    messages = conversations.handle_text(8, "perdí a mi bebé y no quiero seguir viviendo")
    assert "Gracias por contármelo" in messages[0].text and "findahelpline.com" in messages[0].text
    assert "112" in messages[0].text
    assert messages[1].text == conversations.engine.words.text("crisis_intro").strip()
    assert "findahelpline.com" in said(messages[2:])


@pytest.mark.parametrize("word", ["/help", "help", "sos", "urgent", "SOS!", "Help me"])
def test_help_shows_crisis_resources_at_any_time(conversations: Conversations, store: Store, word: str) -> None:
    assert "findahelpline.com" in said(conversations.handle_text(10, word))
    conversations.handle_text(11, "/country")  # in the middle of a question
    assert "findahelpline.com" in said(conversations.handle_text(11, word))
    conversations.handle_button(12, "c:GB")
    text = said(conversations.handle_text(12, word))
    assert "999" in text and "116 123" in text and "85258" in text


def test_no_emoji_in_any_safety_reply(conversations: Conversations, core: Core) -> None:
    replies = [conversations.handle_text(13, CRISIS), conversations.handle_text(13, MEDICAL),
               conversations.handle_text(13, "quiero morir"), conversations.handle_text(13, "sos"),
               conversations.handle_button(13, "safe:ok"), conversations.handle_button(13, "safe:misread"),
               conversations.handle_text(14, "this grief is killing me")]
    conversations.handle_button(13, "c:GB")
    replies += [conversations.handle_text(13, CRISIS), conversations.handle_text(13, MEDICAL)]
    for messages in replies:
        for message in messages:
            assert not EMOJI.search(message.text), message.text
            assert not any(EMOJI.search(label) for label in labels(message)), labels(message)
    for key, texts in core.content.messages.items():
        if key.startswith(("crisis", "medical", "checkin", "safe_", "label_checkin", "label_misread",
                           "label_im_safe", "label_more_support")):
            assert not any(EMOJI.search(t) for t in texts), key


def test_what_was_written_is_never_stored_or_logged(conversations: Conversations, store: Store,
                                                    tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    secret = "i want to die zebraunicornmarker"
    with caplog.at_level(logging.DEBUG):
        conversations.handle_text(15, secret)
        conversations.handle_text(15, "bleeding so heavy zebraunicornmarker")
    assert "event: crisis_response_sent" in caplog.text and "event: medical_response_sent" in caplog.text
    assert "zebra" not in caplog.text
    store.close()
    for path in tmp_path.glob("feather.sqlite3*"):
        assert b"zebra" not in path.read_bytes()


# ---------------------------------------------------------------------------- run_bot.py --match
def test_match_fills_in_safety(tmp_path: Path) -> None:
    root = make_root(tmp_path, slim=True)
    lines = {
        "i want to kill myself": "crisis",
        "nobody would even notice if i was gone": "crisis",
        "quiero morir": "crisis",
        "soaking a pad every 30 mins": "medical",
        "passing clots the size of golf balls": "medical",
        "my baby died at 20 weeks": None,
        "how much bleeding is normal after a miscarriage": None,
        "this grief is killing me": "checkin",  # the gentle question (issue 11, item 7)
    }
    result = run_bot("--match", "--content", str(root), stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {row["text"]: row["safety"] for row in rows} == lines
    assert all(row["topic"] == "loss_medical_urgent" for row in rows if row["safety"] == "medical")
