"""Long replies cut into messages Telegram accepts, at the gentlest boundary that fits.

Why and how: docs/telegram.md, under "bot/frontends/telegram/splitting.py"."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MAX_MESSAGE = 4096
"""Telegram's limit for one message's text, after entity parsing, in UTF-16 code units."""

_TOKEN = re.compile(r"<[^>]*>|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});|.", re.S)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")
_BREAKS = ("\n\n", "\n", " ")
"""Where a cut may fall, gentlest first; when none fits, the text is cut hard."""


@dataclass(frozen=True)
class _Token:
    raw: str
    plain: str = ""  # the character it shows (text tokens only)
    tag: str | None = None  # tag name (tag tokens only)
    closing: bool = False

    @property
    def width(self) -> int:
        return len(self.plain.encode("utf-16-le")) // 2


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        raw = match.group(0)
        if raw.startswith("<") and len(raw) > 1 and raw.endswith(">"):
            name = _TAG_NAME.match(raw)
            if name and not raw.endswith("/>"):
                tokens.append(_Token(raw, tag=name.group(1).lower(), closing=raw.startswith("</")))
                continue
        tokens.append(_Token(raw, plain=html.unescape(raw) if raw.startswith("&") else raw))
    return tokens


def plain_length(text: str) -> int:
    """How long Telegram will count this HTML text: visible characters, in UTF-16 code units."""
    return sum(t.width for t in _tokens(text))


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """The text as one or more parts, each at most ``limit`` long, in order, none empty."""
    if 2 * len(text) <= limit or plain_length(text) <= limit:
        # Fast path, same answer: a character shows as at most 2 UTF-16 units, and tags and
        # entities as fewer than they take, so no text of up to limit/2 characters is too long.
        # (Tokenising costs ~5 us a character: ~2 ms for a typical reply, on the event loop.)
        return [text]
    tokens = _tokens(text)
    visible = [i for i, t in enumerate(tokens) if t.tag is None]
    plain = "".join(tokens[i].plain for i in visible)
    widths = [tokens[i].width for i in visible]
    ranges = _cut(plain, widths, limit)
    return _assemble(tokens, visible, ranges)


def _cut(plain: str, widths: list[int], limit: int) -> list[tuple[int, int]]:
    """Ranges [start, end) of visible characters, one per part; what lies between is dropped."""
    ranges: list[tuple[int, int]] = []
    start = 0
    total = len(plain)
    while start < total:
        while start < total and plain[start].isspace():
            start += 1
        if start >= total:
            break
        end, used = start, 0
        while end < total and used + widths[end] <= limit:
            used += widths[end]
            end += 1
        end = max(end, start + 1)  # one character wider than the limit still goes, alone
        if end >= total:
            ranges.append((start, total))
            break
        cut, resume = _best_break(plain, start, end)
        ranges.append((start, cut))
        start = resume
    return ranges


def _best_break(plain: str, start: int, end: int) -> tuple[int, int]:
    """Where to cut a window [start, end): the gentlest break in its second half, else the
    gentlest anywhere, else hard at the end. Returns (cut, where the next part starts)."""
    found = {sep: plain.rfind(sep, start + 1, end + len(sep)) for sep in _BREAKS}
    half = start + (end - start) // 2
    for sep in _BREAKS:
        if found[sep] >= half:
            return found[sep], found[sep] + len(sep)
    for sep in _BREAKS:
        if found[sep] > start:
            return found[sep], found[sep] + len(sep)
    return end, end


def _assemble(tokens: list[_Token], visible: list[int], ranges: list[tuple[int, int]]) -> list[str]:
    """Each range's tokens as HTML, in their original order, tags rebalanced per part.

    Tags between two parts stay with the text they touch: closing tags right after a part's
    text end that part; from the first opening tag on, the rest go with the next part.
    """
    part_of: dict[int, int] = {}
    for part, (start, end) in enumerate(ranges):
        for v in range(start, end):
            part_of[visible[v]] = part
    next_part: list[int | None] = [None] * len(tokens)
    upcoming: int | None = None
    for i in range(len(tokens) - 1, -1, -1):
        next_part[i] = upcoming
        if i in part_of:
            upcoming = part_of[i]
    parts: list[list[str]] = [[] for _ in ranges]
    current, moving = 0, False
    for i, token in enumerate(tokens):
        if token.tag is None:
            if i in part_of:
                current, moving = part_of[i], False
                parts[current].append(token.raw)
            continue  # else: whitespace dropped at a cut
        ahead = next_part[i]
        if ahead is not None and ahead != current and (moving or not token.closing):
            moving = True
            parts[ahead].append(token.raw)
        else:
            parts[current].append(token.raw)
    return _rebalance(parts)


def _rebalance(parts: list[list[str]]) -> list[str]:
    """Close tags still open at the end of a part; reopen them, as they were, in the next."""
    result = []
    open_tags: list[tuple[str, str]] = []  # (name, raw opening tag)
    for raws in parts:
        prefix = "".join(raw for _, raw in open_tags)
        for raw in raws:
            if not raw.startswith("<") or raw.endswith("/>") or not _TAG_NAME.match(raw):
                continue
            name = _TAG_NAME.match(raw).group(1).lower()  # type: ignore[union-attr]
            if raw.startswith("</"):
                for k in range(len(open_tags) - 1, -1, -1):
                    if open_tags[k][0] == name:
                        del open_tags[k]
                        break
            else:
                open_tags.append((name, raw))
        suffix = "".join(f"</{name}>" for name, _ in reversed(open_tags))
        result.append(prefix + "".join(raws) + suffix)
    return result
