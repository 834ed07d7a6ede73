"""Nothing anyone sends crashes Feather, and every reply fits Telegram.

Property tests (Hypothesis, derandomised: the same examples on every run, so the suite stays
deterministic) over the real content and engine, through ``Conversations`` with a real SQLite
store and the daily feature, the way every front end runs a turn:

* any Unicode text (right-to-left and bidi controls, zero-width characters, combining marks,
  emoji sequences, control characters, NUL, lone surrogates, up to 100,000 characters) gets a
  reply and never an exception; each reply, as the Telegram front end sends it, is valid HTML,
  at most 4096 characters (UTF-16, after parsing) per message, with buttons whose data is at
  most 64 bytes and decodes back;
* the matcher and the safety check on their own never raise;
* random button data (forged presses) never raises, gets a reply within the same limits, and
  never reads or writes another chat (traced at the SQL level).
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.app import Core, build_conversations
from bot.conversations import Conversations
from bot.engine import callbacks
from bot.engine.types import MAX_BUTTON_DATA, OutMessage
from bot.frontends.telegram.sending import parts_of
from bot.frontends.telegram.splitting import MAX_MESSAGE
from bot.store import Store
from tests.support.clocks import FixedClock
from tests.support.telegram_text import parse_text, utf16_len

NOW = datetime(2026, 11, 25, 7, 59, tzinfo=UTC)
ME, OTHER = 1001, 987654321123
"""OTHER's id is long and distinctive, so the SQL trace can tell if it is ever touched."""

FAST = settings(derandomize=True, deadline=None, max_examples=120, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])

SPECIAL = [
    "\u200f", "\u200e", "\u202e", "\u202d", "\u2066", "\u2069", "\u061c",  # bidi marks and overrides
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",  # zero-width
    "\u0301", "\u0308", "\u0327", "\u20dd", "\u0489",  # combining marks
    "👩‍❤️‍💋‍👩", "🏳️‍🌈", "👨🏽‍👩🏽‍👧🏽", "🇮🇪", "❤️", "🫶🏿", "\U000e0067",  # emoji sequences, tags
    "\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\r", "\t",  # controls
    "\ud800", "\udfff",  # lone surrogates (valid in JSON escapes, so possible in an update)
    "שלום", "مرحبا", "ありがとう", "Zürich", "ﬁ", "Ⅻ", "𝔥𝔢𝔩𝔭",  # scripts, compatibility forms
    "<b>", "</i>", "&amp;", "&#0;", "<a href='x'>", "{country}", "%s", "\\", "/", "@", ":",
    "i want to die", "kill myself", "bleeding heavily", "how long do the cells stay", "help",
    "/start", "/country", "/daily", "/forget", "/mydata", "stop", "8:30", "12 March", "london", " ",
]

