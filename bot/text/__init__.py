"""Text normalisation shared by the matcher and the safety check."""

from bot.text.normalise import Lexicon, Normaliser

__all__ = ["Lexicon", "Normaliser"]
