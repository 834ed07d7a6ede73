"""Telegram updates in, ``Conversations`` turns out: the thin translation and nothing more.

Why and how: docs/telegram.md, under "bot/frontends/telegram/handlers.py"."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.conversations import Conversations
from bot.engine.types import OutMessage
from bot.frontends.telegram.flood import FloodGuard
from bot.frontends.telegram.screening import Screening
from bot.frontends.telegram.sending import Sender

log = logging.getLogger(__name__)


class PrivateChatHandlers:
    """Callbacks for updates from private chats (the runner's filters guarantee that)."""

    def __init__(self, conversations: Conversations, sender: Sender,
                 flood: FloodGuard | None = None, screening: Screening | None = None) -> None:
        self.conversations = conversations
        self.sender = sender
        self.flood = flood if flood is not None else FloodGuard()
        self.screening = screening or Screening(conversations.engine.assess)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Passes a text or a command to the engine as the person wrote it, and sends the reply."""
        message, chat = update.message, update.effective_chat
        if message is None or chat is None or message.text is None:
            return
        let_through = await self._let_through(chat.id, update)
        safety = self.screening.known(update)  # when the ordering or the flood guard checked it
        self.screening.forget(update)
        if not let_through:
            return
        user = update.effective_user
        language = user.language_code if user else None
        replies = await asyncio.to_thread(self.conversations.handle_text, chat.id, message.text, language, safety)
        await self.sender.send(chat.id, replies)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stops the button's spinner, then hands the press to the engine (old or odd ones too)."""
        query, chat = update.callback_query, update.effective_chat
        if query is None:
            return
        if chat is not None and not await self._let_through(chat.id):
            return  # a flood of presses costs no calls to Telegram, not even the spinner's
        with contextlib.suppress(BadRequest):  # too old to answer: the press still deserves its reply
            await query.answer()
        if chat is None or chat.type != chat.PRIVATE or not isinstance(query.data, str):
            return
        replies = await asyncio.to_thread(self.conversations.handle_button, chat.id, query.data)
        await self.sender.send(chat.id, replies)

    async def on_voice(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Says gently that Feather can't listen to voice notes, video notes or audio."""
        await self._say(update, "voice")

    async def on_attachment(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Says gently that Feather only reads text (stickers, photos, files, places...)."""
        await self._say(update, "non_text")

    async def _say(self, update: Update, key: str) -> None:
        if update.effective_chat is not None and await self._let_through(update.effective_chat.id):
            text = self.conversations.engine.words.text(key)
            await self.sender.send(update.effective_chat.id, [OutMessage(text)])

    async def _let_through(self, chat_id: int, update: Update | None = None) -> bool:
        """False when the chat is sending too fast: ``slow_down`` once, then silence until calm.
        One crisis or urgent-medical message (or /help) per episode is let through regardless."""
        verdict = self.flood.check(chat_id)
        if verdict == "ok":
            return True
        urgent = update is not None and self.flood.may_check(chat_id) and await asyncio.to_thread(
            _urgent, self.screening, update)
        if urgent:
            self.flood.safety_pass(chat_id)
            if verdict == "warn":
                self.flood.warn_later(chat_id)  # no "slow down" on top of a crisis reply: next time
            log.info("a chat sending too fast wrote something urgent: answered anyway")
            return True
        if verdict == "warn":
            log.info("a chat is sending too fast: told to slow down; its next messages are set aside")
            await self.sender.send(chat_id, [OutMessage(self.conversations.engine.words.text("slow_down"))])
        return False


def _urgent(screening: Screening, update: Update) -> bool:
    """/help, or a message the safety check reads as a crisis or urgent medical signs."""
    text = update.message.text if update.message else None
    if text is not None and text.strip().split("@")[0].lower() == "/help":
        return True
    return screening.is_urgent(update)