any_char = st.characters(codec=None, categories=None)  # every code point, surrogates included
texts = st.one_of(
    st.text(any_char, max_size=300),
    st.lists(st.sampled_from(SPECIAL) | st.text(any_char, max_size=8), max_size=40).map("".join),
    st.tuples(st.lists(st.sampled_from(SPECIAL), min_size=1, max_size=6).map("".join),
              st.integers(1, 100_000)).map(lambda t: (t[0] * (t[1] // len(t[0]) + 1))[: t[1]]),
)
HUGE = [
    ("\u202e" + "שלום " * 20_000)[:100_000],  # 100,000 characters of right-to-left
    "\u200b" * 100_000,
    "a" + "\u0301" * 99_999,  # one letter, 99,999 combining marks
    ("👩‍❤️‍💋‍👩" * 12_500)[:100_000],
    "\x00" * 100_000,
    ("how long do the cells stay i want to die " * 2_500)[:100_000],
    "".join(chr(c) for c in itertools.islice(itertools.cycle(range(0x20, 0x3000)), 100_000)),
]


@pytest.fixture(scope="module")
def chats(core: Core, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Conversations, Store]]:
    store = Store(tmp_path_factory.mktemp("props") / "props.sqlite3")
    clock = FixedClock(NOW)
    conversations = build_conversations(core, store, clock)
    for text in ("/country", "ireland", "/daily"):  # someone else, with everything stored
        conversations.handle_text(OTHER, text)
    conversations.handle_button(OTHER, "dl:t/0800")
    conversations.handle_text(OTHER, "dublin")
    assert set(store.my_data(OTHER)) == {"chats", "daily_subscriptions"}
    yield conversations, store
    store.close()


def assert_fits_telegram(messages: list[OutMessage]) -> None:
    """What the Telegram front end would send: each part valid HTML of at most 4096 characters
    (UTF-16 units, after parsing); each button with a label and at most 64 bytes of data."""
    parts = parts_of(messages)
    assert parts, "a reply, always"
    for text, _ in parts:
        plain, _ = parse_text(text, "HTML")  # raises on HTML Telegram would refuse
        assert plain.strip() and utf16_len(plain) <= MAX_MESSAGE
    for message in messages:
        for button in message.buttons:
            assert button.label.strip()
            assert len(button.data.encode("utf-8")) <= MAX_BUTTON_DATA
            assert callbacks.decode(button.data) is not None, button.data


# ----------------------------------------------------------------------------------- text


@FAST
@given(text=texts)
@example(text="")
@example(text="\x00")
@example(text="\ud800")
def test_any_text_gets_a_reply_that_fits_telegram(chats, text: str) -> None:
    conversations, _ = chats
    assert_fits_telegram(conversations.handle_text(ME, text))


@pytest.mark.parametrize("text", HUGE, ids=["rtl", "zero-width", "combining", "emoji", "nul", "words", "scripts"])
def test_a_hundred_thousand_characters_get_a_reply_that_fits(chats, text: str) -> None:
    conversations, _ = chats
    assert len(text) == 100_000
    assert_fits_telegram(conversations.handle_text(ME, text))


@FAST
@given(steps=st.lists(st.sampled_from(["/country", "/daily", "/forget", "/start", "/mydata", "/help"]) | texts,
                      min_size=1, max_size=5))
def test_any_text_in_the_middle_of_any_question_gets_a_reply(chats, steps: list[str]) -> None:
    """Pending questions (a country, a time, a zone, a date, a confirmation) take odd answers too."""
    conversations, _ = chats
    for step in steps:
        assert_fits_telegram(conversations.handle_text(ME, step))


@FAST
@given(text=texts, context=st.none() | st.sampled_from(["mc_duration", "grief_feelings", "loss_fault", "nonsense"]))
def test_the_matcher_and_the_safety_check_never_raise(core: Core, text: str, context: str | None) -> None:
    match = core.matcher.match(text, context)
    assert 0 <= match.score <= 100
    assert core.safety.assess(text).level in ("crisis", "medical", "checkin", None)
    assert isinstance(core.normaliser.normalise(text), str)


# -------------------------------------------------------------------------------- buttons


KNOWN_VERBS = {"n", "f", "s", "m", "t", "x", "c", "fg", "safe", "dl", "wr"}
"""Every verb a button of Feather's can carry; none of them is an admin action (there are none)."""
ARG = st.from_regex(r"[A-Za-z0-9_/.:+-]{1,56}", fullmatch=True)
forged = st.one_of(
    st.text(any_char, max_size=80),
    st.tuples(st.sampled_from(sorted(KNOWN_VERBS)), ARG).map(lambda t: f"{t[0]}:{t[1]}"),
    st.tuples(st.sampled_from(sorted(KNOWN_VERBS)),
              st.sampled_from([str(OTHER), f"{OTHER}/start", f"y/{OTHER}", f"t/0800/{OTHER}",
                               f"z/0800/Europe/Dublin/{OTHER}",
                               f"keep/due/0312/{OTHER}", "0800", "now", "stop", "set", "y", "IE", "XX"])).map(
        lambda t: f"{t[0]}:{t[1]}"),
    st.from_regex(r"[a-z]{1,6}(:[A-Za-z0-9_/.:+-]{1,56})?", fullmatch=True),
)


def other_rows(store: Store) -> list[tuple]:
    return [tuple(r) for t in ("chats", "daily_subscriptions")
            for r in store.query(f"SELECT * FROM {t} WHERE chat_id = ?", (OTHER,))]


@FAST
@given(data=forged)
@example(data=f"fg:y/{OTHER}")
@example(data=f"dl:stop/{OTHER}")
@example(data="x" * 65)
@example(data="é" * 33)  # 66 bytes
def test_a_forged_press_never_raises_fits_telegram_and_never_touches_another_chat(chats, data: str) -> None:
    conversations, store = chats
    before = other_rows(store)
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)  # every statement, parameters filled in
    try:
        messages = conversations.handle_button(ME, data)
    finally:
        store._db.set_trace_callback(None)
    assert_fits_telegram(messages)
    assert other_rows(store) == before
    touching = [s for s in statements if str(OTHER) in s and not s.lstrip().upper().startswith("SELECT NAME")]
    assert not touching, touching


def test_every_short_verb_is_known_or_refused_gently(chats, core: Core) -> None:
    """All 702 verbs of one or two letters, plus admin-sounding ones: none but Feather's own acts."""
    conversations, store = chats
    unknown = core.content.messages["unknown_button"]
    acting = set()
    verbs = ["".join(v) for n in (1, 2) for v in itertools.product(string.ascii_lowercase, repeat=n)]
    verbs += ["admin", "ban", "sudo", "root", "debug", "sql", "exec", "all", "users", "export", "del"]
    before = other_rows(store)
    for verb in verbs:
        for data in (verb, f"{verb}:{OTHER}", f"{verb}:now", f"{verb}:y"):
            messages = conversations.handle_button(ME, data)
            if not messages or messages[0].text not in unknown:
                acting.add(verb)
    assert acting <= KNOWN_VERBS, acting - KNOWN_VERBS
    assert {"m", "fg", "dl"} <= acting  # the test sees real actions when there are some
    assert other_rows(store) == before
