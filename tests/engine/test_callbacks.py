"""Button data: what ``encode`` makes, ``decode`` reads back; anything else is refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine.callbacks import Press, decode, encode
from bot.engine.types import MAX_BUTTON_DATA


@pytest.mark.parametrize("verb, arg, data", [
    ("m", "", "m"),
    ("t", "theme_mc", "t:theme_mc"),
    ("f", "mc_duration", "f:mc_duration"),
    ("n", "mc_duration/more", "n:mc_duration/more"),
    ("c", "GB", "c:GB"),
    ("fg", "y", "fg:y"),
    ("safe", "misread", "safe:misread"),
])
def test_round_trip(verb: str, arg: str, data: str) -> None:
    assert encode(verb, arg) == data
    assert decode(data) == Press(verb, arg)


def test_longest_argument_fits_telegram() -> None:
    data = encode("abcdef", "a" * 56)
    assert len(data.encode()) <= MAX_BUTTON_DATA
    assert decode(data) == Press("abcdef", "a" * 56)


@pytest.mark.parametrize("verb, arg", [
    ("n", "a" * 57),          # argument too long
    ("N", "x"),               # verbs are lowercase letters
    ("toolong", "x"),         # at most 6 letters
    ("", "x"),
    ("n", "with space"),
    ("n", "é"),
    ("n", "a\nb"),
])
def test_encode_refuses_what_it_could_not_read_back(verb: str, arg: str) -> None:
    with pytest.raises(ValueError):
        encode(verb, arg)


@pytest.mark.parametrize("data", [
    None, "", ":", ":x", "N:x", "toolong:x", "n:with space", "n:é", "n:" + "a" * 57,
    "n:" + "a" * 70, "x" * 65, "n:a\nb", "n:<script>", "n:a;b",
])
def test_decode_refuses_anything_else(data: str | None) -> None:
    assert decode(data) is None


@settings(derandomize=True)  # the same examples on every run: the suite stays deterministic
@given(st.text(max_size=80))
def test_decode_never_raises_and_only_accepts_well_formed(data: str) -> None:
    press = decode(data)
    if press is not None:
        assert len(data.encode()) <= MAX_BUTTON_DATA
        # "verb:" with nothing after the colon is the same press as "verb", which is how it encodes
        assert encode(press.verb, press.arg) == (data[:-1] if not press.arg and data.endswith(":") else data)


@settings(derandomize=True)
@given(st.from_regex(r"[a-z]{1,6}", fullmatch=True),
       st.from_regex(r"[A-Za-z0-9_/.:+-]{1,56}", fullmatch=True))
def test_everything_encode_makes_decodes(verb: str, arg: str) -> None:
    data = encode(verb, arg)
    assert len(data.encode()) <= MAX_BUTTON_DATA
    assert decode(data) == Press(verb, arg)
