"""The 4096 cut (bot/frontends/telegram/splitting.py) and how replies become Telegram messages.

Every part must be valid Telegram HTML on its own (checked with the fake Bot API's own parser),
at most the limit after parsing, and together show the whole text in order.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine.types import Button, OutMessage
from bot.frontends.telegram.sending import keyboard, parts_of, split_plain
from bot.frontends.telegram.splitting import MAX_MESSAGE, plain_length, split_html
from tests.support.telegram_text import parse_text, utf16_len


def shown(part: str) -> str:
    """What the recipient sees: parsed like Telegram (raises on invalid HTML)."""
    plain, _ = parse_text(part, "HTML")
    return plain


def words_of(text: str) -> list[str]:
    return re.sub(r"\s+", " ", text).split()


def test_short_text_is_left_alone():
    text = "<b>Hello</b> &amp; welcome\n\nsecond paragraph"
    assert split_html(text) == [text]


def test_cuts_at_the_last_paragraph_that_fits():
    paragraphs = [f"Paragraph {i}. " + "word " * 150 for i in range(12)]
    text = "\n\n".join(paragraphs)
    parts = split_html(text)
    assert len(parts) > 1
    for part in parts:
        assert plain_length(part) <= MAX_MESSAGE
        assert part.startswith("Paragraph ")  # every part starts where a paragraph starts
    assert words_of(" ".join(parts)) == words_of(text)


def test_then_at_lines_then_at_spaces_then_hard():
    lines = "\n".join("line " + "x" * 90 for _ in range(100))
    assert all(p.startswith("line ") for p in split_html(lines))
    spaced = " ".join(["word"] * 2000)
    assert all(p.split(" ") == ["word"] * len(p.split(" ")) for p in split_html(spaced))
    solid = "y" * 10000
    parts = split_html(solid)
    assert [len(p) for p in parts] == [4096, 4096, 1808]


def test_a_short_first_paragraph_is_not_sent_alone_when_lines_fit_better():
    text = "<b>Title</b>\n\n" + "\n".join("a line of text " * 5 for _ in range(100))
    first = split_html(text)[0]
    assert plain_length(first) > MAX_MESSAGE // 2


def test_tags_open_across_a_cut_are_closed_and_reopened():
    text = "<b>" + "bold words " * 600 + "</b> and " + '<a href="https://example.org/x?a=1&amp;b=2">' + \
        "link " * 1000 + "</a>"
    parts = split_html(text)
    assert len(parts) >= 3
    for part in parts:
        shown(part)  # valid on its own
        assert plain_length(part) <= MAX_MESSAGE
    assert parts[1].startswith("<b>")
    assert parts[-1].startswith('<a href="https://example.org/x?a=1&amp;b=2">')


def test_entities_are_never_cut_and_count_as_one_character():
    text = "&amp;" * 5000
    parts = split_html(text)
    assert [plain_length(p) for p in parts] == [4096, 904]
    assert all(shown(p) == "&" * plain_length(p) for p in parts)


def test_length_is_counted_like_telegram_in_utf16_units():
    text = "🪶" * 3000  # 2 UTF-16 units each
    parts = split_html(text)
    assert [utf16_len(shown(p)) for p in parts] == [4096, 1904]


def test_plain_text_fallback_keeps_angle_brackets_and_ampersands():
    text = "a < b & c > d " * 500
    parts = split_plain(text)
    assert len(parts) == 2
    assert words_of(" ".join(parts)) == words_of(text)


def test_buttons_ride_on_the_last_part_one_per_row():
    long = "\n\n".join("paragraph " * 100 for _ in range(10))
    buttons = (Button("One", "m"), Button("Two", "t:theme_mc"))
    parts = parts_of([OutMessage(long, buttons), OutMessage("after")])
    assert len(parts) == 4
    assert [markup is None for _, markup in parts] == [True, True, False, True]
    rows = parts[2][1].inline_keyboard
    assert [[(b.text, b.callback_data) for b in row] for row in rows] == [[("One", "m")], [("Two", "t:theme_mc")]]
    assert keyboard(()) is None


def test_empty_engine_messages_are_skipped():
    assert parts_of([OutMessage("  \n"), OutMessage("<b> </b>"), OutMessage("hi")]) == [("hi", None)]


_pieces = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<>&"), max_size=40),
        st.sampled_from(["\n", "\n\n", " ", "&amp;", "&lt;", "🪶", "é"]),
        st.builds(lambda t: f"<b>{t}</b>", st.text(alphabet="abc \n", max_size=30)),
        st.builds(lambda t: f'<a href="https://e.org/?q=1">{t}</a>', st.text(alphabet="xyz \n", max_size=30)),
        st.builds(lambda t: f"<i>{t} <b>{t}</b></i>", st.text(alphabet="ij\n ", max_size=20)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_pieces, st.integers(min_value=2, max_value=120))
def test_any_text_splits_into_valid_parts_that_show_everything(pieces, limit):
    text = "".join(pieces)
    if not shown(text).strip():
        return
    parts = split_html(text, limit)
    for part in parts:
        assert utf16_len(shown(part)) <= limit
        assert shown(part).strip()
    assert "".join("".join(shown(p).split()) for p in parts) == "".join(shown(text).split())
