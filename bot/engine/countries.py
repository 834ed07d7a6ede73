"""A country from what someone typed: "uk", "i'm in new zealand", "austrailia"."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.content.model import Content
from bot.text import Normaliser

_LEADS = ("in", "in the", "from", "from the", "the")


class CountryFinder:
    """Names and aliases of resources.yaml's countries, normalised like the text once."""

    def __init__(self, content: Content, normaliser: Normaliser) -> None:
        self.normaliser = normaliser
        self.names = {normaliser.normalise(alias): c.code
                      for c in content.countries.values() for alias in (*c.aliases, c.name)}
        self._choices = [n for n in self.names if n]
        self._longest_first = sorted(self._choices, key=len, reverse=True)

    def find(self, text: str) -> str | None:
        """A country code, or None. An exact name wins outright; then a name said in passing
        (whole words, longest first, so "northern ireland" beats "ireland"; short aliases like
        "us" or "can" only after "in"/"from"); then a misspelt name on its own."""
        wanted = self.normaliser.normalise(text)
        if not wanted:
            return None
        if wanted in self.names:
            return self.names[wanted]
        padded = f" {wanted} "
        for name in self._longest_first:
            said = [f" {name} "] if len(name) >= 4 else [f" {lead} {name} " for lead in _LEADS]
            if any(form in padded for form in said):
                return self.names[name]
        if len(wanted) < 4:
            return None  # "no", "a", "can": too short to guess a misspelling from
        found = process.extractOne(wanted, self._choices, scorer=fuzz.ratio, score_cutoff=80)
        return self.names[found[0]] if found else None
