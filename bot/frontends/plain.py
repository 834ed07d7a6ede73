"""Telegram's HTML subset as plain terminal text."""

from __future__ import annotations

import html
import re

_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)
_TAG = re.compile(r"</?(b|i|u|s|code|pre|a)(\s[^>]*)?>")


def to_plain(text: str) -> str:
    def link(match: re.Match[str]) -> str:
        url, label = match.group(1), match.group(2)
        return label if label in url else f"{label} ({url})"

    return html.unescape(_TAG.sub("", _LINK.sub(link, text)))
