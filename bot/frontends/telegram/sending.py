"""Engine messages out to Telegram: split when long, buttons as a keyboard, paced like a person.

Between parts Feather shows "typing…" and waits ``reply_pause`` seconds (0 in tests), so a reply
of several messages reads as a conversation rather than a wall. A person who blocked Feather
(``Forbidden``) ends the sending to them quietly; nobody else is affected. A text Telegram
cannot parse as HTML (a content slip) is sent again as plain text rather than not at all.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.daily.dispatcher import SendResult
from bot.engine.types import Button, OutMessage
from bot.frontends.plain import to_plain
from bot.frontends.telegram.splitting import MAX_MESSAGE, split_html

log = logging.getLogger(__name__)

_GONE = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")
"""BadRequest texts meaning the chat is gone for good: treated like a block (unsubscribed)."""


def retry_seconds(exc: RetryAfter) -> float:
    value: Any = getattr(exc, "_retry_after", None) or exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """One button per row (labels stay whole on a phone); the button's data as callback data."""
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data)] for b in buttons])


def parts_of(messages: Sequence[OutMessage], limit: int = MAX_MESSAGE) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """Every Telegram message to send, in order; a split message keeps its buttons on its last part."""
    parts: list[tuple[str, InlineKeyboardMarkup | None]] = []
    for message in messages:
        if not to_plain(message.text).strip():
            log.warning("an engine message had no text; skipped (%d buttons lost)", len(message.buttons))
            continue
        pieces = split_html(message.text, limit)
        for index, piece in enumerate(pieces):
            parts.append((piece, keyboard(message.buttons) if index == len(pieces) - 1 else None))
    return parts


class Sender:
    """Sends a chat its messages, in order, paced; shared by replies and background tasks."""

    def __init__(self, bot: Bot, pause: float = 0.0) -> None:
        self.bot = bot
        self.pause = pause

    async def send(self, chat_id: int, messages: Sequence[OutMessage]) -> bool:
        """Send every message; False when the chat can't be reached (blocked, deactivated)."""
        try:
            await self._send_all(chat_id, messages)
        except Forbidden:
            log.info("a chat can't be reached (blocked the bot or deactivated); its reply was dropped")
            return False
        return True

    async def __call__(self, chat_id: int, messages: list[OutMessage]) -> SendResult:
        """The daily dispatcher's sending protocol: Telegram's answer as a ``SendResult``, never
        an exception (a chat that is gone counts as blocked)."""
        try:
            await self._send_all(chat_id, messages)
        except Forbidden:
            return SendResult.blocked("forbidden")
        except RetryAfter as exc:
            return SendResult.retry_after(retry_seconds(exc))
        except BadRequest as exc:  # before NetworkError: BadRequest is a subclass of it in PTB
            if any(text in str(exc).lower() for text in _GONE):
                return SendResult.blocked("chat gone")
            log.warning("a daily reflection was refused by Telegram (BadRequest)")
            return SendResult.error("bad request")
        except (NetworkError, TelegramError) as exc:  # NetworkError includes TimedOut
            return SendResult.error(type(exc).__name__)
        return SendResult.ok()

    async def _send_all(self, chat_id: int, messages: Sequence[OutMessage]) -> None:
        for index, (text, markup) in enumerate(parts_of(messages)):
            if index and self.pause > 0:
                await self.bot.send_chat_action(chat_id, ChatAction.TYPING)
                await asyncio.sleep(self.pause)
            await self._send_one(chat_id, text, markup)

    async def _send_one(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> None:
        try:
            await self.bot.send_message(chat_id, text, reply_markup=markup, parse_mode=ParseMode.HTML)
        except BadRequest as exc:
            if "parse entities" not in str(exc).lower():
                raise
            log.warning("a message was not valid Telegram HTML; sent as plain text instead")
            pieces = split_plain(to_plain(text))
            for index, piece in enumerate(pieces):
                last = index == len(pieces) - 1
                await self.bot.send_message(chat_id, piece, reply_markup=markup if last else None,
                                            parse_mode=None)


def split_plain(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Plain text (no markup) split like HTML: escaped so '<' and '&' stay ordinary characters."""
    return [html.unescape(part) for part in split_html(html.escape(text, quote=False), limit)]
