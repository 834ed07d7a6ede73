"""Find the topic of a message: one scoring function (0-100), one threshold, normalisation first."""

from bot.matching.matcher import Match, Matcher

__all__ = ["Match", "Matcher"]
