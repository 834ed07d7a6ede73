"""Normalisation: what people type becomes one canonical form (with the real content/lexicon.yaml)."""

from __future__ import annotations

import time

import pytest

from bot import PROJECT_ROOT
from bot.content.yamlsrc import load_yaml
from bot.text import Lexicon, Normaliser
from bot.text.normalise import MAX_INPUT_CHARS, symbol_key


@pytest.fixture(scope="module")
def norm() -> Normaliser:
    data = load_yaml(PROJECT_ROOT / "content" / "lexicon.yaml")
    sections = {k: dict(v) for k, v in data.items() if k != "last_reviewed"}
    return Normaliser(Lexicon.from_sections(sections))


def test_nfkc_full_width_letters(norm: Normaliser) -> None:
    assert norm.normalise("ＨＯＷ ｌｏｎｇ") == "how long"
    assert norm.normalise("ｈｅｌｌｏ") == norm.normalise("hello")


def test_casefold(norm: Normaliser) -> None:
    assert norm.normalise("HeLLo There") == "hello there"
    assert norm.normalise("STRASSE Straße") == "strasse strasse"


def test_curly_quotes_and_apostrophes(norm: Normaliser) -> None:
    assert norm.normalise("I\u2019m here") == norm.normalise("I'm here") == "i am here"
    assert norm.normalise("\u201cquoted\u201d \u2018words\u2019") == "quoted words"
    assert norm.normalise("don\u00b4t") == norm.normalise("don't")


def test_accents(norm: Normaliser) -> None:
    assert norm.normalise("café naïve résumé") == "cafe naive resume"


@pytest.mark.parametrize("typed, expected", [
    ("I’m", "i am"),
    ("im", "i am"),
    ("dont", "do not"),
    ("don't", "do not"),
    ("can’t", "can not"),
    ("it's", "it is"),
    ("won’t", "will not"),
    ("I've", "i have"),
])
def test_contractions(norm: Normaliser, typed: str, expected: str) -> None:
    assert norm.normalise(typed) == expected


@pytest.mark.parametrize("variant, canonical", [
    ("mom", "mum"),
    ("Mommy", "mum"),
    ("counselor", "counsellor"),
    ("counseling", "counselling"),
    ("fetal", "foetal"),
    ("miscarrage", "miscarriage"),
])
def test_spelling_variants(norm: Normaliser, variant: str, canonical: str) -> None:
    assert norm.normalise(variant) == canonical
    assert norm.normalise(canonical) == canonical


@pytest.mark.parametrize("abbreviation, meaning", [
    ("mc", "miscarriage"),
    ("MC", "miscarriage"),
    ("m/c", "miscarriage"),
    ("d&c", "d and c surgery"),
    ("D&C", "d and c surgery"),
    ("ttc", "trying to conceive"),
    ("dh", "husband"),
    ("af", "period"),
    ("bfp", "positive pregnancy test"),
])
def test_forum_abbreviations(norm: Normaliser, abbreviation: str, meaning: str) -> None:
    assert norm.normalise(abbreviation) == meaning


def test_abbreviations_inside_a_sentence(norm: Normaliser) -> None:
    assert norm.normalise("had a mc, dh is sad & ttc again?") == (
        "had a miscarriage husband is sad trying to conceive again")
    assert norm.normalise("after my d&c, no af yet") == "after my d and c surgery no period yet"


def test_repeated_letters(norm: Normaliser) -> None:
    assert norm.normalise("sooooo sad") == "so sad"
    assert norm.normalise("sooo") == norm.normalise("soooooooo") == "so"
    # Any run of three or more letters folds to two, so every elongation reads the same:
    assert norm.normalise("heeelp") == norm.normalise("heeeeeeeelp") == norm.normalise("heelp")
    # Real double letters survive.
    assert norm.normalise("feeling good") == "feeling good"
    assert norm.normalise("gooood") == "good"


def test_repeated_letters_prefer_a_known_single_letter_word() -> None:
    """With the word in the lexicon, an elongation of it maps to it (this is how "so" works)."""
    norm = Normaliser(Lexicon({"help": "help"}))
    assert norm.normalise("heeelp") == "help"
    assert norm.normalise("HEEEEELP!!!") == "help"


def test_emoji_and_punctuation_dropped(norm: Normaliser) -> None:
    assert norm.normalise("I 💔 you 😢!!! ... ???") == "i you"
    assert norm.normalise("🤍✨") == ""
    assert norm.normalise("...!?") == ""
    assert norm.words("hello, world!") == ["hello", "world"]


def test_emoji_that_carry_a_word_become_it() -> None:
    """content/lexicon.yaml's ``emoji:`` section: "💊💊💊" is a message, "🪶" a feather."""
    norm = Normaliser(Lexicon.from_sections({"emoji": {"💊": "pills", "🕯️": "candle"}}))
    assert norm.normalise("😔💊💊💊") == "pills pills pills"
    assert norm.normalise("lit a 🕯️ for her🕯") == "lit a candle for her candle"
    assert norm.normalise("🤍") == ""


def test_an_emoji_key_must_be_one_symbol() -> None:
    assert symbol_key("🕯️") == "🕯" and symbol_key("💊") == "💊"
    assert symbol_key("pill") is None and symbol_key("💊💊") is None and symbol_key(" ") is None


def test_non_latin_scripts_kept(norm: Normaliser) -> None:
    assert norm.normalise("У меня был выкидыш") == "у меня был выкидыш"
    assert norm.normalise("ВЫКИДЫШ?") == "выкидыш"
    assert norm.normalise("流产了") == "流产了"


def test_empty_and_whitespace(norm: Normaliser) -> None:
    assert norm.normalise("") == ""
    assert norm.normalise("   \n\t ") == ""
    assert norm.words("") == []


def test_sentences_split_at_ends_and_line_breaks(norm: Normaliser) -> None:
    text = "We went away. It rained!\nAnyway... how long do the cells stay?"
    assert norm.sentences(text) == ["we went away", "it rained", "anyway", "how long do the cells stay"]


def test_very_long_input_does_not_blow_up(norm: Normaliser) -> None:
    text = ("my dh and i had a mc last year and i still think about it every day. " * 1500)[:100_000]
    assert len(text) == 100_000
    start = time.perf_counter()
    words = norm.words(text)
    sentences = norm.sentences(text)
    assert time.perf_counter() - start < 2.0
    assert 0 < len(" ".join(words)) <= MAX_INPUT_CHARS * 2
    assert sentences and len(sentences) < 1500
    assert norm.normalise("a" * 100_000) == "aa"


def test_deterministic_and_cached(norm: Normaliser) -> None:
    text = "Ｉ’ｍ sooo sad abt my m/c"
    assert norm.normalise(text) == norm.normalise(text) == "i am so sad about my miscarriage"
