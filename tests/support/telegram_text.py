"""Telegram-like text formatting for the fake Bot API: HTML and MarkdownV2 parsing.

``parse_text(text, parse_mode)`` returns ``(plain_text, entities)`` the way Telegram turns a
formatted message into what the recipient sees, or raises :class:`EntityParseError` with a
description shaped like Telegram's (the caller prefixes ``"Bad Request: can't parse entities: "``).

Entity offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re

__all__ = ["EntityParseError", "parse_text", "strip_text", "utf16_len"]


class EntityParseError(ValueError):
    """The text can't be parsed; ``str(err)`` is Telegram's detail text."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


# --------------------------------------------------------------------------------------- HTML

# tag -> entity type (None: handled specially)
_HTML_TAGS: dict[str, str | None] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": None,  # only <span class="tg-spoiler">
    "a": None,  # text_link / text_mention
    "code": "code",
    "pre": "pre",
    "blockquote": None,  # blockquote / expandable_blockquote
    "tg-emoji": None,  # custom_emoji
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{0,31});")
_TAG_NAME_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR_RE = re.compile(
    r"""\s*([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)


def _decode_entities(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        body = m.group(1)
        if body.startswith(("#x", "#X")):
            return chr(int(body[2:], 16)) if int(body[2:], 16) <= 0x10FFFF else m.group(0)
        if body.startswith("#"):
            return chr(int(body[1:])) if int(body[1:]) <= 0x10FFFF else m.group(0)
        return _NAMED_ENTITIES.get(body, m.group(0))

    return _ENTITY_RE.sub(repl, text)


def _find_tag_end(text: str, start: int) -> int:
    """Index of the '>' closing the tag opened at ``start`` (quote aware), or -1."""
    quote = ""
    for j in range(start + 1, len(text)):
        ch = text[j]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == ">":
            return j
    return -1


def _parse_html(text: str) -> tuple[str, list[dict]]:
    out: list[str] = []
    pos16 = 0  # UTF-16 length of what's in `out`
    stack: list[tuple[str, int, dict[str, str], int]] = []  # (tag, start16, attrs, index)
    entities: list[dict] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "<":
            end = _find_tag_end(text, i)
            if end < 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
            inner = text[i + 1 : end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise EntityParseError(
                        f'Unexpected end tag at byte offset {_byte_offset(text, i)}'
                    )
                top_tag, start16, attrs, _ = stack[-1]
                if name != top_tag:
                    raise EntityParseError(
                        f"Unmatched end tag at byte offset {_byte_offset(text, i)}, "
                        f'expected "</{top_tag}>", found "</{name}>"'
                    )
                stack.pop()
                entity = _html_entity(top_tag, attrs, start16, pos16 - start16, stack)
                if entity is not None:
                    entities.append(entity)
            else:
                m = _TAG_NAME_RE.match(inner)
                name = m.group(0).lower() if m else ""
                if name not in _HTML_TAGS:
                    raise EntityParseError(
                        f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}'
                    )
                rest = inner[m.end() :] if m else inner
                attrs: dict[str, str] = {}
                for am in _ATTR_RE.finditer(rest):
                    value = am.group(2) if am.group(2) is not None else am.group(3)
                    if value is None:
                        value = am.group(4) if am.group(4) is not None else ""
                    attrs[am.group(1).lower()] = _decode_entities(value)
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise EntityParseError(
                        f'Tag "span" must have class "tg-spoiler" at byte offset '
                        f"{_byte_offset(text, i)}"
                    )
                if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
                    raise EntityParseError(
                        f'Tag "tg-emoji" must have attribute "emoji-id" with custom emoji '
                        f"identifier at byte offset {_byte_offset(text, i)}"
                    )
                stack.append((name, pos16, attrs, i))
            i = end + 1
            continue
        if ch == "&":
            m = _ENTITY_RE.match(text, i)
            if m:
                decoded = _decode_entities(m.group(0))
                out.append(decoded)
                pos16 += utf16_len(decoded)
                i = m.end()
                continue
        out.append(ch)
        pos16 += 2 if ord(ch) > 0xFFFF else 1
        i += 1
    if stack:
        raise EntityParseError(
            f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"'
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _html_entity(
    tag: str, attrs: dict[str, str], offset: int, length: int, stack: list
) -> dict | None:
    if length <= 0:
        return None
    base = {"offset": offset, "length": length}
    if tag == "a":
        href = attrs.get("href", "")
        if not href:
            return None
        m = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if m:
            return {"type": "text_mention", **base, "user": {
                "id": int(m.group(1)), "is_bot": False, "first_name": "User"}}
        return {"type": "text_link", **base, "url": href}
    if tag == "span":
        return {"type": "spoiler", **base}
    if tag == "blockquote":
        kind = "expandable_blockquote" if "expandable" in attrs else "blockquote"
        return {"type": kind, **base}
    if tag == "tg-emoji":
        return {"type": "custom_emoji", **base, "custom_emoji_id": attrs["emoji-id"]}
    if tag == "code" and stack and stack[-1][0] == "pre":
        # <pre><code class="language-x"> gives one pre entity with a language
        lang = attrs.get("class", "")
        if lang.startswith("language-"):
            stack[-1][2]["_language"] = lang[len("language-") :]
        return None
    if tag == "pre":
        entity = {"type": "pre", **base}
        if attrs.get("_language"):
            entity["language"] = attrs["_language"]
        return entity
    return {"type": _HTML_TAGS[tag], **base}


# --------------------------------------------------------------------------------- MarkdownV2

_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
}


def _parse_markdown_v2(text: str) -> tuple[str, list[dict]]:
    out: list[str] = []
    pos16 = 0
    entities: list[dict] = []
    open_: list[tuple[str, int, int]] = []  # (type, start16, index)
    link_stack: list[tuple[int, int]] = []  # (start16, index)
    i = 0
    n = len(text)

    def emit(s: str) -> None:
        nonlocal pos16
        out.append(s)
        pos16 += utf16_len(s)

    def reserved(ch: str) -> EntityParseError:
        return EntityParseError(
            f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
        )

    def toggle(kind: str, idx: int) -> None:
        for k, (t, start16, _) in enumerate(open_):
            if t == kind:
                del open_[k]
                if pos16 > start16:
                    entities.append({"type": kind, "offset": start16, "length": pos16 - start16})
                return
        open_.append((kind, pos16, idx))

    line_start = True
    quote_start: int | None = None
    while i < n:
        ch = text[i]
        if line_start and ch == ">":
            if quote_start is None:
                quote_start = pos16
            i += 1
            line_start = False
            continue
        if line_start and quote_start is not None:
            # previous line was quoted but this one is not: close the blockquote
            end16 = pos16 - 1 if out and out[-1].endswith("\n") else pos16
            if end16 > quote_start:
                entities.append(
                    {"type": "blockquote", "offset": quote_start, "length": end16 - quote_start}
                )
            quote_start = None
        line_start = False
        if ch == "\\":
            if i + 1 < n and 1 <= ord(text[i + 1]) <= 126:
                emit(text[i + 1])
                i += 2
                continue
            raise reserved("\\") if i + 1 >= n else EntityParseError(
                f"Character '{text[i + 1]}' can't be escaped"
            )
        if ch == "`":
            fence = text.startswith("```", i)
            delim = "```" if fence else "`"
            j = i + len(delim)
            lang = ""
            if fence:
                nl = text.find("\n", j)
                first_line = text[j:nl] if nl >= 0 else ""
                if nl >= 0 and re.fullmatch(r"[\w+#.-]*", first_line):
                    lang = first_line
                    j = nl + 1
            start16 = pos16
            buf: list[str] = []
            while j < n and not text.startswith(delim, j):
                if text[j] == "\\" and j + 1 < n and text[j + 1] in "`\\":
                    buf.append(text[j + 1])
                    j += 2
                    continue
                buf.append(text[j])
                j += 1
            if j >= n:
                kind = "Pre" if fence else "Code"
                raise EntityParseError(
                    f"Can't find end of {kind} entity at byte offset {_byte_offset(text, i)}"
                )
            emit("".join(buf))
            if pos16 > start16:
                entity = {"type": "pre" if fence else "code", "offset": start16,
                          "length": pos16 - start16}
                if lang:
                    entity["language"] = lang
                entities.append(entity)
            i = j + len(delim)
            continue
        if ch == "*":
            toggle("bold", i)
            i += 1
            continue
        if ch == "_":
            if text.startswith("__", i):
                toggle("underline", i)
                i += 2
            else:
                toggle("italic", i)
                i += 1
            continue
        if ch == "~":
            toggle("strikethrough", i)
            i += 1
            continue
        if ch == "|" and text.startswith("||", i):
            toggle("spoiler", i)
            i += 2
            continue
        if ch == "!" and text.startswith("![", i):
            link_stack.append((pos16, i))
            i += 2
            continue
        if ch == "[":
            link_stack.append((pos16, i))
            i += 1
            continue
        if ch == "]" and link_stack:
            start16, idx = link_stack.pop()
            if not text.startswith("(", i + 1):
                raise EntityParseError(
                    f"Can't find end of a URL at byte offset {_byte_offset(text, idx)}"
                )
            j = i + 2
            url_chars: list[str] = []
            while j < n and text[j] != ")":
                if text[j] == "\\" and j + 1 < n:
                    url_chars.append(text[j + 1])
                    j += 2
                    continue
                url_chars.append(text[j])
                j += 1
            if j >= n:
                raise EntityParseError(
                    f"Can't find end of a URL at byte offset {_byte_offset(text, idx)}"
                )
            url = "".join(url_chars)
            if pos16 > start16 and url:
                if text[idx] == "!":
                    m = re.fullmatch(r"tg://emoji\?id=(\d+)", url)
                    if m:
                        entities.append({"type": "custom_emoji", "offset": start16,
                                         "length": pos16 - start16, "custom_emoji_id": m.group(1)})
                else:
                    entities.append({"type": "text_link", "offset": start16,
                                     "length": pos16 - start16, "url": url})
            i = j + 1
            continue
        if ch in _MDV2_RESERVED:
            raise reserved(ch)
        emit(ch)
        if ch == "\n":
            line_start = True
        i += 1
    if quote_start is not None and pos16 > quote_start:
        entities.append({"type": "blockquote", "offset": quote_start,
                         "length": pos16 - quote_start})
    if link_stack:
        raise EntityParseError(
            f"Can't find end of a URL at byte offset {_byte_offset(text, link_stack[-1][1])}"
        )
    if open_:
        kind, _, idx = open_[0]
        raise EntityParseError(
            f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset "
            f"{_byte_offset(text, idx)}"
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


# ------------------------------------------------------------------------------------- public


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[dict]]:
    """Parse ``text`` with ``parse_mode`` (None, "HTML", "MarkdownV2" or "Markdown").

    Raises :class:`EntityParseError` for malformed markup and :class:`ValueError` for an
    unknown parse mode. Legacy "Markdown" is passed through without parsing.
    """
    mode = (parse_mode or "").strip()
    low = mode.lower()
    if not mode:
        return text, []
    if low == "html":
        return _parse_html(text)
    if low == "markdownv2":
        return _parse_markdown_v2(text)
    if low == "markdown":
        return text, []
    raise ValueError(f"unsupported parse_mode {parse_mode!r}")


def strip_text(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Strip leading/trailing whitespace like Telegram does, keeping entities aligned."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead16 = utf16_len(text[: len(text) - len(text.lstrip())])
    total16 = utf16_len(stripped)
    result = []
    for e in entities:
        start = max(e["offset"] - lead16, 0)
        end = min(e["offset"] + e["length"] - lead16, total16)
        if end > start:
            result.append({**e, "offset": start, "length": end - start})
    return stripped, result
