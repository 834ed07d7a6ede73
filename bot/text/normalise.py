"""Turn what people type into a canonical form, so matching sees meaning rather than spelling.

NFKC, casefold, curly quotes, accents and punctuation are folded; contractions, forum
abbreviations ("mc", "d&c", "ttc"), spelling variants and the emoji that carry a word (a pill, a
knife, a candle: "💊💊💊" is a message) come from ``content/lexicon.yaml``; other emoji are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
        "\u2013": "-", "\u2014": "-", "\u2026": "...",
    }
)
# A token: letters/digits in any script, joined by the symbols that abbreviations use (m/c, d&c).
_TOKEN = re.compile(r"[^\W_]+(?:['&/+][^\W_]+)*'?")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_SENTENCE_END = re.compile(r"(?<=[.!?\n;:])\s+|\n+")

MAX_INPUT_CHARS = 20_000
"""Longer messages are cut before normalising: nobody's question sits past this, and cost stays bounded."""


@dataclass(frozen=True)
class Lexicon:
    """Word-level replacements, applied to whole tokens after casefolding."""

    replacements: dict[str, str] = field(default_factory=dict)
    symbols: dict[int, str] = field(default_factory=dict)
    """An emoji's code point -> its word, padded with spaces (a ``str.translate`` table)."""

    @classmethod
    def from_sections(cls, sections: dict[str, dict[str, str]]) -> Lexicon:
        """Merge the spelling sections; ``concepts`` is the matcher's, not the normaliser's, and
        ``emoji`` maps single symbols (see :func:`symbol_key`)."""
        merged: dict[str, str] = {}
        symbols: dict[int, str] = {}
        for name, mapping in sections.items():
            if name == "concepts":
                continue
            for key, value in mapping.items():
                if name == "emoji":
                    symbol = symbol_key(str(key))
                    if symbol is not None:
                        symbols[ord(symbol)] = f" {value} "
                    continue
                merged[_fold(str(key))] = str(value)
        return cls(merged, symbols)


VARIATION_SELECTORS = frozenset({"\ufe0e", "\ufe0f"})


def symbol_key(key: str) -> str | None:
    """The one symbol an ``emoji:`` key stands for (a variation selector may follow it), or None
    when the key is not a single symbol that the tokeniser would otherwise drop."""
    chars = [ch for ch in key.strip() if ch not in VARIATION_SELECTORS]
    if len(chars) != 1 or _TOKEN.fullmatch(chars[0]) or chars[0].isspace():
        return None
    return chars[0]


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold(text: str) -> str:
    """Casefold, unify quotes and drop accents: the part of normalisation that needs no lexicon."""
    # Quotes are unified before NFKC too: NFKC turns "´" (typed as an apostrophe on some
    # keyboards) into a space and a combining accent, which would split "don´t" in two.
    text = unicodedata.normalize("NFKC", text.translate(_QUOTES)).translate(_QUOTES).casefold()
    return unicodedata.normalize("NFC", _strip_accents(text))


class Normaliser:
    """Normalises text with one lexicon; cheap to call, safe to share between threads."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon or Lexicon()
        self._cached = lru_cache(maxsize=8192)(self._normalise_uncached)

    def words(self, text: str) -> list[str]:
        """The canonical words of ``text``, in order."""
        return self.normalise(text).split()

    def normalise(self, text: str) -> str:
        """Canonical, space-separated form of ``text`` (empty for text with no words)."""
        return self._cached(text[:MAX_INPUT_CHARS])

    def _normalise_uncached(self, text: str) -> str:
        out: list[str] = []
        for token in _TOKEN.findall(_fold(text).translate(self._lexicon.symbols)):
            token = token.rstrip("'")
            stretched = bool(_REPEATS.search(token))
            if stretched:  # "sooooo", "heeelp": two letters first, then the lexicon's single form
                token = _REPEATS.sub(r"\1\1", token)
            replacement = self._lexicon.replacements.get(token)
            if replacement is None and "'" in token:
                replacement = self._lexicon.replacements.get(token.replace("'", ""))
            if replacement is None:
                replacement = self._repeated_letter_variant(token, stretched)
            out.extend(re.findall(r"[^\W_]+", replacement))
        return " ".join(out)

    def _repeated_letter_variant(self, token: str, stretched: bool) -> str:
        """A doubled word ("soo", "heelp"): the lexicon's single-letter form when known ("so").

        Only a stretched word takes any lexicon form; a plain double letter takes only identity
        entries, so "heelp" is "help" but "loo" never becomes "lo" (little one).
        """
        single = re.sub(r"([^\W\d_])\1", r"\1", token)
        replacement = self._lexicon.replacements.get(single) if single != token else None
        if replacement is not None and (stretched or replacement == single):
            return replacement
        return token

    def sentences(self, text: str) -> list[str]:
        """Normalised sentences of ``text`` (raw text split at sentence ends and line breaks)."""
        parts = _SENTENCE_END.split(text[:MAX_INPUT_CHARS].translate(_QUOTES))
        result = [self.normalise(part) for part in parts]
        return [part for part in result if part]
